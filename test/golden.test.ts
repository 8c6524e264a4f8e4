import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Golden end-to-end cases, one folder each under test/cases (after Miller):
 *   cmd     the arguments after `msgwork`, shell-quoted, on one line
 *   stdin   optional: fed to standard input
 *   expout  expected standard output
 *   experr  expected standard error (optional: empty when absent)
 *   expcode expected exit code (optional: 0 when absent)
 * The command runs in the case folder with a fixed "today", no colour and an
 * 80-column width; folders starting with _ hold shared inputs (_inputs).
 * Set MSGWORK_UPDATE_GOLDEN=1 to rewrite the expectations, then read the diff.
 */
const BIN = resolve('bin/msgwork');
const CASES = resolve('test/cases');

/** Splits a command line into words, honouring '…' and "…" quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let current = '';
  let last = -1;
  for (const m of line.trim().matchAll(pattern)) {
    const piece = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!;
    if (m.index === last) current += piece;
    else {
      if (last !== -1) words.push(current);
      current = piece;
    }
    last = m.index + m[0].length;
  }
  if (last !== -1) words.push(current);
  return words;
}

function read(path: string, fallback = ''): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : fallback;
}

describe('golden cases', () => {
  for (const name of readdirSync(CASES).filter((n) => !n.startsWith('_')).sort()) {
    const dir = join(CASES, name);
    it(name, () => {
      const args = shellWords(readFileSync(join(dir, 'cmd'), 'utf8'));
      const stdinPath = join(dir, 'stdin');
      const run = spawnSync(process.execPath, [BIN, ...args], {
        cwd: dir,
        input: existsSync(stdinPath) ? readFileSync(stdinPath) : '',
        env: { ...process.env, NO_COLOR: '1', MSGWORK_TODAY: '2024-06-15', TZ: 'UTC', COLUMNS: '80' },
        encoding: 'utf8',
      });
      if (process.env.MSGWORK_UPDATE_GOLDEN) {
        const { writeFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
        writeFileSync(join(dir, 'expout'), run.stdout);
        if (run.stderr) writeFileSync(join(dir, 'experr'), run.stderr);
        else rmSync(join(dir, 'experr'), { force: true });
        if (run.status !== 0) writeFileSync(join(dir, 'expcode'), `${run.status}\n`);
        else rmSync(join(dir, 'expcode'), { force: true });
      }
      expect(run.stderr).toBe(read(join(dir, 'experr')));
      expect(run.stdout).toBe(read(join(dir, 'expout')));
      expect(run.status).toBe(Number(read(join(dir, 'expcode'), '0').trim()));
    });
  }
});
