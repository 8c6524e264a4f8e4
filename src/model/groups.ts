import { UsageError } from '../errors.js';
import { closest } from '../input/mapping.js';
import { CATEGORY_SYNONYMS, ROLE_SYNONYMS, UNKNOWN } from '../input/vocabulary.js';
import type { Clinicians } from './clinicians.js';
import { safeLabel } from './labels.js';
import type { MessageStore } from './store.js';
import type { Threads } from './threads.js';
import { dayNumberOf, formatDay, MS_PER_DAY, weekdayOf, WEEKDAY_NAMES } from './zone.js';

/** The `--by` dimensions of SPEC 2. */
export const DIMENSIONS = ['role', 'category', 'department', 'care_setting', 'clinician', 'month', 'year', 'quarter', 'week', 'weekday', 'hour'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const CLINICIAN_DIMENSIONS: ReadonlySet<Dimension> = new Set(['role', 'department', 'care_setting', 'clinician']);

export const UNATTRIBUTED = 'unattributed';

/** Parses `--by role,category`: known names, no repeats. Empty means no grouping. */
export function parseBy(text: string | undefined): Dimension[] {
  if (text === undefined || text.trim() === '') return [];
  const dims: Dimension[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim().toLowerCase().replace(/-/g, '_');
    if (name === '') continue;
    if (!(DIMENSIONS as readonly string[]).includes(name)) {
      const guess = closest(name, DIMENSIONS);
      throw new UsageError(`--by: unknown dimension "${raw.trim()}"${guess ? ` (did you mean ${guess}?)` : ''}; choose from ${DIMENSIONS.join(', ')}`);
    }
    if (dims.includes(name as Dimension)) throw new UsageError(`--by: "${name}" is given twice`);
    dims.push(name as Dimension);
  }
  return dims;
}

/** The CSV column of a dimension (`clinician_id` for clinician). */
export function groupColumn(dimension: Dimension): string {
  return dimension === 'clinician' ? 'clinician_id' : dimension;
}

/**
 * What is being grouped: clinician and patient `message`s (own category),
 * `index` messages (the thread's category), or `thread`s (clinician: the
 * thread's attribution; time: its first message).
 */
export type EntityKind = 'message' | 'index' | 'thread';

export interface GroupContext {
  store: MessageStore;
  clinicians: Clinicians;
  threads: Threads;
  /** How clinician ids are shown (pseudonymised when asked). */
  clinicianLabel?: (id: string) => string;
}

export interface Groups {
  dims: Dimension[];
  /** Group of each entity, by position in the entity list. */
  of: Int32Array;
  /** Labels of each group, one per dimension. */
  labels: string[][];
  /** Per group, the clinician (user index) when grouping by clinician, else -1. */
  clinician: Int32Array;
  /** Group ids in display order. */
  sorted: number[];
}

const ROLE_ORDER = Object.keys(ROLE_SYNONYMS);
const CATEGORY_ORDER = Object.keys(CATEGORY_SYNONYMS);

function rank(dimension: Dimension, label: string): [number, string | number] {
  if (label === UNATTRIBUTED) return [3, ''];
  if (label === UNKNOWN) return [2, ''];
  switch (dimension) {
    case 'role': {
      const i = ROLE_ORDER.indexOf(label);
      return i >= 0 ? [0, i] : [1, label];
    }
    case 'category': {
      const i = CATEGORY_ORDER.indexOf(label);
      return i >= 0 ? [0, i] : [1, label];
    }
    case 'weekday':
      return [0, WEEKDAY_NAMES.indexOf(label as (typeof WEEKDAY_NAMES)[number])];
    case 'hour':
      return [0, Number(label)];
    default:
      return [0, label];
  }
}

function compareLabels(dimension: Dimension, a: string, b: string): number {
  const [ga, va] = rank(dimension, a);
  const [gb, vb] = rank(dimension, b);
  if (ga !== gb) return ga - gb;
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/**
 * The display order of two groups' labels (SPEC 2 "Groups"): roles and
 * categories in vocabulary order, weekdays Monday first, hours by number,
 * other labels by text; `unknown`, then `unattributed`, last.
 */
export function compareGroupLabels(dims: readonly Dimension[], a: readonly string[], b: readonly string[]): number {
  for (let d = 0; d < dims.length; d++) {
    const c = compareLabels(dims[d]!, a[d]!, b[d]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** ISO week `YYYY-Www` of a day number. */
export function isoWeek(day: number): string {
  const thursday = day - weekdayOf(day) + 3;
  const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const week = Math.floor((thursday - dayNumberOf(year, 1, 1)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const dayRanges = new WeakMap<MessageStore, { first: number; last: number }>();

/** The range of a dimension's cache key (offset added to the key, slots). */
function denseKeys(d: Dimension, store: MessageStore): { offset: number; size: number } {
  if (CLINICIAN_DIMENSIONS.has(d)) return { offset: 1, size: store.users.length + 1 }; // -1: unattributed
  if (d === 'category') return { offset: 1, size: store.categories.length + 1 }; // -1: unknown
  if (d === 'hour') return { offset: 0, size: 24 };
  let range = dayRanges.get(store);
  if (range === undefined) {
    let first = Infinity, last = -Infinity;
    for (let i = 0; i < store.count; i++) {
      const day = store.localDay[i]!;
      if (day < first) first = day;
      if (day > last) last = day;
    }
    range = { first, last };
    dayRanges.set(store, range);
  }
  return { offset: -range.first, size: Math.max(1, range.last - range.first + 1) };
}

/**
 * Each entity's key for a dimension: its clinician (-1 unattributed), category
 * (-1 unknown), local hour or local day (of a thread's first message).
 */
function denseKeysOf(d: Dimension, kind: EntityKind, entities: Int32Array, { store, threads }: GroupContext): Int32Array {
  const count = entities.length;
  const out = new Int32Array(count);
  if (CLINICIAN_DIMENSIONS.has(d)) {
    const clinician = kind === 'thread' ? threads.threadClinician : threads.clinician;
    for (let p = 0; p < count; p++) out[p] = clinician[entities[p]!]!;
  } else if (d === 'category') {
    if (kind === 'message') for (let p = 0; p < count; p++) out[p] = store.category[entities[p]!]!;
    else if (kind === 'thread') for (let p = 0; p < count; p++) out[p] = threads.threadCategory[entities[p]!]!;
    else for (let p = 0; p < count; p++) out[p] = threads.threadCategory[store.thread[entities[p]!]!]!;
  } else {
    const byMinute = d === 'hour';
    for (let p = 0; p < count; p++) {
      const e = entities[p]!;
      const m = kind === 'thread' ? threads.order[threads.start[e]!]! : e;
      out[p] = byMinute ? Math.floor(store.localMinute[m]! / 60) : store.localDay[m]!;
    }
  }
  return out;
}

/**
 * Groups entities by the dimensions (SPEC 2 "Groups"). `entities` lists
 * message indices (kinds message and index) or thread indices (kind thread).
 * With `include` (per entity position), entities marked 0 — outside the
 * window — get group -1 and make no group.
 */
export function groupEntities(dims: Dimension[], kind: EntityKind, entities: Int32Array, context: GroupContext, include?: Uint8Array): Groups {
  const { store, clinicians, threads } = context;
  const count = entities.length;
  if (dims.length === 0) {
    const of = new Int32Array(count);
    if (include !== undefined) for (let p = 0; p < count; p++) if (include[p] === 0) of[p] = -1;
    return { dims, of, labels: [[]], clinician: new Int32Array([-1]), sorted: [0] };
  }
  const showClinician = context.clinicianLabel ?? safeLabel;
  const dayLabels = new Map<string, Map<number, string>>();
  const dayLabel = (dimension: Dimension, day: number): string => {
    let cache = dayLabels.get(dimension);
    if (!cache) dayLabels.set(dimension, (cache = new Map()));
    let label = cache.get(day);
    if (label === undefined) {
      label =
        dimension === 'month' ? formatDay(day).slice(0, 7)
        : dimension === 'year' ? formatDay(day).slice(0, 4)
        : dimension === 'quarter' ? `${formatDay(day).slice(0, 4)}-Q${Math.ceil(Number(formatDay(day).slice(5, 7)) / 3)}`
        : dimension === 'week' ? isoWeek(day)
        : WEEKDAY_NAMES[weekdayOf(day)]!;
      cache.set(day, label);
    }
    return label;
  };
  const clinicianOf = (e: number) => (kind === 'thread' ? threads.threadClinician[e]! : threads.clinician[e]!);
  const messageOf = (e: number) => (kind === 'thread' ? threads.order[threads.start[e]!]! : e);
  const label = (dimension: Dimension, e: number): string => {
    switch (dimension) {
      case 'role':
      case 'department':
      case 'care_setting':
      case 'clinician': {
        const user = clinicianOf(e);
        if (user < 0) return UNATTRIBUTED;
        if (dimension === 'clinician') return showClinician(store.users[user]!);
        return (dimension === 'role' ? clinicians.role : dimension === 'department' ? clinicians.department : clinicians.careSetting)[user]!;
      }
      case 'category': {
        const c = kind === 'message' ? store.category[e]! : threads.threadCategory[kind === 'thread' ? e : store.thread[e]!]!;
        return c < 0 ? UNKNOWN : store.categories[c]!;
      }
      case 'hour':
        return String(Math.floor(store.localMinute[messageOf(e)]! / 60));
      default:
        return dayLabel(dimension, store.localDay[messageOf(e)]!);
    }
  };

  // One integer code per dimension and entity (labels interned per user, day,
  // category or hour, not per entity), then one mixed-radix key per entity.
  const codes = dims.map((d) => {
    const names = new Map<string, number>();
    const labelsOf: string[] = [];
    const intern = (l: string) => {
      let c = names.get(l);
      if (c === undefined) {
        c = labelsOf.length;
        names.set(l, c);
        labelsOf.push(l);
      }
      return c;
    };
    // Labels depend only on a small dense key (user, category, day or hour): cache codes in a
    // typed array indexed by it, not a Map (millions of look-ups per grouping).
    const { offset, size } = denseKeys(d, store);
    const cache = new Int32Array(size).fill(-1);
    // Each entity's dense key first (one tight loop per kind of dimension), then its code.
    const out = denseKeysOf(d, kind, entities, context);
    for (let p = 0; p < count; p++) {
      if (include !== undefined && include[p] === 0) {
        out[p] = -1;
        continue;
      }
      const k = out[p]! + offset;
      let c = cache[k]!;
      if (c < 0) {
        c = intern(label(d, entities[p]!));
        cache[k] = c;
      }
      out[p] = c;
    }
    return { out, labels: labelsOf };
  });
  const clinicianDim = dims.indexOf('clinician');
  if (codes.length === 1) {
    // One dimension: its codes, made in first-seen order, are the groups the keys below would make.
    const { out, labels: names } = codes[0]!;
    const clinician = new Int32Array(names.length).fill(-1);
    if (clinicianDim === 0) {
      const seen = new Uint8Array(names.length);
      for (let p = 0; p < count; p++) {
        const g = out[p]!;
        if (g < 0 || seen[g] === 1) continue;
        seen[g] = 1;
        clinician[g] = clinicianOf(entities[p]!);
      }
    }
    const sorted = names.map((_, g) => g);
    const labels = names.map((name) => [name]);
    sorted.sort((a, b) => compareGroupLabels(dims, labels[a]!, labels[b]!));
    return { dims, of: out, labels, clinician, sorted };
  }
  // Mixed-radix keys: a dense table when the key space is small (the usual case), else a Map.
  const space = codes.reduce((product, c) => product * Math.max(1, c.labels.length), 1);
  const table = space <= 1 << 22 ? new Int32Array(space).fill(-1) : null;
  const keys = new Map<number, number>();
  const labels: string[][] = [];
  const groupClinician: number[] = [];
  const of = new Int32Array(count);
  for (let p = 0; p < count; p++) {
    if (include !== undefined && include[p] === 0) {
      of[p] = -1;
      continue;
    }
    let key = 0;
    for (let d = 0; d < codes.length; d++) key = key * codes[d]!.labels.length + codes[d]!.out[p]!;
    let g: number | undefined = table !== null ? table[key]! : keys.get(key);
    if (g === undefined || g < 0) {
      g = labels.length;
      if (table !== null) table[key] = g;
      else keys.set(key, g);
      labels.push(codes.map((c) => c.labels[c.out[p]!]!));
      groupClinician.push(clinicianDim >= 0 ? clinicianOf(entities[p]!) : -1);
    }
    of[p] = g;
  }
  const sorted = labels.map((_, g) => g);
  sorted.sort((a, b) => compareGroupLabels(dims, labels[a]!, labels[b]!));
  return { dims, of, labels, clinician: Int32Array.from(groupClinician), sorted };
}

/** Calendar periods among the dimensions: rates per week use the days of the period inside the window. */
export const PERIOD_DIMENSIONS: ReadonlySet<Dimension> = new Set(['month', 'year', 'quarter', 'week']);

/**
 * First and last day number of a period label (`2024-03`, `2024`, `2024-Q1`,
 * `2024-W09`).
 *
 * @example periodDays('month', '2024-02') // [19754, 19782]: 29 days
 */
export function periodDays(dimension: Dimension, label: string): [number, number] {
  const year = Number(label.slice(0, 4));
  switch (dimension) {
    case 'month': {
      const month = Number(label.slice(5, 7));
      return [dayNumberOf(year, month, 1), dayNumberOf(year, month + 1, 1) - 1];
    }
    case 'quarter': {
      const q = Number(label.slice(6));
      return [dayNumberOf(year, 3 * q - 2, 1), dayNumberOf(year, 3 * q + 1, 1) - 1];
    }
    case 'week': {
      // ISO week 1 holds 4 January.
      const jan4 = dayNumberOf(year, 1, 4);
      const monday = jan4 - weekdayOf(jan4) + 7 * (Number(label.slice(6)) - 1);
      return [monday, monday + 6];
    }
    default:
      return [dayNumberOf(year, 1, 1), dayNumberOf(year + 1, 1, 1) - 1];
  }
}
