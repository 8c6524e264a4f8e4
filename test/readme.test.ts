import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/fixtures.js';

/**
 * Every `npx msgwork …` example in the README's shell blocks runs as written
 * (SPEC 3: examples that run after npm ci), in a fresh folder holding the
 * samples; `npx msgwork` stands for this checkout's bin/msgwork. A check may
 * exit 3 (a rule failed on the samples); anything else must exit 0.
 */
const BIN = resolve('bin/msgwork');
const readme = readFileSync('README.md', 'utf8');
const examples = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split('\n'))
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => l.startsWith('npx msgwork ') && !l.includes('1500000'));

describe('README examples run as written', () => {
  const dir = tempDir('msgwork-readme-');
  cpSync('samples', join(dir, 'samples'), { recursive: true });
  it('has examples', () => expect(examples.length).toBeGreaterThan(15));
  for (const line of examples) {
    it(line, () => {
      const out = spawnSync('bash', ['-c', `npx() { shift; "${process.execPath}" "${BIN}" "$@"; }\n${line}`], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });
      const allowed = line.includes(' check ') ? [0, 3] : [0];
      expect(allowed, `${line}\n${out.stderr}`).toContain(out.status);
      expect(out.stderr).not.toMatch(/internal error/);
    }, 60_000);
  }
});
