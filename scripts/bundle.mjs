// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, which bin/msgwork runs.
//
// Why (issue 16, SPEC 6 start-up): Node 20 resolves, reads and compiles every ES module
// file on its own. A run on the 10,000-message samples loaded about 200 files before it read a
// row (zod alone is 99 of them), and the chart worker about 150 for Vega and Vega-Lite (0.15 s
// of a quiet core). esbuild writes them as a few files: the entry points (cli, and the
// workers, which bin/msgwork and `new URL('./…-worker.js', import.meta.url)` find beside it)
// and shared chunks; `early.js` is what bin/msgwork runs first (it starts an HTML report's chart
// worker before the CLI is loaded; its module is shared with the CLI's). Every `import()` stays
// a separate chunk, loaded only when asked for, as before (Vega only for HTML, exceljs only for
// workbooks …).
//
// Left as packages (not bundled): native or optional ones (@duckdb/node-api, pg and its
// optional native driver) and exceljs, which is large and loaded only for .xlsx.
// CommonJS packages in an ES module bundle need `require` for Node's built-ins: the banner
// gives each file one.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ['dist/cli.js', 'dist/early.js', 'dist/input/load-worker.js', 'dist/output/chart-worker.js', 'dist/commands/section-worker.js'].map((p) => join(root, p)),
  outdir,
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@duckdb/node-api', 'pg', 'exceljs'],
  banner: { js: "import { createRequire as __msgworkCreateRequire } from 'node:module'; const require = __msgworkCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The HTML report's chart specs, compiled from Vega-Lite to Vega dataflows once, here, instead of
// in every run (src/output/vega-charts.ts reads them from beside its bundled copy).
const { compileChartSpecs } = await import(join(root, 'dist/output/vega-charts.js'));
writeFileSync(join(outdir, 'chart-specs.json'), JSON.stringify(await compileChartSpecs()));
