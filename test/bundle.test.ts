import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * bin/msgwork runs dist/bundle (scripts/bundle.mjs, built by test/build.ts).
 * Its workers are started by URL relative to the chunk that starts them; a
 * worker that cannot start falls back to the main thread without a word, so
 * a missing file would only show as a slower run. Check every such URL
 * names a file of the bundle.
 */
describe('the bundle', () => {
  const dir = 'dist/bundle';
  const files = readdirSync(dir);
  it('has the CLI and both workers as entry points', () => {
    expect(files).toEqual(expect.arrayContaining(['cli.js', 'load-worker.js', 'chart-worker.js']));
  });
  it('finds every worker it starts beside it', () => {
    const urls = files.filter((f) => f.endsWith('.js')).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]!));
    expect(urls.sort()).toEqual(['chart-worker.js', 'load-worker.js']);
    for (const url of urls) expect(files).toContain(url);
  });
});
