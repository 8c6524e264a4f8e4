import { InputError } from '../errors.js';
import type { DayRange } from '../model/calendar.js';
import { Column, Interner, SENDER_CLINICIAN, SENDER_PATIENT, type MessageStore } from '../model/store.js';
import { formatDay, MS_PER_DAY, MS_PER_MINUTE, type Zone } from '../model/zone.js';
import { CsvError, CsvReader, type CsvRecord } from './csv.js';
import { resolveColumns, type ColumnMap, type Field, type Preset } from './mapping.js';
import { delimiterForName, readText, type InputSource } from './source.js';
import { parseTimestamp } from './timestamp.js';
import { UNKNOWN, type Vocabularies } from './vocabulary.js';

export interface LoadOptions {
  sources: readonly InputSource[];
  preset: Preset;
  map: ReadonlyMap<Field, string>;
  /** Explicit delimiter; otherwise `.tsv` names mean tab, else sniffed from the header. */
  delimiter?: string | undefined;
  zone: Zone;
  /** Keep only messages whose local date is within (SPEC 1.4). */
  range?: DayRange | undefined;
  vocabularies: Vocabularies;
  /** How many row errors to keep as text (default 10). */
  errorsShown?: number;
  /** Largest field accepted (default 1 Mi characters). */
  maxField?: number;
}

/** Reasons a row is skipped (SPEC 3.1). */
export type SkipReason =
  | 'wrong field count'
  | 'malformed quotes'
  | 'missing message_id'
  | 'missing thread_id'
  | 'missing sent_at'
  | 'bad timestamp'
  | 'missing sender_type'
  | 'unknown sender_type'
  | 'missing sender_id'
  | 'missing patient_id'
  | 'duplicate message_id';

export interface InputSummary {
  name: string;
  rows: number;
  used: number;
  skipped: number;
}

/** What happened to every row of the input. */
export interface LoadReport {
  inputs: InputSummary[];
  rowsRead: number;
  rowsUsed: number;
  rowsSkipped: number;
  skipped: Map<SkipReason, number>;
  /** The first errors, as `file:line: field: reason (value)`. */
  errors: string[];
  /** Automated messages: counted, excluded from every metric. */
  systemMessages: number;
  /** Valid messages outside --since/--until (or --period). */
  outsideRange: number;
}

export interface Loaded {
  store: MessageStore;
  report: LoadReport;
}

/** How a value is shown in an error: short, with control characters escaped. */
export function showValue(value: string): string {
  const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return short.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sniffDelimiter(firstChunk: string): string {
  const end = firstChunk.search(/[\r\n]/);
  const headerLine = end < 0 ? firstChunk : firstChunk.slice(0, end);
  return !headerLine.includes(',') && headerLine.includes('\t') ? '\t' : ',';
}

/**
 * Reads every source in one streaming pass into a column store, validating
 * each row (SPEC 1, 3.1). Unusable rows are skipped and counted by reason;
 * duplicate message ids keep the first row; system messages are counted and
 * left out. Throws InputError when a file cannot be read, lacks required
 * columns, or no row is usable.
 */
export async function loadMessages(options: LoadOptions): Promise<Loaded> {
  const { zone, vocabularies, range } = options;
  const errorsShown = options.errorsShown ?? 10;
  const report: LoadReport = {
    inputs: [],
    rowsRead: 0,
    rowsUsed: 0,
    rowsSkipped: 0,
    skipped: new Map(),
    errors: [],
    systemMessages: 0,
    outsideRange: 0,
  };

  const messageIds = new Interner();
  const isMessage = new Column(Uint8Array);
  const threadIds = new Interner();
  const users = new Interner();
  const patients = new Interner();
  const roles = new Interner();
  const categories = new Interner();
  const departments = new Interner();
  const careSettings = new Interner();

  const utc = new Column(Float64Array);
  const localDay = new Column(Int32Array);
  const localMinute = new Column(Int16Array);
  const messageKey = new Column(Int32Array);
  const threadTag = new Column(Int32Array);
  const parentKey = new Column(Int32Array);
  const senderType = new Column(Uint8Array);
  const sender = new Column(Int32Array);
  const recipient = new Column(Int32Array);
  const patient = new Column(Int32Array);
  const role = new Column(Int32Array);
  const category = new Column(Int32Array);
  const department = new Column(Int32Array);
  const careSetting = new Column(Int32Array);
  let hasRecipient = false;

  for (const source of options.sources) {
    const summary: InputSummary = { name: source.name, rows: 0, used: 0, skipped: 0 };
    report.inputs.push(summary);
    let reader: CsvReader | null = null;
    let columns: ColumnMap | null = null;
    let headerCount = 0;

    const skip = (line: number, reason: SkipReason, field: string, detail: string) => {
      summary.skipped++;
      report.skipped.set(reason, (report.skipped.get(reason) ?? 0) + 1);
      if (report.errors.length < errorsShown) report.errors.push(`${source.name}:${line}: ${field}: ${detail}`);
    };
    const missing = (line: number, field: Field) => skip(line, `missing ${field}` as SkipReason, field, 'missing');

    const onRecord = (record: CsvRecord) => {
      const f = record.fields;
      if (columns === null) {
        const header = f.slice(0, record.count);
        columns = resolveColumns(header, options.preset, options.map, source.name);
        if (columns.recipient_id !== undefined) hasRecipient = true;
        headerCount = record.count;
        const keep = new Array<boolean>(headerCount).fill(false);
        for (const i of Object.values(columns)) keep[i as number] = true;
        reader!.setKeep(keep);
        return;
      }
      const c = columns;
      summary.rows++;
      const line = record.line;
      if (record.malformed !== null) return skip(line, 'malformed quotes', 'row', record.malformed);
      if (record.count !== headerCount) {
        return skip(line, 'wrong field count', 'row', `wrong field count (${record.count} fields, header has ${headerCount})`);
      }
      const id = f[c.message_id!]!.trim();
      if (id === '') return missing(line, 'message_id');
      const typeRaw = f[c.sender_type!]!;
      if (typeRaw.trim() === '') return missing(line, 'sender_type');
      const type = vocabularies.senderType.normalize(typeRaw).value;
      if (type !== 'patient' && type !== 'clinician' && type !== 'system') {
        return skip(line, 'unknown sender_type', 'sender_type', `unknown sender type (${showValue(typeRaw.trim())}); expected patient, clinician or system`);
      }
      const sentRaw = f[c.sent_at!]!;
      if (sentRaw.trim() === '') return missing(line, 'sent_at');
      const time = parseTimestamp(sentRaw, zone);
      if (Number.isNaN(time)) return skip(line, 'bad timestamp', 'sent_at', `bad timestamp (${showValue(sentRaw.trim())})`);
      let thread = '';
      let parent = '';
      if (c.thread_id !== undefined) {
        thread = f[c.thread_id]!.trim();
        if (thread === '') return missing(line, 'thread_id');
      } else {
        parent = f[c.parent_message_id!]!.trim();
      }
      const senderId = f[c.sender_id!]!.trim();
      const clinician = type === 'clinician';
      if (clinician && senderId === '') return missing(line, 'sender_id');
      const patientId = f[c.patient_id!]!.trim();
      if (patientId === '' && type !== 'system') return missing(line, 'patient_id');

      const key = messageIds.id(id);
      if (key === isMessage.length) isMessage.push(0);
      if (isMessage.get(key) === 1) {
        return skip(line, 'duplicate message_id', 'message_id', 'duplicate (the first row with this id is kept)');
      }
      isMessage.set(key, 1);
      if (type === 'system') {
        report.systemMessages++;
        return;
      }
      const local = time + zone.offsetAt(time);
      const day = Math.floor(local / MS_PER_DAY);
      if (range !== undefined && (day < range.since || day > range.until)) {
        report.outsideRange++;
        return;
      }
      summary.used++;
      utc.push(time);
      localDay.push(day);
      localMinute.push(Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE));
      messageKey.push(key);
      if (c.thread_id !== undefined) {
        threadTag.push(threadIds.id(thread));
        parentKey.push(-1);
      } else {
        threadTag.push(-1);
        const p = parent === '' || parent === id ? -1 : messageIds.id(parent);
        if (p === isMessage.length) isMessage.push(0);
        parentKey.push(p);
      }
      senderType.push(clinician ? SENDER_CLINICIAN : SENDER_PATIENT);
      sender.push(clinician ? users.id(senderId) : -1);
      const to = c.recipient_id === undefined ? '' : f[c.recipient_id]!.trim();
      recipient.push(to === '' ? -1 : users.id(to));
      patient.push(patients.id(patientId));
      let roleIndex = -1;
      if (clinician && c.sender_role !== undefined) {
        const r = vocabularies.role.normalize(f[c.sender_role]!).value;
        if (r !== UNKNOWN) roleIndex = roles.id(r);
      }
      role.push(roleIndex);
      let categoryIndex = -1;
      if (c.category !== undefined) {
        const value = vocabularies.category.normalize(f[c.category]!).value;
        if (value !== UNKNOWN) categoryIndex = categories.id(value);
      }
      category.push(categoryIndex);
      const dept = c.department === undefined ? '' : f[c.department]!.trim();
      department.push(dept === '' ? -1 : departments.id(dept));
      let settingIndex = -1;
      if (c.care_setting !== undefined) {
        const value = vocabularies.careSetting.normalize(f[c.care_setting]!).value;
        if (value !== UNKNOWN) settingIndex = careSettings.id(value);
      }
      careSetting.push(settingIndex);
    };

    try {
      for await (const chunk of readText(source)) {
        if (reader === null) {
          reader = new CsvReader(options.delimiter ?? delimiterForName(source.name) ?? sniffDelimiter(chunk), options.maxField);
        }
        reader.push(chunk, onRecord);
      }
      reader?.end(onRecord);
    } catch (error) {
      if (error instanceof CsvError) throw new InputError(`${source.name}:${error.line}: ${error.message}`);
      throw error;
    }
    if (reader === null) throw new InputError(`${source.name}: the file is empty (expected a header row and messages)`);
    if (columns === null) throw new InputError(`${source.name}: no header row found`);
    report.rowsRead += summary.rows;
    report.rowsUsed += summary.used;
    report.rowsSkipped += summary.skipped;
  }

  if (report.rowsUsed === 0) {
    const why =
      report.rowsRead === 0
        ? 'the input has a header but no rows'
        : report.rowsSkipped === report.rowsRead
          ? `all ${report.rowsRead} rows were skipped (${[...report.skipped].map(([r, n]) => `${r}: ${n}`).join(', ')})`
          : `none of the ${report.rowsRead} rows is a patient or clinician message${range ? ` dated ${describeRange(range)}` : ''}`;
    const lines = [`no usable rows in ${options.sources.map((s) => s.name).join(', ')}: ${why}`, ...report.errors.slice(0, 5).map((e) => `  ${e}`)];
    throw new InputError(lines.join('\n'));
  }

  const keys = messageKey.finish();
  const thread = buildThreads(keys, threadTag.finish(), parentKey.finish(), messageIds.size, threadIds.size);
  const store: MessageStore = {
    count: report.rowsUsed,
    utc: utc.finish(),
    localDay: localDay.finish(),
    localMinute: localMinute.finish(),
    thread: thread.thread,
    threadCount: thread.count,
    messageKey: keys,
    senderType: senderType.finish(),
    sender: sender.finish(),
    recipient: recipient.finish(),
    patient: patient.finish(),
    patientCount: patients.size,
    role: role.finish(),
    category: category.finish(),
    department: department.finish(),
    careSetting: careSetting.finish(),
    messageIds: messageIds.values,
    users: users.values,
    roles: roles.values,
    categories: categories.values,
    departments: departments.values,
    careSettings: careSettings.values,
    hasRecipient,
  };
  return { store, report };
}

/**
 * Thread index per message: by `thread_id` where given, otherwise the set of
 * messages linked through `parent_message_id` to the same root (union-find).
 */
function buildThreads(
  keys: Int32Array,
  tags: Int32Array,
  parents: Int32Array,
  keyCount: number,
  tagCount: number,
): { thread: Int32Array; count: number } {
  const root = new Int32Array(keyCount);
  for (let k = 0; k < keyCount; k++) root[k] = k;
  const find = (k: number): number => {
    while (root[k] !== k) {
      root[k] = root[root[k]!]!;
      k = root[k]!;
    }
    return k;
  };
  for (let i = 0; i < keys.length; i++) {
    const p = parents[i]!;
    if (p >= 0) {
      const a = find(keys[i]!), b = find(p);
      if (a !== b) root[a] = b;
    }
  }
  const byTag = new Int32Array(tagCount).fill(-1);
  const byRoot = new Int32Array(keyCount).fill(-1);
  const thread = new Int32Array(keys.length);
  let count = 0;
  for (let i = 0; i < keys.length; i++) {
    const tag = tags[i]!;
    if (tag >= 0) {
      if (byTag[tag] === -1) byTag[tag] = count++;
      thread[i] = byTag[tag]!;
    } else {
      const r = find(keys[i]!);
      if (byRoot[r] === -1) byRoot[r] = count++;
      thread[i] = byRoot[r]!;
    }
  }
  return { thread, count };
}

function describeRange(range: DayRange): string {
  if (!Number.isFinite(range.since)) return `up to ${formatDay(range.until)}`;
  if (!Number.isFinite(range.until)) return `from ${formatDay(range.since)} on`;
  return `${formatDay(range.since)} to ${formatDay(range.until)}`;
}
