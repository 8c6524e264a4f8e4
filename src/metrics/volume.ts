import { groupEntities, type Dimension, type Groups } from '../model/groups.js';
import { safeLabel } from '../model/labels.js';
import { SENDER_CLINICIAN, SENDER_PATIENT } from '../model/store.js';
import type { ColumnSpec, Row } from '../output/report.js';
import { bucketBy, countsPerGroup, distinctKeysPerGroup, narrowGroups } from './buckets.js';
import { groupColumns, groupRow, groupWeeks, range, ratio, remember, setShare, windowMask, withIntervals, type MetricContext, type MetricTable } from './context.js';
import { meanOrNull, quantile } from './quantile.js';

/**
 * Volume (SPEC 2.1). Per group of messages (clinician messages by sender,
 * patient messages by attributed clinician, category = the message's own):
 * `clinicians` distinct senders; `messages_sent` clinician messages;
 * `pct_of_clinician_messages` their share of all clinician messages;
 * `mean_per_clinician`/`median_per_clinician` over the group's clinicians'
 * counts; `patient_messages`; `patients` and `threads` distinct over all the
 * group's messages.
 *
 * `--by clinician` reports instead, after `clinician_id`: role, department,
 * care_setting, messages_sent, messages_received (patient messages whose
 * recipient_id is the clinician; blank without recipient_id), threads,
 * patients, active_days (local dates with a sent message),
 * messages_per_active_day and messages_per_fte_week (sent / fte / weeks).
 *
 * @example two physicians sending 3 and 1 messages, all data: clinicians 2,
 * messages_sent 4, mean_per_clinician 2, median_per_clinician 2.
 */
export function volume(context: MetricContext, dims: Dimension[]): MetricTable {
  const clinicianView = dims.includes('clinician');
  const columns = withIntervals(volumeColumns(dims), context.settings.ciLevel);
  const total = remember(context, `volume.total.${clinicianView}`, () => volumeRows(context, [], clinicianView)[0]!);
  return { columns, rows: dims.length ? volumeRows(context, dims, clinicianView) : [total], total };
}

const count = (name: string, label: string): ColumnSpec => ({ name, kind: 'count', label });

/** The columns of the volume table: the per-clinician view with `--by clinician`. */
export function volumeColumns(dims: Dimension[]): ColumnSpec[] {
  return dims.includes('clinician') ? clinicianColumns(dims) : groupColumns(dims).concat(VOLUME_COLUMNS);
}

export const VOLUME_COLUMNS: ColumnSpec[] = [
  count('clinicians', 'clinicians'),
  count('messages_sent', 'sent'),
  { name: 'pct_of_clinician_messages', kind: 'percent', label: 'share', basis: ['messages_sent'] },
  { name: 'mean_per_clinician', kind: 'number', label: 'mean per\nclinician', basis: ['messages_sent', 'clinicians'] },
  { name: 'median_per_clinician', kind: 'number', label: 'median per\nclinician', basis: ['messages_sent', 'clinicians'] },
  count('patient_messages', 'patient\nmessages'),
  count('patients', 'patients'),
  count('threads', 'threads'),
];

/**
 * After `clinician_id`: the clinician's role, department and care setting,
 * each only when it is not itself a --by dimension (no column name twice).
 */
export function clinicianAttributeColumns(dims: Dimension[]): ColumnSpec[] {
  const attributes: ColumnSpec[] = [
    { name: 'role', kind: 'text' },
    { name: 'department', kind: 'text' },
    { name: 'care_setting', kind: 'text', label: 'care setting' },
  ];
  return attributes.filter((a) => !(dims as string[]).includes(a.name));
}

/** The group columns of a clinician view, attributes after clinician_id. */
export function clinicianGroupColumns(dims: Dimension[]): ColumnSpec[] {
  const groups = groupColumns(dims);
  const at = dims.indexOf('clinician') + 1;
  return [...groups.slice(0, at), ...clinicianAttributeColumns(dims), ...groups.slice(at)];
}

/** The attribute cells of a clinician view's row (blank for the unattributed group). */
export function clinicianAttributes(context: MetricContext, dims: Dimension[], user: number): Row {
  const row: Row = {};
  const { clinicians } = context;
  for (const column of clinicianAttributeColumns(dims)) {
    const values = column.name === 'role' ? clinicians.role : column.name === 'department' ? clinicians.department : clinicians.careSetting;
    row[column.name] = user >= 0 ? values[user]! : null;
  }
  return row;
}

function clinicianColumns(dims: Dimension[]): ColumnSpec[] {
  return [
    ...clinicianGroupColumns(dims),
    count('messages_sent', 'sent'),
    count('messages_received', 'received'),
    count('threads', 'threads'),
    count('patients', 'patients'),
    count('active_days', 'active\ndays'),
    { name: 'messages_per_active_day', kind: 'number', label: 'per active\nday', basis: ['messages_sent', 'active_days'] },
    { name: 'messages_per_fte_week', kind: 'number', label: 'per FTE\nweek', basis: ['messages_sent'] },
  ];
}

function volumeRows(context: MetricContext, dims: Dimension[], clinicianView: boolean): Row[] {
  const { store, clinicians } = context;
  const n = store.count;
  const all = remember(context, 'volume.entities', () => range(n));
  const groups = groupEntities(dims, 'message', all, context, remember(context, 'volume.window', () => windowMask(context, 'message', all)));
  const groupCount = groups.labels.length;
  const sent = new Int32Array(groupCount);
  const patientMessages = new Int32Array(groupCount);
  const received = new Int32Array(groupCount);
  // Messages and clinician messages per group, without a branch on the sender type (patient 0, clinician 1 in the
  // store; clinician and patient messages come in no order, so a branch was mispredicted half the time).
  const senderType = store.senderType, of = groups.of;
  for (let i = 0; i < n; i++) {
    const g = of[i]!;
    if (g < 0) continue;
    patientMessages[g]!++;
    sent[g]! += senderType[i]!;
  }
  let allSent = 0;
  for (let g = 0; g < groupCount; g++) {
    patientMessages[g]! -= sent[g]!;
    allSent += sent[g]!;
  }
  // Each made once per run, and only when a grouping needs it.
  const threadBuckets = () => remember(context, 'volume.threads', () => bucketBy(store.thread, store.threadCount));
  const patientBuckets = () => remember(context, 'volume.patients', () => bucketBy(store.patient, store.patientCount));
  const groupOf = narrowGroups(groups.of, groupCount);
  const threads = distinctKeysPerGroup(groupOf, store.thread, store.threadCount, groupCount, threadBuckets);
  const patients = distinctKeysPerGroup(groupOf, store.patient, store.patientCount, groupCount, patientBuckets);

  const rows: Row[] = [];
  if (!clinicianView) {
    const senders = remember(context, 'volume.senders', () => {
      // Clinician messages only, bucketed by sender (a loop: Int32Array.from with a callback is ten times slower).
      const of = new Int32Array(n);
      for (let i = 0; i < n; i++) of[i] = store.senderType[i] === SENDER_CLINICIAN ? store.sender[i]! : -1;
      return bucketBy(of, store.users.length);
    });
    const perClinician = countsPerGroup(groupOf, senders, groupCount);
    for (const g of groups.sorted) {
      const counts = perClinician[g]!;
      const row: Row = { ...groupRow(groups, g), clinicians: counts.length, messages_sent: sent[g]! };
      setShare(row, 'pct_of_clinician_messages', sent[g]!, allSent, context.z);
      rows.push({
        ...row,
        mean_per_clinician: meanOrNull(counts),
        median_per_clinician: quantile(counts, 0.5),
        patient_messages: patientMessages[g]!,
        patients: patients[g]!,
        threads: threads[g]!,
      });
    }
    return rows;
  }

  // The clinician view: received messages, active days, per-FTE rates.
  const dayCount = context.lastDay - context.firstDay + 1;
  const dayOf = remember(context, 'volume.days', () => {
    // Clinician messages only, by local date.
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = store.senderType[i] === SENDER_CLINICIAN ? store.localDay[i]! - context.firstDay : -1;
    return out;
  });
  const activeDays = distinctKeysPerGroup(groupOf, dayOf, dayCount, groupCount, () => remember(context, 'volume.dayBuckets', () => bucketBy(dayOf, dayCount)));
  for (let i = 0; i < n; i++) {
    if (store.senderType[i] !== SENDER_PATIENT) continue;
    const g = groups.of[i]!;
    if (g < 0) continue;
    const recipient = store.recipient[i]!;
    // A known recipient is the message's attributed clinician, so it sits in that clinician's group.
    if (recipient >= 0 && clinicians.known[recipient] === 1 && (dims.length === 0 || groups.clinician[g] === recipient)) received[g]!++;
  }
  countFurtherRecipients(context, groups, received);
  let totalFte = 0;
  let rosterFte = false;
  for (let u = 0; u < store.users.length; u++) {
    if (clinicians.known[u] === 1 && !Number.isNaN(clinicians.fte[u]!)) {
      totalFte += clinicians.fte[u]!;
      rosterFte = true;
    }
  }
  for (const g of groups.sorted) {
    const user = groups.clinician[g]!;
    const fte = dims.length === 0 ? (rosterFte ? totalFte : NaN) : user >= 0 ? clinicians.fte[user]! : NaN;
    const row: Row = groupRow(groups, g);
    if (dims.length > 0) Object.assign(row, clinicianAttributes(context, dims, user));
    const weeks = groupWeeks(context, groups, g);
    Object.assign(row, {
      messages_sent: sent[g]!,
      messages_received: store.hasRecipient ? received[g]! : null,
      threads: threads[g]!,
      patients: patients[g]!,
      active_days: activeDays[g]!,
      messages_per_active_day: ratio(sent[g]!, activeDays[g]!),
      messages_per_fte_week: Number.isNaN(fte) || fte === 0 || weeks === 0 ? null : sent[g]! / fte / weeks,
    });
    rows.push(row);
  }
  return rows;
}

/**
 * messages_received for the further recipients of messages sent to several
 * (SPEC 1.1: each recipient counts the message as received). The message
 * sits in its attributed clinician's group; a further recipient's count goes
 * to the group with the same labels but that clinician's, when the output
 * has such a row.
 */
function countFurtherRecipients(context: MetricContext, groups: Groups, received: Int32Array | number[]): void {
  const { store, clinicians } = context;
  if (store.extraRecipients.size === 0) return;
  const dims = groups.dims;
  const byLabels = new Map(groups.sorted.map((g) => [groups.labels[g]!.join('\u0000'), g]));
  const show = context.clinicianLabel ?? safeLabel;
  for (const [m, users] of store.extraRecipients) {
    if (store.senderType[m] !== SENDER_PATIENT) continue;
    const g = groups.of[m]!;
    if (g < 0) continue;
    const first = store.recipient[m]!;
    for (const user of users) {
      if (clinicians.known[user] !== 1) continue;
      if (dims.length === 0) {
        received[g]!++;
        continue;
      }
      // The attributed clinician (the first known recipient) was counted above only when it is the first recipient.
      if (groups.clinician[g] === user && (first < 0 || clinicians.known[first] !== 1)) {
        received[g]!++;
        continue;
      }
      const labels = dims.map((d, k) =>
        d === 'clinician' ? show(store.users[user]!) : d === 'role' ? clinicians.role[user]! : d === 'department' ? clinicians.department[user]! : d === 'care_setting' ? clinicians.careSetting[user]! : groups.labels[g]![k]!,
      );
      const other = byLabels.get(labels.join('\u0000'));
      if (other !== undefined && other !== g) received[other]!++;
    }
  }
}
