import { Command } from 'commander';
import { shellQuote } from '../input/mapping.js';
import { CATEGORY_SYNONYMS, ROLE_SYNONYMS, UNKNOWN } from '../input/vocabulary.js';
import { SENDER_CLINICIAN, SENDER_PATIENT, type MessageStore } from '../model/store.js';
import { safeLabel } from '../model/labels.js';
import { buildThreads } from '../model/threads.js';
import { formatDay } from '../model/zone.js';
import { addOptions } from '../options.js';
import type { Report, Row, Section } from '../output/report.js';
import { pseudonym } from '../output/privacy.js';
import { analyse, emit, headerLines, prepare, type Analysis } from './context.js';
import { privacySettings } from './metrics.js';

const HELP = `
Checks an export without computing metrics: how many rows were read, used
and skipped (by reason, with the first errors as file:line: field: reason),
duplicates, the date range, threads, messages by sender type, the roles and
categories seen (raw values that matched no known name are listed so the
mapping can be fixed), and clinicians without a role.

Examples:
  npx msgwork validate samples/messages.csv
  npx msgwork generate --threads 300 --shape epic-ehi -o MYC_MESG.txt --roster-out roster.csv
  npx msgwork validate --preset epic-clarity --roster roster.csv MYC_MESG.txt
  npx msgwork validate --strict samples/messages.csv   # exit 2 if any row is unusable`;

export function validateCommand(): Command {
  const command = new Command('validate')
    .summary('data-quality report of an export (no metrics)')
    .description('Data-quality report of a message export: rows used and skipped, coverage, vocabularies.')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'output', 'pseudonym']);
  command.action(async (files: string[], _options: unknown, self: Command) => {
    const { raw, settings, format } = await prepare(self, files);
    const analysis = await analyse(settings, { warnSkipped: false });
    const key = privacySettings(raw).pseudonymize;
    await emit(qualityReport(analysis, key ? (id) => pseudonym(id, key) : safeLabel), format, raw);
  });
  return command;
}

const count = (name: string, label?: string) => ({ name, kind: 'count' as const, ...(label ? { label } : {}) });
const group = (name: string) => ({ name, kind: 'group' as const });

/** The data-quality report as sections. */
export function qualityReport(analysis: Analysis, clinicianLabel: (id: string) => string): Report {
  const { store, report, clinicians } = analysis;
  const sections: Section[] = [];

  sections.push({
    name: 'inputs',
    title: 'Rows by input',
    definition: 'Rows after the header; used rows became messages (or added a recipient to one), skipped rows could not be used; system messages and messages after --as-of are counted apart.',
    columns: [group('input'), { name: 'format', kind: 'text' }, count('rows'), count('used'), count('skipped')],
    rows: report.inputs.map((i) => ({ input: i.name, format: i.format ?? '', rows: i.rows, used: i.used, skipped: i.skipped })),
    total: { input: 'total', format: '', rows: report.rowsRead, used: report.rowsUsed, skipped: report.rowsSkipped },
    details: report.warnings.map((w) => `warning: ${w}`),
  });

  sections.push({
    name: 'skipped',
    title: 'Skipped rows by reason',
    definition: 'Rows that could not be used; duplicates keep the first row with the id.',
    columns: [group('reason'), count('rows')],
    rows: [...report.skipped].sort((a, b) => b[1] - a[1]).map(([reason, rows]) => ({ reason, rows })),
    total: { reason: 'total', rows: report.rowsSkipped },
    details: report.errors.length > 0 ? [`First ${report.errors.length === 1 ? 'error' : `${report.errors.length} errors`}:`, ...report.errors.map((e) => `  ${e}`)] : [],
  });

  let patientMessages = 0;
  let clinicianMessages = 0;
  for (let i = 0; i < store.count; i++) {
    if (store.senderType[i] === SENDER_PATIENT) patientMessages++;
    else if (store.senderType[i] === SENDER_CLINICIAN) clinicianMessages++;
  }
  sections.push({
    name: 'messages',
    title: 'Messages by sender type',
    definition: 'System messages are counted here and excluded from every metric.',
    columns: [group('sender_type'), count('messages')],
    rows: [
      { sender_type: 'patient', messages: patientMessages },
      { sender_type: 'clinician', messages: clinicianMessages },
      { sender_type: 'system (excluded)', messages: report.systemMessages },
      ...(report.afterAsOf ? [{ sender_type: 'after --as-of (excluded)', messages: report.afterAsOf }] : []),
    ],
    details: [
      ...(report.recipientRows > 0 ? [`${report.recipientRows} further rows repeat a message for another recipient (one row per recipient): each is one message with several recipients.`] : []),
      ...(analysis.outsideWindow > 0 ? [`${analysis.outsideWindow} of the patient and clinician messages are outside the window: read for threads and replies, not counted by the metrics.`] : []),
    ],
  });

  sections.push(automatedSenders(analysis, clinicianLabel));

  const knownClinicians = clinicians.known.reduce((a, b) => a + b, 0);
  sections.push({
    name: 'coverage',
    title: 'Coverage',
    columns: [group('measure'), { name: 'value', kind: 'text' }],
    rows: [
      { measure: 'first date', value: formatDay(analysis.firstDay) },
      { measure: 'last date', value: formatDay(analysis.lastDay) },
      { measure: 'days', value: String(analysis.lastDay - analysis.firstDay + 1) },
      { measure: 'threads', value: String(store.threadCount) },
      { measure: 'patients', value: String(store.patientCount) },
      { measure: 'clinicians who sent messages', value: String(clinicians.senders) },
      { measure: 'known clinicians (incl. roster)', value: String(knownClinicians) },
      { measure: 'recipient_id mapped', value: store.hasRecipient ? 'yes' : 'no' },
      { measure: 'times in a DST gap (moved forward)', value: String(report.dstGapTimes) },
      { measure: 'ambiguous DST times (earlier taken)', value: String(report.dstAmbiguousTimes) },
    ],
  });

  // Roles of clinicians who sent messages, as resolved (roster first).
  const sent = new Int32Array(store.users.length);
  for (let i = 0; i < store.count; i++) if (store.senderType[i] === SENDER_CLINICIAN) sent[store.sender[i]!]!++;
  const roles = new Map<string, { clinicians: number; messages: number }>();
  const withoutRole: Row[] = [];
  for (let user = 0; user < store.users.length; user++) {
    if (sent[user] === 0) continue;
    const role = clinicians.role[user]!;
    const entry = roles.get(role) ?? { clinicians: 0, messages: 0 };
    entry.clinicians++;
    entry.messages += sent[user]!;
    roles.set(role, entry);
    if (role === UNKNOWN) withoutRole.push({ clinician_id: clinicianLabel(store.users[user]!), messages_sent: sent[user]! });
  }
  const recognised = (value: string, table: Record<string, unknown>) => (value === UNKNOWN ? 'empty' : Object.hasOwn(table, value) ? 'yes' : 'no');
  sections.push({
    name: 'roles',
    title: 'Roles of sending clinicians',
    definition: 'recognised: "no" marks a raw value kept verbatim; add a synonym in the config file to map it.',
    columns: [group('role'), count('clinicians'), count('messages_sent', 'sent'), { name: 'recognised', kind: 'text' }],
    rows: [...roles]
      .sort((a, b) => b[1].messages - a[1].messages)
      .map(([role, v]) => ({ role, clinicians: v.clinicians, messages_sent: v.messages, recognised: recognised(role, ROLE_SYNONYMS) })),
  });

  const categoryCounts = new Map<string, number>();
  for (let i = 0; i < store.count; i++) {
    const c = store.category[i]!;
    const name = c < 0 ? UNKNOWN : store.categories[c]!;
    categoryCounts.set(name, (categoryCounts.get(name) ?? 0) + 1);
  }
  sections.push({
    name: 'categories',
    title: 'Task categories of messages',
    columns: [group('category'), count('messages'), { name: 'recognised', kind: 'text' }],
    rows: [...categoryCounts]
      .sort((a, b) => b[1] - a[1])
      .map(([category, messages]) => ({ category, messages, recognised: recognised(category, CATEGORY_SYNONYMS) })),
  });

  const unmapped: Row[] = [];
  for (const vocabulary of [analysis.settings.vocabularies.role, analysis.settings.vocabularies.category, analysis.settings.vocabularies.careSetting]) {
    for (const [value, rows] of [...vocabulary.unmatched].sort((a, b) => b[1] - a[1])) {
      unmapped.push({ field: vocabulary.name, value, rows });
    }
  }
  sections.push({
    name: 'unmapped_values',
    title: 'Raw values that matched no known name',
    definition: 'Kept verbatim. If one means a known role or category, add it to "synonyms" in a --config file.',
    columns: [group('field'), { name: 'value', kind: 'text' }, count('rows')],
    rows: unmapped,
  });

  sections.push({
    name: 'clinicians_without_role',
    title: 'Clinicians without a role',
    definition: 'Neither the roster nor any of their messages gives a role; they group as "unknown" by role.',
    columns: [group('clinician_id'), count('messages_sent', 'sent')],
    rows: withoutRole.sort((a, b) => (b.messages_sent as number) - (a.messages_sent as number)),
  });

  return {
    title: 'msgwork validate: data quality',
    settings: {
      inputs: report.inputs,
      timezone: analysis.settings.zone.name,
      preset: analysis.settings.preset.name,
      roster: analysis.settings.rosterFile ?? null,
      rows_read: report.rowsRead,
      rows_used: report.rowsUsed,
      rows_skipped: report.rowsSkipped,
      skipped_by_reason: Object.fromEntries(report.skipped),
      system_messages: report.systemMessages,
      system_messages_by_declared_sender: report.systemBySender.size,
      recipient_rows: report.recipientRows,
      dst_gap_times: report.dstGapTimes,
      dst_ambiguous_times: report.dstAmbiguousTimes,
      warnings: report.warnings,
      outside_window: analysis.outsideWindow,
      after_as_of: report.afterAsOf,
      first_errors: report.errors,
    },
    header: headerLines(analysis),
    sections,
  };
}

/** Clinician messages that answer a patient: the first clinician message after a patient message in its thread. */
function repliesBySender(store: MessageStore, analysis: Analysis): Int32Array {
  const threads = buildThreads(store, analysis.clinicians);
  const replies = new Int32Array(store.users.length);
  // Count each reply message once, whatever number of patient messages it answers.
  const isReply = new Uint8Array(store.count);
  for (let i = 0; i < store.count; i++) if (store.senderType[i] === SENDER_PATIENT && threads.reply[i]! >= 0) isReply[threads.reply[i]!] = 1;
  for (let i = 0; i < store.count; i++) if (isReply[i] === 1) replies[store.sender[i]!]!++;
  return replies;
}

/** Minimum messages of a sender, none a reply to a patient, to be listed as likely automated (SPEC 1.3). */
export const AUTOMATED_MIN_MESSAGES = 10;

/**
 * Senders made automated by --system-senders, and clinician ids that look
 * automated: at least 10 messages, none of them a reply to a patient message
 * (portal reminders, generic users, notices), with the option to add.
 */
function automatedSenders(analysis: Analysis, clinicianLabel: (id: string) => string): Section {
  const { store, report } = analysis;
  const sent = new Int32Array(store.users.length);
  for (let i = 0; i < store.count; i++) if (store.senderType[i] === SENDER_CLINICIAN) sent[store.sender[i]!]!++;
  const replies = repliesBySender(store, analysis);
  const rows: Row[] = [];
  for (const [id, messages] of [...report.systemBySender].sort((a, b) => b[1] - a[1])) {
    rows.push({ clinician_id: clinicianLabel(id), messages_sent: messages, replies_to_patients: null, status: 'declared: excluded' });
  }
  const likely: string[] = [];
  for (let user = 0; user < store.users.length; user++) {
    if (sent[user]! >= AUTOMATED_MIN_MESSAGES && replies[user] === 0) {
      likely.push(clinicianLabel(store.users[user]!));
      rows.push({ clinician_id: clinicianLabel(store.users[user]!), messages_sent: sent[user]!, replies_to_patients: 0, status: 'likely automated: counted' });
    }
  }
  return {
    name: 'automated_senders',
    title: 'Automated senders',
    definition:
      `Senders whose messages are not clinician work. "declared" ones (--system-senders) are excluded from every metric; ` +
      `"likely" ones sent at least ${AUTOMATED_MIN_MESSAGES} messages, none a reply to a patient message, and are still counted.`,
    columns: [group('clinician_id'), count('messages_sent', 'sent'), count('replies_to_patients', 'replies'), { name: 'status', kind: 'text' }],
    rows,
    details: likely.length > 0 ? [`If they are automated (reminders, notices, a generic portal user), add: --system-senders ${shellQuote(likely.join(','))}`] : [],
  };
}
