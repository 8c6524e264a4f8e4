import { statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { InputError, runState, UsageError } from '../errors.js';
import { sharedArray } from '../model/shared.js';
import { isDirectoryTarget, writeDirectory } from '../output/directory.js';
import { loadMessages, type LoadReport } from '../input/load.js';
import { readRoster, type Roster } from '../input/roster.js';
import { isWorkDay, loadHolidays, type WorkWindow } from '../model/calendar.js';
import { resolveClinicians, type Clinicians } from '../model/clinicians.js';
import type { MessageStore } from '../model/store.js';
import { formatDay, MS_PER_DAY, type Zone } from '../model/zone.js';
import { inputSettings, mergedOptions, optionString, outputFormat, type Format, type InputSettings, type RawOptions } from '../options.js';
import { render } from '../output/render.js';
import type { Report } from '../output/report.js';
import { checkOutputIsNotInput, writeOutput } from '../output/sink.js';

/** Everything the commands need about the analysed messages. */
export interface Analysis {
  settings: InputSettings;
  store: MessageStore;
  report: LoadReport;
  roster?: Roster | undefined;
  clinicians: Clinicians;
  window: WorkWindow;
  /** First and last local date of the analysed messages (the whole input, up to --as-of). */
  firstDay: number;
  lastDay: number;
  /** The reporting window (SPEC 2 "Window"): --since/--until, else firstDay…lastDay. */
  since: number;
  until: number;
  /** 1 for each message whose local date is in the window. */
  inWindow: Uint8Array;
  /** Messages outside the window: read for threads, replies and attribution, not counted. */
  outsideWindow: number;
  /** End of follow-up: --as-of, else the latest sent_at (SPEC 2 "Scope"). */
  asOf: number;
}

/** Standard error, unless --quiet. */
export function warn(settings: { quiet: boolean }, text: string): void {
  if (!settings.quiet) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The skipped-rows summary (SPEC 3.1), as lines. */
export function skippedSummary(report: LoadReport): string[] {
  if (report.rowsSkipped === 0) return [];
  const reasons = [...report.skipped].map(([reason, n]) => `${reason}: ${n}`).join(', ');
  const lines = [`skipped ${report.rowsSkipped} of ${report.rowsRead} rows (${reasons})`];
  for (const error of report.errors) lines.push(`  ${error}`);
  if (report.rowsSkipped > report.errors.length) lines.push(`  … and ${report.rowsSkipped - report.errors.length} more`);
  return lines;
}

/**
 * A progress bar on standard error for long reads (SPEC 3: only when it is a
 * terminal, never with --quiet): plain files totalling 50 MB or more.
 * cli-progress is loaded only then.
 */
async function progressBar(settings: InputSettings): Promise<{ update: (bytes: number) => void; stop: () => void } | undefined> {
  if (settings.quiet || process.stderr.isTTY !== true || settings.sources.some((s) => s.path === null || /\.gz$/i.test(s.path))) return undefined;
  let total = 0;
  try {
    for (const s of settings.sources) total += statSync(s.path!).size;
  } catch {
    return undefined; // the reader reports unreadable files
  }
  if (total < 50e6) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: 'reading {bar} {percentage}% | {value}/{total} MB | {eta_formatted} left', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  bar.start(Math.round(total / 1e6), 0);
  return { update: (bytes) => bar.update(Math.round(bytes / 1e6)), stop: () => bar.stop() };
}

/**
 * Reads the roster and messages, applies --strict, and resolves clinicians
 * and the work window (holidays for the years the data covers).
 */
export async function analyse(
  settings: InputSettings,
  options: { warnSkipped?: boolean; onParallelRead?: () => void; /** Called with the loaded messages, before the clinicians are resolved. */ onStore?: (store: MessageStore) => void } = {},
): Promise<Analysis> {
  runState.inputs = describeInputs(settings);
  const roster = settings.rosterFile ? readRoster(settings.rosterFile, settings.vocabularies) : undefined;
  const progress = await progressBar(settings);
  let loaded: Awaited<ReturnType<typeof loadMessages>>;
  try {
    loaded = await loadMessages({
      ...(progress ? { onProgress: progress.update } : {}),
      ...(options.onParallelRead ? { onParallelRead: options.onParallelRead } : {}),
      sources: settings.sources,
      preset: settings.preset,
      map: settings.map,
      delimiter: settings.delimiter,
      quote: settings.quote,
      encoding: settings.encoding,
      sheet: settings.sheet,
      timeFormat: settings.timeFormat,
      zone: settings.zone,
      inputZone: settings.inputZone,
      systemSenders: settings.systemSenders,
      asOf: settings.asOf,
      vocabularies: settings.vocabularies,
    });
  } finally {
    progress?.stop();
  }
  const { store, report } = loaded;
  if (settings.strict && report.rowsSkipped > 0) {
    throw new InputError(['--strict: the input has rows that cannot be used', ...skippedSummary(report)].join('\n'));
  }
  options.onStore?.(store);
  for (const warning of report.warnings) warn(settings, `msgwork: warning: ${warning}`);
  if (options.warnSkipped !== false && report.rowsSkipped > 0) warn(settings, skippedSummary(report).map((l) => `msgwork: ${l}`).join('\n'));
  let firstDay = Infinity, lastDay = -Infinity, latest = -Infinity;
  for (let i = 0; i < store.count; i++) {
    const d = store.localDay[i]!;
    if (d < firstDay) firstDay = d;
    if (d > lastDay) lastDay = d;
    if (store.utc[i]! > latest) latest = store.utc[i]!;
  }
  // The window selects what is counted; threads, replies and attribution use every message (SPEC 2 "Scope").
  const range = settings.range;
  const since = range && Number.isFinite(range.since) ? range.since : firstDay;
  const until = range && Number.isFinite(range.until) ? range.until : lastDay;
  const inWindow = sharedArray(Uint8Array, store.count);
  let counted = 0;
  for (let i = 0; i < store.count; i++) {
    const d = store.localDay[i]!;
    if (d >= since && d <= until) {
      inWindow[i] = 1;
      counted++;
    }
  }
  if (counted === 0) {
    throw new InputError(
      `no usable rows in ${settings.sources.map((s) => s.name).join(', ')}: none of the ${store.count} messages is dated ${formatDay(since)} to ${formatDay(until)}` +
        ` (the input runs from ${formatDay(firstDay)} to ${formatDay(lastDay)})`,
    );
  }
  const year = (day: number) => new Date(day * MS_PER_DAY).getUTCFullYear();
  const holidays = settings.holidays ? await loadHolidays(settings.holidays, Math.min(year(firstDay), year(since)) - 1, Math.max(year(lastDay), year(until)) + 1) : new Set<number>();
  const window: WorkWindow = { hours: settings.workHours, days: settings.workDays, holidays };
  return {
    settings,
    store,
    report,
    roster,
    clinicians: resolveClinicians(store, roster),
    window,
    firstDay,
    lastDay,
    since,
    until,
    inWindow,
    outsideWindow: store.count - counted,
    asOf: settings.asOf ?? latest,
  };
}

/** The report-header lines every command shares: inputs, zone, window, work hours, rows. */
export function headerLines(analysis: Analysis): string[] {
  const { settings, report } = analysis;
  return [
    `input: ${settings.sources.map((s) => s.name).join(', ')} (preset ${settings.preset.name}${settings.rosterFile ? `, roster ${shownPath(settings.rosterFile)}` : ''})`,
    ...timeHeaderLines(settings, analysis, analysis.asOf, analysis.window.holidays),
    `rows: ${thousands(report.rowsRead)} read, ${thousands(report.rowsUsed)} used, ${thousands(report.rowsSkipped)} skipped` +
      (report.systemMessages ? `, ${plural(report.systemMessages, 'system message')} excluded` : '') +
      (analysis.outsideWindow ? `, ${plural(analysis.outsideWindow, 'message')} outside the window (read for threads and replies)` : '') +
      (report.afterAsOf ? `, ${plural(report.afterAsOf, 'message')} after --as-of left out` : ''),
  ];
}

/** The header's time zone, window and work-window lines (from files or a database). */
export function timeHeaderLines(settings: InputSettings, { since, until }: { since: number; until: number }, asOf: number, holidays: Iterable<number>): string[] {
  const workWeekday = { hours: settings.workHours, days: settings.workDays, holidays: new Set<number>() };
  const inWindow = [...holidays].filter((d) => d >= since && d <= until && isWorkDay(workWeekday, d)).length;
  return [
    `time zone: ${settings.zone.name}${settings.inputZone.name !== settings.zone.name ? ` (timestamps without an offset read in ${settings.inputZone.name})` : ''}`,
    `window: ${formatDay(since)} to ${formatDay(until)}${settings.rangeSource ? ` (${settings.rangeSource})` : ' (dates in the data)'}; follow-up to ${formatInstant(asOf, settings.zone)}${settings.asOf === undefined ? ' (the latest message)' : ' (--as-of)'}`,
    `work window: ${settings.workDaysText} ${settings.workHoursText}${settings.holidays ? `, holidays ${settings.holidays} (${inWindow} in window)` : ''}`,
  ];
}

/** Options parsed, config merged and validated: what every analysing command starts from. */
export async function prepare(command: Command, files: readonly string[]) {
  const { raw, config } = await mergedOptions(command);
  const settings = inputSettings(files, raw, config);
  const format = outputFormat(raw, process.stdout.isTTY === true);
  checkOutputIsNotInput(optionString(raw, 'output'), [...settings.sources.map((s) => s.path), settings.rosterFile ?? null, config?.file ?? null]);
  return { raw, config, settings, format };
}

/** Renders a report (or writes ready text) to -o or standard output. */
export async function emit(report: Report | null, format: Format, raw: RawOptions, text?: string): Promise<void> {
  const terminal = {
    width: Math.max(60, (process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS)) || 80),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR && optionString(raw, 'output') === undefined,
  };
  const output = optionString(raw, 'output');
  if (report && isDirectoryTarget(output)) return writeDirectory(report, format, output, terminal);
  if (format === 'parquet' && output === undefined && process.stdout.isTTY) throw new UsageError('--format parquet is binary: give -o FILE.parquet (or -o DIR/ for report)');
  await writeOutput(report ? await render(report, format, terminal) : (text ?? ''), output);
}

/** `YYYY-MM-DD HH:MM` local time of an instant. */
export function formatInstant(utc: number, zone: Zone): string {
  const local = new Date(zone.toLocalMs(utc)).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** A path as people read it: relative to the working folder when inside it. */
function shownPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return isAbsolute(path) && !relativePath.startsWith('..') && !isAbsolute(relativePath) ? relativePath : path;
}

/** The inputs and their size, for the out-of-memory message: `export.csv (9.1 GB)`. */
function describeInputs(settings: InputSettings): string {
  let bytes = 0;
  for (const s of settings.sources) {
    try {
      if (s.path !== null) bytes += statSync(s.path).size;
    } catch {
      // reported when read
    }
  }
  const names = settings.sources.map((s) => s.name).join(', ');
  return bytes > 0 ? `${names} (${(bytes / 1e9).toFixed(1)} GB on disk)` : names;
}

/** `1 row`, `2 rows`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const grouped = new Intl.NumberFormat('en-US');

/** 12,345. */
export function thousands(n: number): string {
  return grouped.format(n);
}
