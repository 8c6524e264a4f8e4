// npm run bench: the SPEC 6 measurements.
//  1. Generates the benchmark export (msgwork generate --threads 1500000 --seed 7) when missing.
//  2. Times `msgwork report` on it, as JSON and as HTML: wall time, messages per second, peak memory (VmHWM).
//  3. When DuckDB is installed (@duckdb/node-api, an optional dependency), runs its two peers on the same
//     file in the same run (SPEC 6): the full query (bench/report.sql, every report figure, checked
//     equal to ours) and the quick query (bench/quick.sql, what an analyst writes in an afternoon),
//     and prints both ratios.
//     Then times `msgwork report --db duckdb:` (SPEC 7) on the export loaded as a DuckDB table.
//  4. Times `msgwork report` (JSON and HTML) on the 10,000-message sample (start-up included):
//     first, before the large runs, printed last.
// Both tools read the times as UTC (--timezone UTC), so the SQL needs no zone conversion.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.MSGWORK_BENCH_FILE ?? join(root, 'bench/data/messages.csv');
const bin = join(root, 'bin/msgwork');

if (!existsSync(data)) {
  mkdirSync(dirname(data), { recursive: true });
  console.log(`generating ${data} (msgwork generate --threads 1500000 --seed 7) …`);
  const made = spawnSync(process.execPath, [bin, 'generate', '--threads', '1500000', '--seed', '7', '-o', data], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(made.status ?? 1);
}

/** Runs a command, polling its peak resident memory (VmHWM); resolves with wall seconds, peak MB and stdout. */
function measure(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let peak = 0;
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // the process has ended
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve({ seconds: (performance.now() - started) / 1000, peakMB: peak, stdout: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

// The samples first (printed last): start-up is timed before the large runs, not right after a
// 4 GB DuckDB run (after it, one run of a commit printed 0.54 and 0.94 s; the same commit timed
// alone minutes apart took 0.37–0.45 and 0.69–0.81 s). The machine drifts either way.
const samplesLines = [];
for (const format of ['json', 'html']) {
  const small = [];
  for (let i = 0; i < 5; i++) small.push((await measure([bin, 'report', '--config', join(root, 'samples/config.json'), '--format', format, join(root, 'samples/messages.csv')])).seconds);
  small.sort((a, b) => a - b);
  samplesLines.push(`samples/messages.csv (10,027 rows), report --format ${format} with start-up: median ${small[2].toFixed(2)} s of 5 runs (target ≤ ${format === 'json' ? '0.4' : '0.7'} s)`);
}

const messages = Number(/"used": (\d+)/.exec(spawnSync(process.execPath, [bin, 'validate', '--timezone', 'UTC', '--format', 'json', data], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout)?.[1] ?? NaN);
const size = statSync(data).size / 1e6;
console.log(`export: ${data} (${size.toFixed(0)} MB, ${messages.toLocaleString('en-US')} messages)`);

// Median of three, the runs compared taken in turn (JSON report, HTML page, DuckDB's quick query):
// one run on a shared machine can be a second off either way, and the machine drifts over minutes,
// so each ratio compares runs made side by side.
let hasDuckDB = true;
try {
  await import('@duckdb/node-api');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  hasDuckDB = false;
  console.log('DuckDB: not installed (@duckdb/node-api is an optional dependency: npm ci installs it where DuckDB has a build)');
}
const runs = [], pages = [], quicks = [];
for (let i = 0; i < 3; i++) {
  runs.push(await measure([bin, 'report', '--timezone', 'UTC', '--format', 'json', data]));
  pages.push(await measure([bin, 'report', '--timezone', 'UTC', '--format', 'html', data]));
  if (hasDuckDB) quicks.push(await measure([join(root, 'bench/duckdb.mjs'), data, '--sql', 'quick']));
}
const median = (list) => {
  const sorted = [...list].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[1], peakMB: Math.max(...list.map((r) => r.peakMB)), all: list.map((r) => r.seconds.toFixed(1)).join(', ') };
};
const ours = median(runs);
console.log(`msgwork report: ${ours.seconds.toFixed(1)} s wall (median of 3: ${ours.all} s), ${Math.round(messages / ours.seconds).toLocaleString('en-US')} messages/s, peak ${ours.peakMB.toFixed(0)} MB (highest of 3), ${Math.round((ours.peakMB * 1048576) / messages)} bytes per message`);
const serial = await measure([bin, 'report', '--timezone', 'UTC', '--format', 'json', data], { MSGWORK_THREADS: '1' });
console.log(`msgwork report in one thread (MSGWORK_THREADS=1): ${serial.seconds.toFixed(1)} s wall, peak ${serial.peakMB.toFixed(0)} MB`);
const page = median(pages);
console.log(`msgwork report --format html: ${page.seconds.toFixed(1)} s wall (median of 3: ${page.all} s), ${(page.seconds / ours.seconds).toFixed(2)} × the JSON report (target ≤ 1.2), peak ${page.peakMB.toFixed(0)} MB (highest of 3)`);

const quick = hasDuckDB ? median(quicks) : undefined;
const duck = hasDuckDB ? await measure([join(root, 'bench/duckdb.mjs'), data, '--print']) : undefined;
if (duck) {
  console.log(`DuckDB quick query (bench/quick.sql): ${quick.seconds.toFixed(1)} s wall (median of 3: ${quick.all} s), peak ${quick.peakMB.toFixed(0)} MB`);
  console.log(`DuckDB full query (bench/report.sql): ${duck.seconds.toFixed(1)} s wall, peak ${duck.peakMB.toFixed(0)} MB`);
  console.log(`ratio msgwork / quick query: ${(ours.seconds / quick.seconds).toFixed(2)} (target ≤ 1.0, goal 0.6)`);
  console.log(`ratio msgwork / full query: ${(ours.seconds / duck.seconds).toFixed(2)} (target ≤ 0.5)`);
  console.log(`peak memory ${ours.peakMB.toFixed(0)} MB: ${ours.peakMB <= 1024 ? 'within' : 'over'} 1 GB`);
  console.log(compareFigures(JSON.parse(ours.stdout), duck.stdout));

  // SPEC 7: the same report computed by DuckDB (msgwork report --db), on the export loaded as a table.
  const table = join(dirname(data), 'messages.duckdb');
  if (!existsSync(table) || statSync(table).mtimeMs < statSync(data).mtimeMs) {
    const load = await measure([join(root, 'bench/load-duckdb.mjs'), data, table]);
    console.log(`loaded the export into ${table} (table messages): ${load.seconds.toFixed(1)} s`);
  }
  const inDb = await measure([bin, 'report', '--db', `duckdb:${table}`, '--table', 'messages', '--timezone', 'UTC', '--format', 'json']);
  const { cells, largest } = relativeDifference(JSON.parse(ours.stdout).sections, JSON.parse(inDb.stdout).sections);
  console.log(`msgwork report --db duckdb: (the script of msgwork sql, in DuckDB): ${inDb.seconds.toFixed(1)} s wall, peak ${inDb.peakMB.toFixed(0)} MB; ${(inDb.seconds / ours.seconds).toFixed(2)} × the in-memory report; ${cells} cells, largest relative difference ${largest.toExponential(1)}`);
}

for (const line of samplesLines) console.log(line);

/** Cells compared and the largest relative difference between two reports' sections (Infinity when a cell differs otherwise). */
function relativeDifference(expected, actual) {
  let cells = 0, largest = 0;
  for (const [name, { rows }] of Object.entries(expected)) {
    rows.forEach((row, r) => {
      for (const [column, value] of Object.entries(row)) {
        cells++;
        const other = actual[name]?.rows[r]?.[column];
        if (value === other) continue;
        largest = Math.max(largest, typeof value === 'number' && typeof other === 'number' ? Math.abs(value - other) / Math.max(Math.abs(value), Math.abs(other)) : Infinity);
      }
    });
  }
  return { cells, largest };
}

/** Every overall, by-role and by-category row of DuckDB's output against msgwork's JSON. */
function compareFigures(report, duckText) {
  const sets = duckText.split('---\n').filter((s) => s.trim()).map((s) => s.trim().split('\n').map((l) => JSON.parse(l)));
  const names = ['volume', 'after-hours', 'latency', 'rounds'];
  let compared = 0;
  const differences = [];
  sets.forEach((rows, k) => {
    for (const row of rows) {
      const view = row.role != null ? 'by_role' : row.category != null ? 'by_category' : null;
      const sectionName = view ? `${names[k]}.${view}` : names[k];
      const ourRows = report.sections[sectionName].rows;
      const mine = view ? ourRows.find((r) => r[view.slice(3)] === row[view.slice(3)]) : ourRows[0];
      if (!mine) {
        differences.push(`${sectionName} ${row.role ?? row.category}: missing in msgwork`);
        continue;
      }
      for (const [column, value] of Object.entries(row)) {
        if (['role', 'category', 'gs'].includes(column) || !(column in mine)) continue;
        compared++;
        const a = Number(value), b = mine[column];
        if (value === null ? b !== null : Math.abs(a - b) > 1e-6 * Math.max(1, Math.abs(a))) differences.push(`${sectionName} ${row.role ?? row.category ?? 'all'} ${column}: DuckDB ${value}, msgwork ${b}`);
      }
    }
  });
  return differences.length === 0
    ? `figures: all ${compared} DuckDB values agree with msgwork`
    : `figures: ${differences.length} of ${compared} values differ:\n  ${differences.slice(0, 20).join('\n  ')}`;
}
