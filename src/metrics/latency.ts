import { groupEntities, type Dimension } from '../model/groups.js';
import { SENDER_PATIENT, type MessageStore } from '../model/store.js';
import type { Threads } from '../model/threads.js';
import { MS_PER_HOUR } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { bucketBy, gatherGroup, narrowGroups, sortByKey } from './buckets.js';
import { groupColumns, groupRow, percent, remember, setShare, windowMask, withIntervals, type MetricContext, type MetricTable, type WithinBound } from './context.js';
import { meanOrNull, quantileBySelection, quantileSorted } from './quantile.js';
import { kaplanMedian, kaplanMedianInterval, kaplanMeier, sharePercentAt } from './survival.js';

/**
 * Response latency (SPEC 2.3). The index messages are the first message of
 * every patient run (with --latency-index each, every patient message). The
 * reply is the first clinician message after it in the same thread;
 * latency_hours is the elapsed time between them; without a reply the index
 * message is unanswered. Business latency counts only time inside the work
 * window.
 *
 * Per group (index messages by attributed clinician and thread category):
 * median/p90/mean over answered ones (type-7 quantiles, blank when none);
 * pct_within_<bound> = answered within the bound (inclusive) / all index
 * messages, so unanswered ones count as not within; pct_within_2_business_days
 * likewise with business latency ≤ 2 × the work-day length.
 *
 * Censoring: an unanswered index message was watched only until the as-of
 * time. `pending` counts those sent less than the largest bound before it;
 * km_median_hours and km_pct_within_<bound> come from the Kaplan–Meier
 * estimate of time to reply, each unanswered message censored at as-of −
 * sent (replies at a time before censorings at that time).
 *
 * Index messages are those sent in the window; their replies may come after
 * it (SPEC 2 "Scope").
 *
 * @example patient 09:00, patient 09:30, clinician 13:00: one index message
 * (09:00), answered in 4 h.
 */
export function latency(context: MetricContext, dims: Dimension[]): MetricTable {
  const total = remember(context, 'latency.total', () => latencyRows(context, [])[0]!);
  const columns = withIntervals(groupColumns(dims).concat(latencyColumns(context.settings.within)), context.settings.ciLevel);
  return { columns, rows: dims.length ? latencyRows(context, dims) : [total], total };
}

export function latencyColumns(within: WithinBound[]): ColumnSpec[] {
  return [
    { name: 'index_messages', kind: 'count', label: 'index\nmessages', sumOf: ['answered', 'unanswered'] },
    { name: 'answered', kind: 'count', label: 'answered' },
    { name: 'unanswered', kind: 'count', label: 'unanswered' },
    { name: 'median_hours', kind: 'hours', label: 'median', basis: ['answered'] },
    { name: 'p90_hours', kind: 'hours', label: 'p90', basis: ['answered'] },
    { name: 'mean_hours', kind: 'hours', label: 'mean', basis: ['answered'] },
    ...within.map((b) => ({ name: `pct_within_${b.label}`, kind: 'percent' as const, label: `within\n${b.label}`, basis: ['index_messages'], share: { denominator: 'index_messages' } })),
    { name: 'median_business_hours', kind: 'hours', label: 'median\nbusiness', basis: ['answered'] },
    { name: 'pct_within_2_business_days', kind: 'percent', label: 'within 2\nbusiness days', basis: ['index_messages'], share: { denominator: 'index_messages' } },
    { name: 'pending', kind: 'count', label: 'pending' },
    { name: 'km_median_hours', kind: 'hours', label: 'KM\nmedian', basis: ['index_messages', 'answered'] },
    ...within.map((b) => ({ name: `km_pct_within_${b.label}`, kind: 'percent' as const, label: `KM within\n${b.label}`, basis: ['index_messages', 'answered'], follows: `pct_within_${b.label}` })),
  ];
}

/** Where `indexMessages` are remembered. */
export const INDEX_MESSAGES = 'latency.index';

/** The index messages (SPEC 2.3), in thread order. */
export function indexMessages(context: MetricContext): Int32Array {
  return remember(context, INDEX_MESSAGES, () => findIndexMessages(context.store, context.threads, context.settings.latencyIndex === 'each'));
}

/** The index messages of ordered threads: the first of each patient run, or with `each` every patient message. */
export function findIndexMessages(store: Pick<MessageStore, 'count' | 'threadCount' | 'senderType'>, threads: Pick<Threads, 'order' | 'start'>, each: boolean): Int32Array {
  // At most one per patient message (a typed array: a list of millions of numbers grown one by one holds twice the memory).
  let patientMessages = 0;
  for (let i = 0; i < store.count; i++) if (store.senderType[i] === SENDER_PATIENT) patientMessages++;
  const out = new Int32Array(patientMessages);
  let found = 0;
  for (let t = 0; t < store.threadCount; t++) {
    let previousPatient = false;
    for (let q = threads.start[t]!; q < threads.start[t + 1]!; q++) {
      const m = threads.order[q]!;
      const patient = store.senderType[m] === SENDER_PATIENT;
      if (patient && (each || !previousPatient)) out[found++] = m;
      previousPatient = patient;
    }
  }
  return found === patientMessages ? out : out.slice(0, found);
}

/**
 * Calendar and business milliseconds to the reply of each index message (NaN
 * when unanswered), once per run; and the answered ones' positions by
 * calendar wait, the unanswered ones' by follow-up (shortest first), so that
 * every grouping gets each group's waits in order without sorting them.
 */
function replyTimes(context: MetricContext) {
  return remember(context, 'latency.times', () => {
    const { store, threads, workClock, asOf } = context;
    const entities = indexMessages(context);
    const elapsed = new Float64Array(entities.length).fill(NaN);
    const business = new Float64Array(entities.length).fill(NaN);
    let unansweredCount = 0;
    for (let p = 0; p < entities.length; p++) if (threads.reply[entities[p]!]! < 0) unansweredCount++;
    const answered = new Int32Array(entities.length - unansweredCount);
    const unanswered = new Int32Array(unansweredCount);
    for (let p = 0, a = 0, u = 0; p < entities.length; p++) {
      const i = entities[p]!, reply = threads.reply[i]!;
      if (reply < 0) {
        unanswered[u++] = p;
        continue;
      }
      answered[a++] = p;
      elapsed[p] = store.utc[reply]! - store.utc[i]!;
      business[p] = workClock.betweenOnDays(store.utc[i]!, store.localDay[i]!, store.utc[reply]!, store.localDay[reply]!);
    }
    // Read in position order (answered and unanswered are increasing), then sorted with their positions.
    const waits = new Float64Array(answered.length);
    const answeredBusiness = new Float64Array(answered.length);
    for (let k = 0; k < answered.length; k++) {
      waits[k] = elapsed[answered[k]!]!;
      answeredBusiness[k] = business[answered[k]!]!;
    }
    const unansweredSent = new Float64Array(unanswered.length);
    let latest = -Infinity;
    for (let k = 0; k < unanswered.length; k++) latest = Math.max(latest, (unansweredSent[k] = store.utc[entities[unanswered[k]!]!]!));
    // Follow-up is asOf − sent: shortest first is latest sent first.
    const sinceSent = new Float64Array(unanswered.length);
    for (let k = 0; k < unanswered.length; k++) sinceSent[k] = latest - unansweredSent[k]!;
    // Positions and figures in those orders, moved by the sort itself: a group's figures are then read forwards,
    // and nothing is gathered at random after the sort (that gather was 0.2 s on the benchmark, issue 16).
    const { order: answeredOrder, sorted: sortedWaits, carried: sortedBusiness } = sortByKey(waits, { labels: answered, payload: answeredBusiness });
    const waitHours = new Float64Array(answered.length);
    const businessHours = new Float64Array(answered.length);
    for (let q = 0; q < answeredOrder.length; q++) {
      waitHours[q] = sortedWaits[q]! / MS_PER_HOUR;
      businessHours[q] = sortedBusiness[q]! / MS_PER_HOUR;
    }
    const { order: unansweredOrder, carried: sortedSent } = sortByKey(sinceSent, { labels: unanswered, payload: unansweredSent });
    const followUpHours = new Float64Array(unanswered.length);
    for (let q = 0; q < unansweredOrder.length; q++) followUpHours[q] = (asOf - sortedSent[q]!) / MS_PER_HOUR;
    return { elapsed, business, answeredOrder, waitHours, businessHours, unansweredOrder, followUpHours };
  });
}

/** `latencyCodes`: the code's low bits hold a bound's rank, these two bits the rest. */
const WITHIN_BUSINESS = 1 << 30;
const PENDING = 1 << 29;
const RANK = PENDING - 1;

/**
 * What `latencyRows` counts of each index message, once per run, as one
 * code: the rank, shortest first, of the shortest --within bound its reply
 * came within (the number of bounds when none, or unanswered), with
 * WITHIN_BUSINESS when answered within 2 business days and PENDING when
 * unanswered and still pending (sent less than the largest bound before
 * --as-of). A message within a bound is within every longer one, so a
 * grouping counts each message once, by that rank, and sums the ranks up
 * (issue 16: one count per message, not one per bound).
 *
 * @example with --within 72h,24h, a reply after 30 h, 8 of them business hours: rank 1 (72 h; 24 h is rank 0) | WITHIN_BUSINESS.
 */
function latencyCodes(context: MetricContext): { codes: Int32Array; byLength: number[] } {
  return remember(context, 'latency.codes', () => {
    const { workClock, settings, store, asOf } = context;
    const entities = indexMessages(context);
    const { elapsed, business } = replyTimes(context);
    // The bounds' indices, shortest first.
    const byLength = settings.within.map((_, k) => k).sort((a, b) => settings.within[a]!.ms - settings.within[b]!.ms || a - b);
    const sorted = byLength.map((k) => settings.within[k]!.ms);
    const largest = Math.max(...sorted);
    const businessBound = 2 * workClock.workDayMs;
    const codes = new Int32Array(entities.length);
    for (let p = 0; p < entities.length; p++) {
      const ms = elapsed[p]!;
      if (Number.isNaN(ms)) {
        codes[p] = sorted.length | (asOf - store.utc[entities[p]!]! < largest ? PENDING : 0);
        continue;
      }
      let rank = 0;
      while (rank < sorted.length && ms > sorted[rank]!) rank++;
      codes[p] = rank | (business[p]! <= businessBound ? WITHIN_BUSINESS : 0);
    }
    return { codes, byLength };
  });
}

/** The places q of `order` (positions by a figure) bucketed by their position's group: increasing within each group. */
function groupsInOrder(order: Int32Array, groupOf: ArrayLike<number>, groupCount: number) {
  const keys = new Int32Array(order.length);
  for (let q = 0; q < order.length; q++) keys[q] = groupOf[order[q]!]!;
  return bucketBy(keys, groupCount);
}

function latencyRows(context: MetricContext, dims: Dimension[]): Row[] {
  const { settings, z } = context;
  const entities = indexMessages(context);
  const times = replyTimes(context);
  const groups = groupEntities(dims, 'index', entities, context, remember(context, 'latency.window', () => windowMask(context, 'index', entities)));
  const groupCount = groups.labels.length;
  const total = new Int32Array(groupCount);
  const pending = new Int32Array(groupCount);
  const within = settings.within.map(() => new Int32Array(groupCount));
  const withinBusiness = new Int32Array(groupCount);
  // Each group's messages by their rank (latencyCodes), then summed up the ranks: those within each bound.
  const { codes, byLength } = latencyCodes(context);
  const width = byLength.length + 1;
  const byRank = new Int32Array(groupCount * width);
  for (let p = 0; p < entities.length; p++) {
    const g = groups.of[p]!;
    if (g < 0) continue;
    const code = codes[p]!;
    total[g]!++;
    byRank[g * width + (code & RANK)]!++;
    if (code & WITHIN_BUSINESS) withinBusiness[g]!++;
    if (code & PENDING) pending[g]!++;
  }
  for (let g = 0; g < groupCount; g++) {
    for (let r = 0, sum = 0; r < byLength.length; r++) within[byLength[r]!]![g] = sum += byRank[g * width + r]!;
  }
  // Each group's answered positions by wait and unanswered ones by follow-up (groups.of is -1 outside the window).
  // Read at random in wait order: from the narrowest copy of the group numbers (narrowGroups).
  const groupOf = narrowGroups(groups.of, groupCount);
  const byGroup = groupsInOrder(times.answeredOrder, groupOf, groupCount);
  const censoredByGroup = groupsInOrder(times.unansweredOrder, groupOf, groupCount);
  return groups.sorted.map((g) => {
    const from = byGroup.start[g]!, to = byGroup.start[g + 1]!;
    const hours = gatherGroup(times.waitHours, byGroup.order, from, to, false);
    // Selection reorders its values: a copy.
    const businessHours = gatherGroup(times.businessHours, byGroup.order, from, to, true);
    const answered = to - from;
    const row: Row = {
      ...groupRow(groups, g),
      index_messages: total[g]!,
      answered,
      unanswered: total[g]! - answered,
      median_hours: answered ? quantileSorted(hours, 0.5) : null,
      p90_hours: answered ? quantileSorted(hours, 0.9) : null,
      mean_hours: meanOrNull(hours),
    };
    settings.within.forEach((b, k) => setShare(row, `pct_within_${b.label}`, within[k]![g]!, total[g]!, z));
    row.median_business_hours = answered ? quantileBySelection(businessHours, 0.5) : null;
    setShare(row, 'pct_within_2_business_days', withinBusiness[g]!, total[g]!, z);
    row.pending = pending[g]!;
    // Follow-up of each unanswered index message: from sending to the as-of time.
    const censored = gatherGroup(times.followUpHours, censoredByGroup.order, censoredByGroup.start[g]!, censoredByGroup.start[g + 1]!, false);
    Object.assign(row, kaplanMeierColumns(hours, censored, settings.within, z));
    return row;
  });
}

/**
 * km_median_hours and km_pct_within_<bound> of one group (hours to reply of
 * the answered, follow-up hours of the unanswered), with their intervals
 * under --ci; blank for a group without index messages.
 *
 * @example replies after 1 h and 2 h, one unanswered watched 2 h, one watched 5 h:
 * at risk 4 at 1 h → S 0.75; at risk 3 at 2 h (the censoring at 2 h is still at
 * risk) → S 0.5 until 5 h; km_pct_within_24h 50, km_median_hours 2.
 */
export function kaplanMeierColumns(replyHours: Float64Array, censoredHours: Float64Array, within: WithinBound[], z: number | undefined): Row {
  const row: Row = {};
  const empty = replyHours.length + censoredHours.length === 0;
  const curve = kaplanMeier(replyHours, censoredHours);
  row.km_median_hours = empty ? null : kaplanMedian(curve);
  if (z !== undefined) {
    const [lo, hi] = empty ? [null, null] : kaplanMedianInterval(curve, z);
    row.km_median_hours_lo = lo;
    row.km_median_hours_hi = hi;
  }
  for (const b of within) {
    const name = `km_pct_within_${b.label}`;
    const { share, interval } = sharePercentAt(curve, b.ms / MS_PER_HOUR, z ?? 1.959963984540054);
    row[name] = empty ? null : share;
    if (z !== undefined) {
      row[`${name}_lo`] = empty || interval === null ? null : interval[0];
      row[`${name}_hi`] = empty || interval === null ? null : interval[1];
    }
  }
  return row;
}

/**
 * The share of index messages answered within each number of hours, per
 * group: for the cumulative curves of the HTML report. The denominator is
 * every index message of the group, so the curve ends at the answered share.
 *
 * @example a group with replies after 1 h and 3 h and one unanswered message:
 * 0 h 0 %, 1 h 33.3 %, 2 h 33.3 %, 3 h 66.7 %.
 */
export function answeredCurve(context: MetricContext, dims: Dimension[], maxHours: number): Row[] {
  const entities = indexMessages(context);
  const { elapsed } = replyTimes(context);
  const groups = groupEntities(dims, 'index', entities, context, remember(context, 'latency.window', () => windowMask(context, 'index', entities)));
  const groupCount = groups.labels.length;
  const total = new Int32Array(groupCount);
  const byHour = Array.from({ length: groupCount }, () => new Int32Array(maxHours + 1));
  for (let p = 0; p < entities.length; p++) {
    const g = groups.of[p]!;
    if (g < 0) continue;
    total[g]!++;
    const ms = elapsed[p]!;
    if (Number.isNaN(ms)) continue;
    const hour = Math.ceil(ms / MS_PER_HOUR);
    if (hour <= maxHours) byHour[g]![hour]!++;
  }
  const rows: Row[] = [];
  for (const g of groups.sorted) {
    let answered = 0;
    for (let h = 0; h <= maxHours; h++) {
      answered += byHour[g]![h]!;
      rows.push({ ...groupRow(groups, g), hours: h, pct_answered: percent(answered, total[g]!) });
    }
  }
  return rows;
}
