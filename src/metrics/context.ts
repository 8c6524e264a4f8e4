import { UsageError } from '../errors.js';
import type { TimeRange, WorkWindow } from '../model/calendar.js';
import { groupColumn, PERIOD_DIMENSIONS, periodDays, type Dimension, type EntityKind, type GroupContext, type Groups } from '../model/groups.js';
import type { WorkClock } from '../model/worktime.js';
import type { Zone } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { wilsonInterval } from './survival.js';

/** A calendar bound of `--within`: its column suffix, and its length in whole milliseconds (exact: 65m is 3,900,000). */
export interface WithinBound {
  label: string;
  ms: number;
}

/** Options of the metric definitions (SPEC 2). */
export interface MetricSettings {
  evening: TimeRange;
  sessionGapMinutes: number;
  minutesPerMessage: number;
  latencyIndex: 'first' | 'each';
  within: WithinBound[];
  /** --ci: the confidence level in percent, when intervals are asked for. */
  ciLevel?: number | undefined;
}

/** Everything a metric reads. */
export interface MetricContext extends GroupContext {
  zone: Zone;
  window: WorkWindow;
  workClock: WorkClock;
  /** Days in the analysis window / 7 (SPEC 2 "Window"). */
  weeks: number;
  /** The window's first and last local date (day numbers). */
  since: number;
  until: number;
  /** 1 for each message whose local date is in the window: what the sections count (SPEC 2 "Scope"). */
  inWindow: Uint8Array;
  /** End of follow-up, UTC ms: unanswered index messages are censored there. */
  asOf: number;
  /** --ci: z of the two-sided level, when intervals are asked for. */
  z?: number | undefined;
  /** First and last local date (day numbers) of the analysed messages. */
  firstDay: number;
  lastDay: number;
  settings: MetricSettings;
  /** --min-cell: counts below it (and figures derived from them) are suppressed. */
  minCell?: number | undefined;
  /** Results shared between sections and views of one run (see `remember`). */
  memo: Map<string, unknown>;
}

/**
 * Computes a value once per run: the all-data rows that every `--by` view's
 * total repeats, and intermediate arrays several sections read.
 */
export function remember<T>(context: MetricContext, key: string, compute: () => T): T {
  if (!context.memo.has(key)) context.memo.set(key, compute());
  return context.memo.get(key) as T;
}

/** One metric's figures: columns (group columns first), a row per group, the all-data row. */
export interface MetricTable {
  columns: ColumnSpec[];
  rows: Row[];
  total: Row;
}

/** Parses `--within 4h,24h,72h` (also `90m`, `2d`). */
export function parseWithin(text: string | undefined): WithinBound[] {
  const bounds: WithinBound[] = [];
  for (const raw of (text ?? '24h,72h').split(',')) {
    const token = raw.trim().toLowerCase();
    if (token === '') continue;
    const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/.exec(token);
    if (!m || Number(m[1]) <= 0) {
      throw new UsageError(`--within: "${raw.trim()}" is not a duration like 4h, 24h, 72h, 90m or 2d`);
    }
    const value = Number(m[1]);
    const ms = Math.round(value * (m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000));
    const label = `${m[1]}${m[2] === 'min' ? 'm' : m[2]}`;
    if (bounds.some((b) => b.label === label)) throw new UsageError(`--within: "${label}" is given twice`);
    if (ms > 366 * 86_400_000) throw new UsageError(`--within: "${raw.trim()}" is longer than a year`);
    bounds.push({ label, ms });
  }
  if (bounds.length === 0) throw new UsageError('--within: no bounds given');
  return bounds;
}

/** The group columns of a table. */
export function groupColumns(dims: Dimension[]): ColumnSpec[] {
  return dims.map((d) => ({ name: groupColumn(d), kind: 'group' as const }));
}

/** A row holding a group's labels. */
export function groupRow(groups: Groups, g: number): Row {
  const row: Row = {};
  groups.dims.forEach((d, i) => {
    row[groupColumn(d)] = groups.labels[g]![i]!;
  });
  return row;
}

/** x / y × 100, or null when y is 0. */
export function percent(x: number, y: number): number | null {
  return y === 0 ? null : (100 * x) / y;
}

/** x / y, or null when y is 0. */
export function ratio(x: number, y: number): number | null {
  return y === 0 ? null : x / y;
}

/** 0, 1, … n-1. */
export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Which entities the window selects (SPEC 2 "Scope"): messages and index
 * messages sent in it, threads whose first message is in it.
 */
export function windowMask(context: MetricContext, kind: EntityKind, entities: Int32Array): Uint8Array {
  const { inWindow, threads } = context;
  const out = new Uint8Array(entities.length);
  for (let p = 0; p < entities.length; p++) {
    const e = entities[p]!;
    out[p] = inWindow[kind === 'thread' ? threads.order[threads.start[e]!]! : e]!;
  }
  return out;
}

/**
 * Days of a group's calendar periods inside the window, and of the periods
 * themselves (SPEC 2 "Window": in rows grouped by week, month, quarter or
 * year, weeks is the days of that period inside the window / 7); null when
 * no dimension is a calendar period.
 */
export function periodDaysInWindow(context: Pick<MetricContext, 'since' | 'until'>, dims: Dimension[], labels: readonly string[]): { inside: number; full: number } | null {
  let first = context.since, last = context.until;
  let fullFirst = -Infinity, fullLast = Infinity;
  let any = false;
  dims.forEach((d, k) => {
    if (!PERIOD_DIMENSIONS.has(d)) return;
    const [from, to] = periodDays(d, labels[k]!);
    any = true;
    first = Math.max(first, from);
    last = Math.min(last, to);
    fullFirst = Math.max(fullFirst, from);
    fullLast = Math.min(fullLast, to);
  });
  if (!any) return null;
  return { inside: Math.max(0, last - first + 1), full: Math.max(0, fullLast - fullFirst + 1) };
}

/** Weeks a group's rates are per: its periods' days inside the window / 7, else the window's weeks. */
export function groupWeeks(context: MetricContext, groups: Groups, g: number): number {
  const days = periodDaysInWindow(context, groups.dims, groups.labels[g]!);
  return days === null ? context.weeks : days.inside / 7;
}

/** The periods of a table's rows that are only partly inside the window (SPEC 2 "Window"), for notes and JSON. */
export function partialPeriods(context: Pick<MetricContext, 'since' | 'until'>, dims: Dimension[], rows: readonly Row[]): { period: string; days_in_window: number; days: number }[] {
  const out: { period: string; days_in_window: number; days: number }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const labels = dims.map((d) => String(row[groupColumn(d)] ?? ''));
    const days = periodDaysInWindow(context, dims, labels);
    if (days === null || days.inside >= days.full) continue;
    const period = dims.map((d, k) => (PERIOD_DIMENSIONS.has(d) ? labels[k]! : null)).filter((l) => l !== null).join(' × ');
    if (seen.has(period)) continue;
    seen.add(period);
    out.push({ period, days_in_window: days.inside, days: days.full });
  }
  return out;
}

/** Whether a column gets a confidence interval with --ci: every share (pct_*) and Kaplan–Meier (km_*) column. */
export function hasInterval(name: string): boolean {
  return name.startsWith('pct_') || name.startsWith('km_');
}

/** The columns with `<name>_lo` and `<name>_hi` right after every pct_* and km_* column when --ci is on (SPEC 2.3). */
export function withIntervals(columns: ColumnSpec[], ci: number | undefined): ColumnSpec[] {
  if (ci === undefined) return columns;
  const out: ColumnSpec[] = [];
  for (const column of columns) {
    out.push(column);
    if (column.kind === 'group' || !hasInterval(column.name)) continue;
    const label = column.label ?? column.name;
    const bound = { kind: column.kind, basis: column.basis ?? [], follows: column.name };
    out.push({ ...bound, name: `${column.name}_lo`, label: `${label}\n${ci}% low` }, { ...bound, name: `${column.name}_hi`, label: `${label}\n${ci}% high` });
  }
  return out;
}

/**
 * Sets a share x / n × 100 on a row, and with --ci its Wilson score interval
 * (`_lo`, `_hi`; blank when n is 0).
 */
export function setShare(row: Row, name: string, x: number, n: number, z: number | undefined): void {
  row[name] = percent(x, n);
  if (z === undefined) return;
  const interval = wilsonInterval(x, n, z);
  row[`${name}_lo`] = interval ? interval[0] : null;
  row[`${name}_hi`] = interval ? interval[1] : null;
}
