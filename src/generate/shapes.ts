/**
 * The shapes real exports come in (SPEC 1.1), made from a generated
 * canonical export so that each holds exactly the same messages: what
 * `generate --shape` writes, and what the tests read back and compare with
 * the canonical CSV of the same messages (`canonicalTwin`).
 *
 * Every shape but `canonical` first "decorates" the messages the way real
 * data looks: department names with letters outside ASCII (Cardiología –
 * Clínica, with the en dash Windows-1252 keeps at 0x96) and free text with
 * literal double quotes. The canonical twin carries the same decoration.
 */
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { makeVocabularies } from '../input/vocabulary.js';

import type { Shape } from './shape-names.js';

export { SHAPES, SHAPE_HELP, type Shape } from './shape-names.js';

/** The generic portal user that sends automated messages in the epic-ehi shape. */
export const GENERIC_SENDER = 'MYCHARTG';

type Row = Record<string, string>;

const ACCENTED: Record<string, string> = {
  Cardiology: 'Cardiología – Clínica',
  Oncology: 'Oncología',
  Dermatology: 'Dermatología',
  Pediatrics: 'Pédiatrie',
};

function parseCanonical(csv: string): { header: string[]; rows: Row[] } {
  const records = parse(csv, { bom: true }) as string[][];
  const header = records[0]!;
  return { header, rows: records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** Real-data decoration: accented department names, quotes in free text. */
function decorate(rows: Row[]): Row[] {
  return rows.map((row, i) => ({
    ...row,
    department: ACCENTED[row.department!] ?? row.department!,
    subject: i % 7 === 3 ? `"Urgent" ${row.subject}` : i % 5 === 0 ? `${row.subject} "as discussed" 5'10"` : row.subject!,
  }));
}

function csvCell(value: string, delimiter: string): string {
  return value.includes('"') || value.includes(delimiter) || /[\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function delimited(header: string[], rows: Row[], delimiter: string, quote: boolean, eol = '\n'): string {
  const line = (values: string[]) => values.map((v) => (quote ? csvCell(v, delimiter) : v)).join(delimiter);
  return [line(header), ...rows.map((r) => line(header.map((h) => r[h] ?? '')))].join(eol) + eol;
}

/** The decorated messages as a canonical UTF-8 CSV: what every shape must read as. */
export function canonicalTwin(canonicalCsv: string): string {
  const { header, rows } = parseCanonical(canonicalCsv);
  return delimited(header, decorate(rows), ',', true);
}

function usTime(wall: string): string {
  // wall: YYYY-MM-DD HH:MM:SS
  const [date, time] = wall.split(' ');
  const [y, m, d] = date!.split('-').map(Number);
  const [hh, mm, ss] = time!.split(':');
  const hour = Number(hh);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${m}/${d}/${y} ${h12}:${mm}:${ss} ${hour < 12 ? 'AM' : 'PM'}`;
}

const EPIC_TYPES: Record<string, readonly string[]> = {
  prescription: ['Patient Medication Renewal Request', 'Rx Auth', 'Medication Renewal Request'],
  scheduling: ['Patient Appointment Schedule Request', 'Appointment Request'],
  test_results: ['Result Notes', 'Test Results Question'],
  referral: ['Referral Request'],
  visit_followup: ['Visit Follow-Up Question'],
  medical_question: ['Patient Medical Advice Request', 'Non-Urgent Medical Question'],
};

/** Epic MYC_MESG as an EHI export (TSV). */
function epicEhi(rows: Row[]): string {
  const vocabulary = makeVocabularies().category;
  const header = ['MESSAGE_ID', 'CREATED_TIME', 'PARENT_MESSAGE_ID', 'TOFROM_PAT_C_NAME', 'FROM_USER_ID', 'TO_USER_ID', 'ORIGINAL_TO', 'PAT_ID', 'DEPARTMENT_NAME', 'MYC_MSG_TYP_C_NAME', 'SUBJECT'];
  const rootOf = new Map<string, string>();
  const out: Row[] = [];
  rows.forEach((row, i) => {
    const system = row.sender_type === 'system';
    const patient = row.sender_type === 'patient';
    const category = vocabulary.normalize(row.category!).value;
    const names = EPIC_TYPES[category] ?? [row.category!];
    let root = rootOf.get(row.thread_id!);
    if (root === undefined && !system) rootOf.set(row.thread_id!, (root = row.message_id!));
    const recipient = row.recipient_id ?? '';
    const pooled = recipient.startsWith('POOL-');
    // Routed to a pool: Epic leaves TO_USER_ID blank and keeps the clinician written to in ORIGINAL_TO.
    const routed = patient && !pooled && recipient !== '' && i % 3 === 0;
    out.push({
      MESSAGE_ID: row.message_id!,
      CREATED_TIME: usTime(row.sent_at!),
      // Reminders stand alone; a thread's messages point at its first message.
      PARENT_MESSAGE_ID: system || root === row.message_id ? '' : root!,
      TOFROM_PAT_C_NAME: patient ? 'From Patient' : 'To Patient',
      FROM_USER_ID: system ? GENERIC_SENDER : patient ? '' : row.sender_id!,
      TO_USER_ID: patient && !pooled && !routed ? recipient : '',
      ORIGINAL_TO: patient ? recipient : '',
      PAT_ID: row.patient_id!,
      DEPARTMENT_NAME: row.department!,
      MYC_MSG_TYP_C_NAME: system ? 'Appointment Reminder' : names[i % names.length]!,
      SUBJECT: row.subject!,
    });
  });
  return delimited(header, out, '\t', false);
}

/** One row per recipient: a message to a clinician is repeated for the department's pool. */
function perRecipient(header: string[], rows: Row[]): string {
  const out: Row[] = [];
  for (const row of rows) {
    out.push(row);
    if (row.sender_type === 'patient' && row.recipient_id !== '' && !row.recipient_id!.startsWith('POOL-')) {
      out.push({ ...row, recipient_id: `POOL-${row.department!.split(' ')[0]!.toUpperCase()}` });
    }
  }
  return delimited(header, out, ',', true);
}

async function workbook(header: string[], rows: Row[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Messages');
  sheet.addRow(header);
  const at = header.indexOf('sent_at');
  for (const row of rows) {
    const values: unknown[] = header.map((h) => row[h] ?? '');
    // A date cell: Excel keeps wall-clock time; the Date's UTC fields are that wall clock.
    values[at] = new Date(`${row.sent_at!.replace(' ', 'T')}Z`);
    sheet.addRow(values);
  }
  sheet.getColumn(at + 1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A generated canonical export in another shape, as the bytes of the file. */
export async function renderShape(canonicalCsv: string, shape: Shape): Promise<Buffer> {
  if (shape === 'canonical') return Buffer.from(canonicalCsv, 'utf8');
  const parsed = parseCanonical(canonicalCsv);
  const header = parsed.header;
  const rows = decorate(parsed.rows);
  switch (shape) {
    case 'tsv':
      return Buffer.from(delimited(header, rows, '\t', false), 'utf8');
    case 'semicolon':
      return Buffer.from(delimited(header, rows, ';', true), 'utf8');
    case 'windows-1252':
      return iconv.encode(delimited(header, rows, ',', true, '\r\n'), 'windows-1252');
    case 'utf-16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(delimited(header, rows, '\t', false, '\r\n'), 'utf-16le')]);
    case 'xlsx':
      return workbook(header, rows);
    case 'epic-ehi':
      return Buffer.from(epicEhi(rows), 'utf8');
    case 'per-recipient':
      return Buffer.from(perRecipient(header, rows), 'utf8');
  }
}
