import { UsageError } from '../errors.js';
import type { TimeRange, WorkWindow } from '../model/calendar.js';
import { groupColumn, type Dimension, type GroupContext, type Groups } from '../model/groups.js';
import type { WorkClock } from '../model/worktime.js';
import type { Zone } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';

/** A calendar bound of `--within`: its column suffix and length in hours. */
export interface WithinBound {
  label: string;
  hours: number;
}

/** Options of the metric definitions (SPEC 2). */
export interface MetricSettings {
  evening: TimeRange;
  sessionGapMinutes: number;
  minutesPerMessage: number;
  latencyIndex: 'first' | 'each';
  within: WithinBound[];
}

/** Everything a metric reads. */
export interface MetricContext extends GroupContext {
  zone: Zone;
  window: WorkWindow;
  workClock: WorkClock;
  /** Days in the analysis window / 7 (SPEC 2 "Window"). */
  weeks: number;
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
    const hours = m[2] === 'd' ? value * 24 : m[2] === 'h' ? value : value / 60;
    const label = `${m[1]}${m[2] === 'min' ? 'm' : m[2]}`;
    if (bounds.some((b) => b.label === label)) throw new UsageError(`--within: "${label}" is given twice`);
    bounds.push({ label, hours });
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
