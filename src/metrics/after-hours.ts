import { isWorkTime } from '../model/calendar.js';
import { groupEntities, type Dimension } from '../model/groups.js';
import { SENDER_CLINICIAN } from '../model/store.js';
import { MS_PER_MINUTE, weekdayOf } from '../model/zone.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { bucketBy, distinctKeysPerGroup, narrowGroups, sortByKey } from './buckets.js';
import { groupColumns, groupRow, groupWeeks, ratio, remember, setShare, windowMask, withIntervals, type MetricContext, type MetricTable } from './context.js';
import { clinicianAttributes, clinicianGroupColumns } from './volume.js';

/**
 * After hours, "pajama time" (SPEC 2.2). Over clinician messages, grouped by
 * sender: a message is after hours when its local time is outside the work
 * window (not a work day, a holiday, or outside [start, end) of the work
 * hours); in the evening band when within --evening on any day.
 *
 * Sessions: each clinician's after-hours messages in time order; a message
 * more than --session-gap minutes after the previous one starts a new session.
 * A session lasts from its first to its last message plus
 * --minutes-per-message, and is credited to the groups of its first message.
 * This estimates time from send times; it is not measured time.
 *
 * Counted: the clinician messages sent in the window; sessions are formed
 * from the after-hours messages inside it. With --by clinician the
 * `clinicians` column is left out and role, department and care_setting
 * follow clinician_id, as in volume.
 *
 * @example one clinician's after-hours messages at 19:00, 19:10, 19:40 (gap 15,
 * 2 min/message): sessions [19:00-19:10] = 10+2 = 12 min and [19:40] = 2 min; 14 in all.
 */
export function afterHours(context: MetricContext, dims: Dimension[]): MetricTable {
  const total = remember(context, 'after-hours.total', () => afterHoursRows(context, [])[0]!);
  return { columns: withIntervals(afterHoursColumns(dims), context.settings.ciLevel), rows: dims.length ? afterHoursRows(context, dims) : [total], total };
}

/** The columns of the after-hours table for these dimensions (SPEC 2.2). */
export function afterHoursColumns(dims: Dimension[]): ColumnSpec[] {
  if (!dims.includes('clinician')) return groupColumns(dims).concat(AFTER_HOURS_COLUMNS);
  return clinicianGroupColumns(dims).concat(
    AFTER_HOURS_COLUMNS.filter((c) => c.name !== 'clinicians').map((c) => (c.basis?.includes('clinicians') ? { ...c, basis: c.basis.filter((b) => b !== 'clinicians') } : c)),
  );
}

export const AFTER_HOURS_COLUMNS: ColumnSpec[] = [
  { name: 'clinicians', kind: 'count', label: 'clinicians' },
  { name: 'messages_sent', kind: 'count', label: 'sent' },
  { name: 'after_hours_messages', kind: 'count', label: 'after\nhours' },
  { name: 'pct_after_hours', kind: 'percent', label: 'after\nhours %', basis: ['after_hours_messages', 'messages_sent'], share: { numerator: 'after_hours_messages', denominator: 'messages_sent' } },
  { name: 'evening_messages', kind: 'count', label: 'evening' },
  { name: 'pct_evening', kind: 'percent', label: 'evening %', basis: ['evening_messages', 'messages_sent'], share: { numerator: 'evening_messages', denominator: 'messages_sent' } },
  { name: 'after_hours_days', kind: 'count', label: 'after-hours\ndays' },
  { name: 'est_after_hours_minutes', kind: 'minutes', label: 'est. after-\nhours time', basis: ['after_hours_messages'] },
  { name: 'est_after_hours_minutes_per_clinician_week', kind: 'minutes', label: 'per clinician\nper week', basis: ['after_hours_messages', 'clinicians'] },
];

/** Whether each message (by index) is after hours. */
export function afterHoursFlags(context: MetricContext): Uint8Array {
  return remember(context, 'after-hours.flags', () => computeFlags(context));
}

function computeFlags(context: MetricContext): Uint8Array {
  const { store, window } = context;
  const flags = new Uint8Array(store.count);
  for (let i = 0; i < store.count; i++) {
    flags[i] = isWorkTime(window, store.localDay[i]!, store.localMinute[i]!) ? 0 : 1;
  }
  return flags;
}

/**
 * What does not depend on the grouping, once per run: the clinician messages,
 * their senders, and the after-hours ones in (sender, time, id) order,
 * as positions in the clinician-message list.
 */
function clinicianMessages(context: MetricContext) {
  return remember(context, 'after-hours.messages', () => {
    const { store } = context;
    const { senderType, sender, utc, localDay } = store;
    const n = store.count;
    // Counted, then filled: a list of millions of numbers grown one by one holds twice the memory, at the run's peak.
    let count = 0;
    for (let i = 0; i < n; i++) if (senderType[i] === SENDER_CLINICIAN) count++;
    const entities = new Int32Array(count);
    const senders = new Int32Array(count);
    for (let i = 0, p = 0; i < n; i++) {
      if (senderType[i] !== SENDER_CLINICIAN) continue;
      entities[p] = i;
      senders[p++] = sender[i]!;
    }
    // The after-hours ones in time order (ties by message_id), then bucketed by sender (stable: each sender's in that order).
    const after = afterHoursFlags(context);
    let afterCount = 0;
    let earliest = Infinity;
    for (let p = 0; p < count; p++) {
      const i = entities[p]!;
      if (after[i] === 0) continue;
      afterCount++;
      if (utc[i]! < earliest) earliest = utc[i]!;
    }
    const afterHours = new Int32Array(afterCount);
    const sinceEarliest = new Float64Array(afterCount);
    const days = new Float64Array(afterCount);
    for (let p = 0, k = 0; p < count; p++) {
      const i = entities[p]!;
      if (after[i] === 0) continue;
      afterHours[k] = p;
      days[k] = localDay[i]!;
      sinceEarliest[k++] = utc[i]! - earliest;
    }
    // The sorted keys tell ties apart in order, and the local dates come with them: nothing is read again at random.
    const { order: byTime, sorted, carried: daysByTime } = sortByKey(sinceEarliest, { labels: afterHours, payload: days });
    for (let from = 0; from < afterCount; ) {
      let to = from + 1;
      while (to < afterCount && sorted[to] === sorted[from]) to++;
      if (to - from > 1) byTime.subarray(from, to).sort((a, b) => store.messageIds.compare(store.messageKey[entities[a]!]!, store.messageKey[entities[b]!]!));
      from = to;
    }
    const afterSenders = new Int32Array(afterCount);
    for (let q = 0; q < afterCount; q++) afterSenders[q] = senders[byTime[q]!]!;
    const bySender = bucketBy(afterSenders, store.users.length).order;
    const order = new Int32Array(afterCount);
    // Their sender, local date and time in that order: every grouping's session loop reads them forwards.
    const afterSender = new Int32Array(afterCount);
    const afterDay = new Int32Array(afterCount);
    const afterTime = new Float64Array(afterCount);
    for (let q = 0; q < afterCount; q++) {
      const r = bySender[q]!;
      order[q] = byTime[r]!;
      afterSender[q] = afterSenders[r]!;
      afterTime[q] = sorted[r]! + earliest;
      // Ties were reordered by id above, but tied messages share their time and so their date.
      afterDay[q] = daysByTime[r]!;
    }
    return { entities, senders, afterOrder: order, afterSender, afterDay, afterTime };
  });
}

function afterHoursRows(context: MetricContext, dims: Dimension[]): Row[] {
  const { store, settings } = context;
  const { entities, senders, afterOrder: order, afterSender, afterDay, afterTime } = clinicianMessages(context);
  const groups = groupEntities(dims, 'message', entities, context, remember(context, 'after-hours.window', () => windowMask(context, 'message', entities)));
  const groupCount = groups.labels.length;
  const after = afterHoursFlags(context);
  const { start: eveningStart, end: eveningEnd } = settings.evening;

  const sent = new Int32Array(groupCount);
  const afterHoursMessages = new Int32Array(groupCount);
  const evening = new Int32Array(groupCount);
  for (let p = 0; p < entities.length; p++) {
    const i = entities[p]!, g = groups.of[p]!;
    if (g < 0) continue;
    sent[g]!++;
    if (after[i]) afterHoursMessages[g]!++;
    const minute = store.localMinute[i]!;
    if (minute >= eveningStart && minute < eveningEnd) evening[g]!++;
  }
  // Read by sender below, at random: from the narrowest array (narrowGroups).
  const groupOf = narrowGroups(groups.of, groupCount);
  const bySender = () => remember(context, 'after-hours.bySender', () => bucketBy(senders, store.users.length));
  const clinicians = distinctKeysPerGroup(groupOf, senders, store.users.length, groupCount, bySender);

  const afterHoursDays = new Int32Array(groupCount);
  const minutes = new Float64Array(groupCount);
  const stamp = new Int32Array(groupCount).fill(-1);
  // Whole milliseconds, so that a gap of 4.1 minutes keeps messages 246 s apart together.
  const gap = Math.round(settings.sessionGapMinutes * MS_PER_MINUTE);
  let run = -1;
  let previousSender = -1, previousDay = 0;
  let sessionStart = 0, sessionLast = 0, sessionGroup = -1;
  const closeSession = () => {
    if (sessionGroup >= 0) minutes[sessionGroup]! += (sessionLast - sessionStart) / MS_PER_MINUTE + settings.minutesPerMessage;
  };
  for (let q = 0; q < order.length; q++) {
    const g = groupOf[order[q]!]!;
    if (g < 0) continue; // outside the window: sessions are formed from the messages inside it
    const sender = afterSender[q]!, day = afterDay[q]!, t = afterTime[q]!;
    if (sender !== previousSender || day !== previousDay) run++;
    if (stamp[g] !== run) {
      stamp[g] = run;
      afterHoursDays[g]!++;
    }
    if (sender !== previousSender || t - sessionLast > gap) {
      closeSession();
      sessionStart = t;
      sessionGroup = g;
    }
    sessionLast = t;
    previousSender = sender;
    previousDay = day;
  }
  closeSession();

  const clinicianView = dims.includes('clinician');
  return groups.sorted.map((g) => {
    const row: Row = groupRow(groups, g);
    if (clinicianView) Object.assign(row, clinicianAttributes(context, dims, groups.clinician[g]!));
    else row.clinicians = clinicians[g]!;
    row.messages_sent = sent[g]!;
    row.after_hours_messages = afterHoursMessages[g]!;
    setShare(row, 'pct_after_hours', afterHoursMessages[g]!, sent[g]!, context.z);
    row.evening_messages = evening[g]!;
    setShare(row, 'pct_evening', evening[g]!, sent[g]!, context.z);
    row.after_hours_days = afterHoursDays[g]!;
    row.est_after_hours_minutes = minutes[g]!;
    row.est_after_hours_minutes_per_clinician_week = ratio(minutes[g]!, clinicians[g]! * groupWeeks(context, groups, g));
    return row;
  });
}

/** Clinician messages sent in the window by weekday (0 = Monday) × hour of day, for the charts (once per run: not to be changed). */
export function hourWeekdayCounts(context: MetricContext): number[][] {
  return remember(context, 'after-hours.hour-weekday', () => {
    const { store } = context;
    const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    for (let i = 0; i < store.count; i++) {
      if (store.senderType[i] !== SENDER_CLINICIAN || context.inWindow[i] === 0) continue;
      grid[weekdayOf(store.localDay[i]!)]![Math.floor(store.localMinute[i]! / 60)]!++;
    }
    return grid;
  });
}
