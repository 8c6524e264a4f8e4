import { groupEntities, type Dimension } from '../model/groups.js';
import { SENDER_CLINICIAN, SENDER_PATIENT, type MessageStore } from '../model/store.js';
import type { Threads } from '../model/threads.js';
import { MS_PER_HOUR } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { bucketBy, gatherGroup } from './buckets.js';
import { groupColumns, groupRow, range, remember, setShare, windowMask, withIntervals, type MetricContext, type MetricTable } from './context.js';
import { quantileBySelection, quantileOfCounts } from './quantile.js';

/**
 * Rounds (SPEC 2.4). A round is a patient run followed by a clinician run;
 * a thread's rounds = the patient runs followed by a clinician run (a
 * clinician run that opens a thread is not a round).
 *
 * Per group of threads (by the thread's attribution and category, time of
 * its first message): threads, messages in them, mean and median rounds,
 * pct_le_4_rounds (of all threads), the histogram rounds_0 … rounds_4,
 * rounds_5_plus, and median_duration_hours (first to last message).
 *
 * Counted: the threads whose first message is in the window, with all their
 * messages (SPEC 2 "Scope").
 *
 * @example clinician, patient, patient, clinician, patient: runs C P C P, one round.
 */
export function rounds(context: MetricContext, dims: Dimension[]): MetricTable {
  const total = remember(context, 'rounds.total', () => roundsRows(context, [])[0]!);
  return { columns: withIntervals(groupColumns(dims).concat(ROUNDS_COLUMNS), context.settings.ciLevel), rows: dims.length ? roundsRows(context, dims) : [total], total };
}

export const ROUNDS_COLUMNS: ColumnSpec[] = [
  { name: 'threads', kind: 'count', label: 'threads', sumOf: ['rounds_0', 'rounds_1', 'rounds_2', 'rounds_3', 'rounds_4', 'rounds_5_plus'] },
  { name: 'messages', kind: 'count', label: 'messages' },
  { name: 'mean_rounds', kind: 'number', label: 'mean\nrounds', basis: ['threads'] },
  { name: 'median_rounds', kind: 'number', label: 'median\nrounds', basis: ['threads'] },
  {
    name: 'pct_le_4_rounds',
    kind: 'percent',
    label: '≤ 4\nrounds',
    basis: ['threads'],
    share: { denominator: 'threads', numeratorParts: ['rounds_0', 'rounds_1', 'rounds_2', 'rounds_3', 'rounds_4'], complementParts: ['rounds_5_plus'] },
  },
  { name: 'rounds_0', kind: 'count', label: 'rounds\n= 0' },
  { name: 'rounds_1', kind: 'count', label: 'rounds\n= 1' },
  { name: 'rounds_2', kind: 'count', label: 'rounds\n= 2' },
  { name: 'rounds_3', kind: 'count', label: 'rounds\n= 3' },
  { name: 'rounds_4', kind: 'count', label: 'rounds\n= 4' },
  { name: 'rounds_5_plus', kind: 'count', label: 'rounds\n≥ 5' },
  { name: 'median_duration_hours', kind: 'hours', label: 'median\nduration', basis: ['threads'] },
];

/** Where `threadRounds` and the threads' durations are remembered. */
export const ROUNDS_PER_THREAD = 'rounds.per-thread';
export const THREAD_DURATIONS = 'rounds.durations';

/** Rounds of each thread. */
export function threadRounds(context: MetricContext): Int32Array {
  return remember(context, ROUNDS_PER_THREAD, () => countRounds(context.store, context.threads));
}

/** Rounds of each of the ordered threads. */
export function countRounds(store: Pick<MessageStore, 'threadCount' | 'senderType'>, threads: Pick<Threads, 'order' | 'start'>): Int32Array {
  const out = new Int32Array(store.threadCount);
  for (let t = 0; t < store.threadCount; t++) {
    let previous = -1;
    let count = 0;
    for (let q = threads.start[t]!; q < threads.start[t + 1]!; q++) {
      const type = store.senderType[threads.order[q]!]!;
      if (type === SENDER_CLINICIAN && previous === SENDER_PATIENT) count++;
      previous = type;
    }
    out[t] = count;
  }
  return out;
}

/**
 * Each thread's duration in hours, first message to last, once per run: read
 * in thread order, not again for each grouping in the order of its groups
 * (two reads of the send times at random per thread, issue 16).
 */
function threadDurations(context: MetricContext): Float64Array {
  return remember(context, THREAD_DURATIONS, () => durationsOf(context.store, context.threads));
}

/** Each ordered thread's duration in hours, first message to last. */
export function durationsOf(store: Pick<MessageStore, 'threadCount' | 'utc'>, threads: Pick<Threads, 'order' | 'start'>): Float64Array {
  const out = new Float64Array(store.threadCount);
  for (let t = 0; t < store.threadCount; t++) {
    const first = threads.order[threads.start[t]!]!, last = threads.order[threads.start[t + 1]! - 1]!;
    out[t] = (store.utc[last]! - store.utc[first]!) / MS_PER_HOUR;
  }
  return out;
}

/** The most (group, rounds) counts `roundsRows` keeps (64 MB); past it, medians by selection. A setting for the tests. */
export const roundCounts = { max: 1 << 24 };

/** The most rounds of any thread, once per run. */
function roundsCap(context: MetricContext): number {
  return remember(context, 'rounds.most', () => {
    const perThread = threadRounds(context);
    let most = 0;
    for (let t = 0; t < perThread.length; t++) if (perThread[t]! > most) most = perThread[t]!;
    return most;
  });
}

function roundsRows(context: MetricContext, dims: Dimension[]): Row[] {
  const { store, threads } = context;
  const threadCount = store.threadCount;
  const all = remember(context, 'rounds.entities', () => range(threadCount));
  const groups = groupEntities(dims, 'thread', all, context, remember(context, 'rounds.window', () => windowMask(context, 'thread', all)));
  const groupCount = groups.labels.length;
  const perThread = threadRounds(context);
  const threadHours = threadDurations(context);
  const messages = new Int32Array(groupCount);
  // Threads by (group, rounds): rounds are small whole numbers, so their mean, median and histogram come from these counts.
  // Rounds past 5 are counted together when every value's own count would not fit (a thread of tens of thousands of turns).
  const size = Math.max(roundsCap(context), 5) + 1;
  const exact = groupCount * size <= roundCounts.max;
  const width = exact ? size : 6;
  const counts = new Int32Array(groupCount * width);
  const sums = new Float64Array(groupCount);
  const byGroup = bucketBy(groups.of, groupCount);
  for (let t = 0; t < threadCount; t++) {
    const g = groups.of[t]!;
    if (g < 0) continue;
    messages[g]! += threads.start[t + 1]! - threads.start[t]!;
    counts[g * width + Math.min(perThread[t]!, width - 1)]!++;
    sums[g]! += perThread[t]!;
  }
  return groups.sorted.map((g) => {
    const from = byGroup.start[g]!, to = byGroup.start[g + 1]!;
    const count = to - from;
    const at = g * width;
    let le4 = 0;
    for (let r = 0; r < 5; r++) le4 += counts[at + r]!;
    let median: number | null = null;
    if (count > 0 && exact) median = quantileOfCounts(counts, at, width, count, 0.5);
    else if (count > 0) {
      const values = new Float64Array(count);
      for (let q = from; q < to; q++) values[q - from] = perThread[byGroup.order[q]!]!;
      median = quantileBySelection(values, 0.5);
    }
    const row: Row = {
      ...groupRow(groups, g),
      threads: count,
      messages: messages[g]!,
      mean_rounds: count ? sums[g]! / count : null,
      median_rounds: median,
    };
    setShare(row, 'pct_le_4_rounds', le4, count, context.z);
    return {
      ...row,
      rounds_0: counts[at]!,
      rounds_1: counts[at + 1]!,
      rounds_2: counts[at + 2]!,
      rounds_3: counts[at + 3]!,
      rounds_4: counts[at + 4]!,
      rounds_5_plus: count - le4,
      // Selection reorders its values: a copy.
      median_duration_hours: count ? quantileBySelection(gatherGroup(threadHours, byGroup.order, from, to, true), 0.5) : null,
    };
  });
}
