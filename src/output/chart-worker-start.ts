import { Worker } from 'node:worker_threads';

/**
 * Starting the chart worker (`chart-worker.ts`) as early as possible (issue
 * 15, SPEC 6): on the samples the HTML report waits for the worker's
 * drawing, and the worker cannot draw before it has imported Vega, about
 * 0.15 s after it starts. `bin/msgwork` calls `startChartWorkerEarly` before
 * it even loads the CLI, when the command line asks for an HTML report; the
 * report then takes that worker instead of starting one (on the samples, a
 * median 0.76 → 0.71 s in 20 alternating runs each). A command line that does not say
 * html (a format from --config) starts its worker later, as before; a worker
 * started but not taken (a usage error) does not keep the process alive.
 */
let early: Worker | undefined;
/** Workers that failed before they were taken (an 'error' with no listener would end the process). */
const failed = new WeakSet<Worker>();

/** The commands that write an HTML page with charts. */
const CHART_COMMANDS = new Set(['report', 'volume', 'after-hours', 'latency', 'rounds']);

/** Whether a command line asks for an HTML report: --format html, or -o FILE.html without --format. */
export function asksForHtml(argv: readonly string[]): boolean {
  if (!CHART_COMMANDS.has(argv[0] ?? '')) return false;
  let format: string | undefined, output: string | undefined;
  for (let k = 1; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--') break;
    if (arg === '--format') format = argv[++k];
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg === '-o' || arg === '--output') output = argv[++k];
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
  }
  return format !== undefined ? format === 'html' : output !== undefined && /\.html?$/i.test(output);
}

/** Starts the chart worker now when the command line asks for an HTML report. */
export function startChartWorkerEarly(argv: readonly string[]): void {
  if (early !== undefined || !asksForHtml(argv)) return;
  try {
    early = newChartWorker();
  } catch {
    early = undefined;
  }
}

/** The worker started early, else a new one (throws when none can start or the early one failed). */
export function takeChartWorker(): Worker {
  const worker = early ?? newChartWorker();
  early = undefined;
  if (failed.has(worker)) throw new Error('the chart worker failed');
  return worker;
}

function newChartWorker(): Worker {
  const worker = new Worker(new URL('./chart-worker.js', import.meta.url));
  worker.unref();
  worker.on('error', () => failed.add(worker));
  return worker;
}
