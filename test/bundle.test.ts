import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileChartSpecs } from '../src/output/vega-charts.js';

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
  it('has the CLI, what bin/msgwork runs before it, and the workers as entry points', () => {
    expect(files).toEqual(expect.arrayContaining(['cli.js', 'early.js', 'load-worker.js', 'chart-worker.js', 'section-worker.js']));
  });
  it('starts an early chart worker from a small module, shared with the CLI (one worker, not two)', () => {
    const early = readFileSync(join(dir, 'early.js'), 'utf8');
    const chunks = [...early.matchAll(/from "\.\/([^"]+)"/g)].map((m) => m[1]!);
    const starter = chunks.find((c) => readFileSync(join(dir, c), 'utf8').includes('new URL("./chart-worker.js"'));
    expect(starter).toBeDefined();
    for (const c of chunks) expect(readFileSync(join(dir, c), 'utf8').length).toBeLessThan(20_000);
    // The CLI's code imports the same chunk, so it takes the worker bin/msgwork started.
    const cliChunks = files.filter((f) => f.endsWith('.js') && f !== 'early.js' && readFileSync(join(dir, f), 'utf8').includes(`from "./${starter}"`));
    expect(cliChunks.length).toBeGreaterThan(0);
  });
  it('validates a config file with zod/mini, by name: a chunk of tens of kilobytes, not zod’s full 760 KB', () => {
    const zod = files.filter((f) => f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes('Invalid input: expected'));
    expect(zod.length).toBeGreaterThan(0);
    for (const f of zod) expect(readFileSync(join(dir, f)).length, f).toBeLessThan(100_000);
  });
  it('finds every worker it starts beside it', () => {
    const urls = files.filter((f) => f.endsWith('.js')).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]!));
    expect(urls.sort()).toEqual(['chart-specs.json', 'chart-worker.js', 'load-worker.js', 'section-worker.js']);
    for (const url of urls) expect(files).toContain(url);
  });
  it('ships the chart specs compiled from the sources, and the chart worker does not load Vega-Lite', async () => {
    const shipped = readFileSync(join(dir, 'chart-specs.json'), 'utf8');
    expect(shipped).toBe(JSON.stringify(await compileChartSpecs()));
    // What the worker loads: its entry, the module that draws (imported when it starts), and their static imports.
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/(?:^|\n|;)\s*import\s*(?:[^'"]*?from\s*)?"\.\/([^"]+)"/g)) visit(m[1]!);
    };
    visit('chart-worker.js');
    const drawing = [...readFileSync(join(dir, 'chart-worker.js'), 'utf8').matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => m[1]!);
    expect(drawing).toHaveLength(1);
    visit(drawing[0]!);
    const code = [...loaded].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(code).toContain('toSVG');
    expect(code).not.toContain('normalizeEncoding'); // a Vega-Lite compiler function
    expect(files.some((f) => readFileSync(join(dir, f), 'utf8').includes('normalizeEncoding'))).toBe(true);
  });
});
