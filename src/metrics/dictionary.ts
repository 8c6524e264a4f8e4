import type { ColumnSpec } from '../output/report.js';

/**
 * The data dictionary (SPEC 3, `msgwork columns`): every output column's
 * name, type, unit, plain definition and the SPEC section that defines it.
 * One source for the help, the manifest of `report -o DIR/`, the Parquet
 * types and the HTML definitions: the column specs the writers use, plus the
 * words below.
 */
export interface ColumnDefinition {
  name: string;
  /** `string`, `integer` or `double`: what CSV, Parquet and the manifest carry. */
  type: 'string' | 'integer' | 'double';
  unit: string;
  definition: string;
  spec: string;
}

type Words = { unit?: string; definition: string; spec: string };

const GROUPS: Record<string, Words> = {
  role: { definition: 'Clinician role (physician, app, resident, rn, lpn, ma, pharmacist, staff, or the raw value): of the sending clinician for clinician messages, of the attributed clinician otherwise; unattributed when none', spec: '1.5, 2' },
  category: { definition: "Task category (prescription, medical_question, scheduling, test_results, referral, visit_followup): the message's own for volume and after hours, the thread's first known one for latency and rounds", spec: '1.5, 2' },
  department: { definition: 'Department of the clinician (roster first, else their messages)', spec: '2' },
  care_setting: { definition: 'primary_care or specialty, of the clinician', spec: '2' },
  clinician_id: { definition: 'Clinician user id (a keyed pseudonym with --pseudonymize); unattributed for patient messages no clinician is attributed', spec: '2, 4' },
  month: { definition: 'Local calendar month YYYY-MM of the message, index message or thread start', spec: '2' },
  year: { definition: 'Local calendar year YYYY', spec: '2' },
  quarter: { definition: 'Local calendar quarter YYYY-Qn', spec: '2' },
  week: { definition: 'ISO week YYYY-Www (local time)', spec: '2' },
  weekday: { definition: 'Local weekday mon…sun', spec: '2' },
  hour: { definition: 'Local hour of day 0–23', spec: '2' },
};

const COLUMNS: Record<string, Words> = {
  // volume
  clinicians: { unit: 'clinicians', definition: 'Distinct clinicians who sent a message in the group (in the window)', spec: '2.1' },
  messages_sent: { unit: 'messages', definition: 'Clinician messages sent in the window', spec: '2.1' },
  pct_of_clinician_messages: { unit: 'percent', definition: "The group's share of all clinician messages sent in the window", spec: '2.1' },
  mean_per_clinician: { unit: 'messages', definition: "Mean of the group's clinicians' sent-message counts", spec: '2.1' },
  median_per_clinician: { unit: 'messages', definition: "Median (type 7) of the group's clinicians' sent-message counts", spec: '2.1' },
  patient_messages: { unit: 'messages', definition: 'Patient messages sent in the window, in the group of their attributed clinician', spec: '2.1' },
  patients: { unit: 'patients', definition: "Distinct patients over the group's messages in the window (a count only; ids are never shown)", spec: '2.1' },
  threads: { unit: 'threads', definition: "Distinct threads over the group's messages (volume), or threads whose first message is in the window (rounds)", spec: '2.1, 2.4' },
  messages_received: { unit: 'messages', definition: 'Patient messages whose recipient_id is the clinician (each recipient counts a message sent to several); blank without recipient_id', spec: '2.1' },
  active_days: { unit: 'days', definition: 'Distinct local dates with a sent message', spec: '2.1' },
  messages_per_active_day: { unit: 'messages per day', definition: 'messages_sent / active_days', spec: '2.1' },
  messages_per_fte_week: { unit: 'messages per FTE-week', definition: "messages_sent / roster fte / weeks (weeks: the window's days, or the period's days in the window, / 7); blank without a roster fte", spec: '2.1' },
  // after hours
  after_hours_messages: { unit: 'messages', definition: 'Clinician messages sent outside the work window (not a work day, a holiday, or outside [start, end) of the work hours)', spec: '2.2' },
  pct_after_hours: { unit: 'percent', definition: 'after_hours_messages / messages_sent × 100', spec: '2.2' },
  evening_messages: { unit: 'messages', definition: 'Clinician messages sent within --evening (default 17:00–19:00) on any day', spec: '2.2' },
  pct_evening: { unit: 'percent', definition: 'evening_messages / messages_sent × 100', spec: '2.2' },
  after_hours_days: { unit: 'clinician-days', definition: 'Sum over clinicians of distinct local dates with an after-hours message', spec: '2.2' },
  est_after_hours_minutes: { unit: 'minutes', definition: "Estimated after-hours time: each clinician's after-hours messages form sessions (a gap over --session-gap starts a new one); a session lasts first to last message + --minutes-per-message. An estimate from send times, not measured time", spec: '2.2' },
  est_after_hours_minutes_per_clinician_week: { unit: 'minutes per clinician-week', definition: 'est_after_hours_minutes / clinicians / weeks', spec: '2.2' },
  // latency
  index_messages: { unit: 'messages', definition: 'Patient messages that start a patient run (every patient message with --latency-index each), sent in the window', spec: '2.3' },
  answered: { unit: 'messages', definition: 'Index messages with a reply: a clinician message after them in the thread (it may come after the window)', spec: '2.3' },
  unanswered: { unit: 'messages', definition: 'Index messages without a reply by the as-of time', spec: '2.3' },
  median_hours: { unit: 'hours', definition: 'Median (type 7) elapsed hours from index message to reply, over answered ones', spec: '2.3' },
  p90_hours: { unit: 'hours', definition: '90th percentile (type 7) of hours to reply, over answered ones', spec: '2.3' },
  mean_hours: { unit: 'hours', definition: 'Mean hours to reply, over answered ones', spec: '2.3' },
  median_business_hours: { unit: 'hours', definition: 'Median hours to reply counting only time inside the work window', spec: '2.3' },
  pct_within_2_business_days: { unit: 'percent', definition: 'Index messages answered within 2 × the work-day length of business time, of all index messages', spec: '2.3' },
  pending: { unit: 'messages', definition: 'Unanswered index messages sent less than the largest --within bound before the as-of time: not yet watched long enough', spec: '2.3' },
  km_median_hours: { unit: 'hours', definition: 'Kaplan–Meier median time to reply (unanswered censored at the as-of time); the smallest time with S ≤ 0.5, R survfit midpoint rule; blank when S never reaches 0.5', spec: '2.3' },
  // rounds
  messages: { unit: 'messages', definition: 'Messages in those threads (all of them, also after the window)', spec: '2.4' },
  mean_rounds: { unit: 'rounds', definition: 'Mean rounds per thread: patient runs followed by a clinician run', spec: '2.4' },
  median_rounds: { unit: 'rounds', definition: 'Median (type 7) rounds per thread', spec: '2.4' },
  pct_le_4_rounds: { unit: 'percent', definition: 'Threads with at most 4 rounds, of all threads', spec: '2.4' },
  rounds_5_plus: { unit: 'threads', definition: 'Threads with 5 or more rounds', spec: '2.4' },
  median_duration_hours: { unit: 'hours', definition: "Median hours from a thread's first to its last message", spec: '2.4' },
};

/** Words for a column name, including the families (`pct_within_<bound>`, `rounds_<k>`, `<column>_lo/_hi`). */
function wordsFor(name: string): Words | undefined {
  if (GROUPS[name]) return GROUPS[name];
  if (COLUMNS[name]) return COLUMNS[name];
  let m = /^(.*)_(lo|hi)$/.exec(name);
  if (m) {
    const base = wordsFor(m[1]!);
    if (base) return { unit: base.unit, definition: `${m[2] === 'lo' ? 'Lower' : 'Upper'} limit of the --ci interval of ${m[1]} (${m[1]!.startsWith('km_') ? 'log-log Greenwood, as survfit' : 'Wilson score, as prop.test(correct = FALSE)'})`, spec: '2.3' };
  }
  m = /^km_pct_within_(.+)$/.exec(name);
  if (m) return { unit: 'percent', definition: `Kaplan–Meier estimate of the share answered within ${m[1]}: 100 × (1 − S(${m[1]})), unanswered index messages censored at the as-of time`, spec: '2.3' };
  m = /^pct_within_(.+)$/.exec(name);
  if (m) return { unit: 'percent', definition: `Index messages answered within ${m[1]} (inclusive, to the millisecond), of all index messages: unanswered ones count as not within`, spec: '2.3' };
  m = /^rounds_(\d)$/.exec(name);
  if (m) return { unit: 'threads', definition: `Threads with exactly ${m[1]} round${m[1] === '1' ? '' : 's'}`, spec: '2.4' };
  return undefined;
}

/** A column's definition in plain words, for people (the HTML report's definitions). */
export function definitionOf(name: string): string | undefined {
  return wordsFor(name)?.definition;
}

/** The dictionary entry of a column. */
export function defineColumn(column: ColumnSpec): ColumnDefinition {
  const words = wordsFor(column.name);
  const type = column.kind === 'group' || column.kind === 'text' ? 'string' : column.kind === 'count' ? 'integer' : 'double';
  const unit = words?.unit ?? (column.kind === 'percent' ? 'percent' : column.kind === 'hours' ? 'hours' : column.kind === 'minutes' ? 'minutes' : '');
  return {
    name: column.name,
    type,
    unit: unit === 'percent' ? 'percent (0–100)' : unit,
    definition: words?.definition ?? column.name,
    spec: words?.spec ?? '',
  };
}
