import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Standard input (plain or gzipped) gives the same validated messages and figures as the file. */
const BIN = resolve('bin/msgwork');
const file = 'samples/messages.csv';
const run = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [BIN, ...args], { input: input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });

/** The JSON output without the input's name. */
function withoutNames(json: string): unknown {
  return JSON.parse(json.replaceAll(file, 'INPUT').replaceAll('<stdin>', 'INPUT'));
}

describe('standard input', () => {
  const bytes = readFileSync(file);
  for (const [name, input] of [['plain', bytes], ['gzipped', gzipSync(bytes)]] as const) {
    it(`${name}: validate and report agree with the file`, () => {
      for (const command of ['validate', 'report']) {
        const fromFile = run([command, '--timezone', 'America/New_York', '--format', 'json', file]);
        const fromStdin = run([command, '--timezone', 'America/New_York', '--format', 'json', '-'], input);
        expect(fromStdin.status, fromStdin.stderr).toBe(0);
        expect(withoutNames(fromStdin.stdout)).toEqual(withoutNames(fromFile.stdout));
      }
    });
  }
});
