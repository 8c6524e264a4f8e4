import { groupEntities, type Dimension } from '../model/groups.js';
import { SENDER_PATIENT } from '../model/store.js';
import { MS_PER_HOUR } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { bucketBy } from './buckets.js';
import { groupColumns, groupRow, percent, remember, type MetricContext, type MetricTable, type WithinBound } from './context.js';
import { meanOrNull, quantileSorted } from './quantile.js';

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
 * @example patient 09:00, patient 09:30, clinician 13:00: one index message
 * (09:00), answered in 4 h.
 */
export function latency(context: MetricContext, dims: Dimension[]): MetricTable {
  const total = remember(context, 'latency.total', () => latencyRows(context, [])[0]!);
  return { columns: groupColumns(dims).concat(latencyColumns(context.settings.within)), rows: dims.length ? latencyRows(context, dims) : [total], total };
}

export function latencyColumns(within: WithinBound[]): ColumnSpec[] {
  return [
    { name: 'index_messages', kind: 'count', label: 'index\nmessages' },
    { name: 'answered', kind: 'count', label: 'answered' },
    { name: 'unanswered', kind: 'count', label: 'unanswered' },
    { name: 'median_hours', kind: 'hours', label: 'median', basis: ['answered'] },
    { name: 'p90_hours', kind: 'hours', label: 'p90', basis: ['answered'] },
    { name: 'mean_hours', kind: 'hours', label: 'mean', basis: ['answered'] },
    ...within.map((b) => ({ name: `pct_within_${b.label}`, kind: 'percent' as const, label: `within\n${b.label}`, basis: ['index_messages', 'answered'] })),
    { name: 'median_business_hours', kind: 'hours', label: 'median\nbusiness', basis: ['answered'] },
    { name: 'pct_within_2_business_days', kind: 'percent', label: 'within 2\nbusiness days', basis: ['index_messages', 'answered'] },
  ];
}

/** The index messages (SPEC 2.3), in thread order. */
export function indexMessages(context: MetricContext): Int32Array {
  return remember(context, 'latency.index', () => findIndexMessages(context));
}

function findIndexMessages(context: MetricContext): Int32Array {
  const { store, threads } = context;
  const each = context.settings.latencyIndex === 'each';
  const out: number[] = [];
  for (let t = 0; t < store.threadCount; t++) {
    let previousPatient = false;
    for (let q = threads.start[t]!; q < threads.start[t + 1]!; q++) {
      const m = threads.order[q]!;
      const patient = store.senderType[m] === SENDER_PATIENT;
      if (patient && (each || !previousPatient)) out.push(m);
      previousPatient = patient;
    }
  }
  return Int32Array.from(out);
}

/** Calendar and business milliseconds to the reply of each index message (NaN when unanswered), once per run. */
function replyTimes(context: MetricContext) {
  return remember(context, 'latency.times', () => {
    const { store, threads, workClock } = context;
    const entities = indexMessages(context);
    const elapsed = new Float64Array(entities.length).fill(NaN);
    const business = new Float64Array(entities.length).fill(NaN);
    for (let p = 0; p < entities.length; p++) {
      const i = entities[p]!, reply = threads.reply[i]!;
      if (reply < 0) continue;
      elapsed[p] = store.utc[reply]! - store.utc[i]!;
      business[p] = workClock.between(store.utc[i]!, store.utc[reply]!);
    }
    return { elapsed, business };
  });
}

function latencyRows(context: MetricContext, dims: Dimension[]): Row[] {
  const { workClock, settings } = context;
  const entities = indexMessages(context);
  const { elapsed, business } = replyTimes(context);
  const groups = groupEntities(dims, 'index', entities, context);
  const groupCount = groups.labels.length;
  const total = new Int32Array(groupCount);
  const answeredGroup = new Int32Array(entities.length).fill(-1);
  const within = settings.within.map(() => new Int32Array(groupCount));
  const bounds = settings.within.map((b) => b.hours * MS_PER_HOUR);
  const withinBusiness = new Int32Array(groupCount);
  const businessBound = 2 * workClock.workDayMs;
  for (let p = 0; p < entities.length; p++) {
    const g = groups.of[p]!;
    total[g]!++;
    const ms = elapsed[p]!;
    if (Number.isNaN(ms)) continue;
    answeredGroup[p] = g;
    for (let k = 0; k < bounds.length; k++) if (ms <= bounds[k]!) within[k]![g]!++;
    if (business[p]! <= businessBound) withinBusiness[g]!++;
  }
  const byGroup = bucketBy(answeredGroup, groupCount);
  return groups.sorted.map((g) => {
    const from = byGroup.start[g]!, to = byGroup.start[g + 1]!;
    const hours = new Float64Array(to - from);
    const businessHours = new Float64Array(to - from);
    for (let q = from; q < to; q++) {
      hours[q - from] = elapsed[byGroup.order[q]!]! / MS_PER_HOUR;
      businessHours[q - from] = business[byGroup.order[q]!]! / MS_PER_HOUR;
    }
    hours.sort();
    businessHours.sort();
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
    settings.within.forEach((b, k) => {
      row[`pct_within_${b.label}`] = percent(within[k]![g]!, total[g]!);
    });
    row.median_business_hours = answered ? quantileSorted(businessHours, 0.5) : null;
    row.pct_within_2_business_days = percent(withinBusiness[g]!, total[g]!);
    return row;
  });
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
  const groups = groupEntities(dims, 'index', entities, context);
  const groupCount = groups.labels.length;
  const total = new Int32Array(groupCount);
  const byHour = Array.from({ length: groupCount }, () => new Int32Array(maxHours + 1));
  for (let p = 0; p < entities.length; p++) {
    const g = groups.of[p]!;
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
