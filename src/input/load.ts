import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { ByteDictionary } from '../model/dictionary.js';
import { safeLabel } from '../model/labels.js';
import { Column, Interner, SENDER_CLINICIAN, SENDER_PATIENT, type MessageStore } from '../model/store.js';
import { MS_PER_DAY, MS_PER_MINUTE, type Zone } from '../model/zone.js';
import type { CsvRecord } from './csv.js';
import type { Encoding } from './encoding.js';
import { resolveColumns, type ColumnMap, type Field, type Preset } from './mapping.js';
import { readRecords } from './records.js';
import type { InputSource } from './source.js';
import { customTimeParser, IMPLAUSIBLE, parseTimestampBytes, timestampProblem } from './timestamp.js';
import { UNKNOWN, type Vocabularies, type Vocabulary } from './vocabulary.js';

export interface LoadOptions {
  sources: readonly InputSource[];
  preset: Preset;
  map: ReadonlyMap<Field, string>;
  /** Explicit delimiter; otherwise `.tsv` names mean tab, else sniffed from the header. */
  delimiter?: string | undefined;
  /** Explicit quoting; otherwise on, except for tab-separated text. */
  quote?: boolean | undefined;
  encoding?: Encoding | undefined;
  /** Worksheet of an .xlsx workbook. */
  sheet?: string | undefined;
  /** `--time-format` pattern (date-fns tokens). */
  timeFormat?: string | undefined;
  /** Reporting zone: local dates and minutes. */
  zone: Zone;
  /** Zone of timestamps without an offset (default: the reporting zone). */
  inputZone?: Zone | undefined;
  /** Sender ids whose messages are automated (SPEC 1.3). */
  systemSenders?: readonly string[] | undefined;
  /** --as-of: messages sent after it are left out, as if the export had been taken then (SPEC 2 "Scope"). */
  asOf?: number | undefined;
  vocabularies: Vocabularies;
  /** How many row errors to keep as text (default 10). */
  errorsShown?: number;
  /** Largest field accepted, in bytes (default 1 MiB). */
  maxField?: number;
  /** Called with the bytes read so far, for progress bars. */
  onProgress?: (bytes: number) => void;
}

/** Reasons a row is skipped (SPEC 3.1). */
export type SkipReason =
  | 'wrong field count'
  | 'malformed quotes'
  | 'missing message_id'
  | 'missing thread_id'
  | 'missing sent_at'
  | 'bad timestamp'
  | 'implausible date'
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
  /** `xlsx`, or the text's encoding and delimiter, e.g. `utf-8, tab-separated`. */
  format?: string;
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
  /** Valid messages sent after --as-of, left out. */
  afterAsOf: number;
  /** Messages made automated by --system-senders, by sender id. */
  systemBySender: Map<string, number>;
  /** Further rows of a message, one per recipient (SPEC 1.1). */
  recipientRows: number;
  /** Naive times in a spring-forward gap (moved forward) and in a fall-back overlap (earlier instant). */
  dstGapTimes: number;
  dstAmbiguousTimes: number;
  /** What the user should know: encodings guessed, duplicate header names. */
  warnings: string[];
}

export interface Loaded {
  store: MessageStore;
  report: LoadReport;
}

/**
 * How a value is shown in an error: short, with control characters escaped.
 * A long value is not shown at all: it is likely message text in a mis-mapped
 * column (SPEC 4: no message text in errors).
 */
export function showValue(value: string): string {
  if (value.length > 32) return `a value of ${value.length} characters: is a text column mapped here?`;
  const short = value;
  return short.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A raw-value dictionary whose distinct values are normalised once through a
 * vocabulary; also tallies rows per raw value for the "unmatched" report.
 */
class NormalizedField {
  readonly raw = new ByteDictionary();
  private codes: number[] = [];
  private rows: number[] = [];
  /** The input being read, for the free-text error. */
  source = '';

  constructor(
    private readonly field: Field,
    private readonly vocabulary: Vocabulary | null,
    private readonly values: Interner,
  ) {}

  /** Index of the normalised value in `values`, or -1 when empty/unknown. */
  code(id: number): number {
    let code = this.codes[id];
    if (code === undefined) {
      // Message text mapped by mistake: refuse before any of it reaches an output (SPEC 3.1, 4).
      const why =
        id >= MAX_DISTINCT_LABELS ? `has more than ${MAX_DISTINCT_LABELS.toLocaleString('en-US')} distinct values`
        : /[\r\n]/.test(this.raw.value(id)) ? 'has values with line breaks'
        : undefined;
      if (why !== undefined) {
        throw new InputError(
          `${this.source}: ${this.field}: the mapped column ${why}: it holds free text, not a coded ${this.field.replace('_', ' ')}; map a coded column instead (--map ${this.field}=COLUMN)`,
        );
      }
      const text = this.raw.value(id);
      const value = this.vocabulary ? this.vocabulary.normalize(text).value : text.trim() === '' ? UNKNOWN : safeLabel(text.trim());
      code = value === UNKNOWN ? -1 : this.values.id(value);
      this.codes[id] = code;
      this.rows[id] = 0;
    }
    this.rows[id]!++;
    return code;
  }

  /** Reports the rows of every raw value to the vocabulary. */
  finish(): void {
    if (!this.vocabulary) return;
    this.rows.forEach((rows, id) => this.vocabulary!.count(this.raw.value(id), rows));
  }
}

const SPACE = 32;
const TAB = 9;

/** Distinct values a role, category, department or care_setting column may hold (SPEC 3.1). */
export const MAX_DISTINCT_LABELS = 5000;

/** Per message key: not seen yet, a system message, sent after --as-of; else its row. */
const UNSEEN = -1;
const SYSTEM = -2;
const AFTER_AS_OF = -3;

/**
 * Reads every source in one streaming pass into a column store, validating
 * each row (SPEC 1, 3.1): chunks of text or workbook rows become records
 * (`records.ts`), each record is checked and turned into a row of typed
 * values here, and the values are pushed onto columns. Fields are read as
 * byte ranges: ids are interned by their bytes and timestamps parsed from
 * digits, so no string is made per field. Unusable rows are skipped and
 * counted by reason; a repeated message_id that differs only in
 * recipient_id adds a recipient, any other repeat is a duplicate (the first
 * row is kept); system messages are counted and left out. Throws InputError
 * when a file cannot be read, lacks required columns, or no row is usable.
 */
export async function loadMessages(options: LoadOptions): Promise<Loaded> {
  const { zone, vocabularies, asOf } = options;
  const inputZone = options.inputZone ?? zone;
  inputZone.gapTimes = 0;
  inputZone.ambiguousTimes = 0;
  const customTime = options.timeFormat === undefined ? null : await customTimeParser(options.timeFormat);
  const errorsShown = options.errorsShown ?? 10;
  const report: LoadReport = {
    inputs: [],
    rowsRead: 0,
    rowsUsed: 0,
    rowsSkipped: 0,
    skipped: new Map(),
    errors: [],
    systemMessages: 0,
    afterAsOf: 0,
    systemBySender: new Map(),
    recipientRows: 0,
    dstGapTimes: 0,
    dstAmbiguousTimes: 0,
    warnings: [],
  };

  const messageIds = new ByteDictionary();
  const rowOfKey = new Column(Int32Array);
  /** sent_at of system messages and of messages after --as-of, by key (to tell recipient rows from duplicates). */
  const timeOfKey = new Map<number, number>();
  const threadIds = new ByteDictionary();
  const users = new ByteDictionary();
  const patients = new ByteDictionary();
  const roles = new Interner();
  const categories = new Interner();
  const departments = new Interner();
  const careSettings = new Interner();
  const senderTypes = new ByteDictionary();
  const roleField = new NormalizedField('sender_role', vocabularies.role, roles);
  const categoryField = new NormalizedField('category', vocabularies.category, categories);
  const departmentField = new NormalizedField('department', null, departments);
  const careSettingField = new NormalizedField('care_setting', vocabularies.careSetting, careSettings);
  // Sender type per raw id: 0 patient, 1 clinician, 2 system, -1 unknown.
  const typeOf: number[] = [];
  // Whether a user id is a declared automated sender: 1 yes, 0 no (by user index, filled on first sight).
  const systemSenders = new Set(options.systemSenders ?? []);
  const senderIsSystem: number[] = [];
  const extraRecipients = new Map<number, number[]>();

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
  const columnsOfStore = [utc, localDay, localMinute, messageKey, threadTag, parentKey, senderType, sender, recipient, patient, role, category, department, careSetting];
  let hasRecipient = false;
  let bytesRead = 0;

  /**
   * Sizes the columns and the message-id dictionary once, from the file size
   * and the rows in its first chunk, so they do not double (and briefly
   * triple) past the real size on a multi-million-row export.
   */
  const reserve = (source: InputSource, first: Uint8Array) => {
    if (source.path === null) return; // standard input: size unknown
    const size = textSize(source.path);
    if (size === undefined) return;
    // Rows, not line breaks: a file of blank lines must not reserve billions of rows (issue 13).
    let lines = 0;
    for (let i = 1; i < first.length; i++) if (first[i - 1] === 10 && first[i] !== 10 && first[i] !== 13) lines++;
    if (lines < 2 || size < 1 << 22) return;
    // At most one row per 24 bytes (a message row is longer), and never past 2^27 rows at once.
    const rows = utc.length + Math.min(Math.ceil((size / first.length) * lines * 1.03), Math.ceil(size / 24), 1 << 27);
    checkMemoryFor(rows, source.name, size);
    for (const column of columnsOfStore) column.reserve(rows);
    rowOfKey.reserve(rows);
    messageIds.reserve(rows, 12);
  };

  for (const source of options.sources) {
    const summary: InputSummary = { name: source.name, rows: 0, used: 0, skipped: 0 };
    report.inputs.push(summary);
    for (const f of [roleField, categoryField, departmentField, careSettingField]) f.source = source.name;
    let columns: ColumnMap | null = null;
    let headerCount = 0;

    const skip = (line: number, reason: SkipReason, field: string, detail: string) => {
      summary.skipped++;
      report.skipped.set(reason, (report.skipped.get(reason) ?? 0) + 1);
      if (report.errors.length < errorsShown) report.errors.push(`${source.name}:${line}: ${field}: ${detail}`);
    };
    const missing = (line: number, field: Field) => skip(line, `missing ${field}` as SkipReason, field, 'missing');

    // The current field's bytes, trimmed of spaces and tabs (escaped fields are unescaped first).
    let buf: Uint8Array = new Uint8Array(0);
    let fs = 0;
    let fe = 0;
    const encoder = new TextEncoder();
    const field = (record: CsvRecord, i: number): boolean => {
      if (record.escaped[i]) {
        buf = encoder.encode(record.text(i).replace(/^[ \t]+|[ \t]+$/g, ''));
        fs = 0;
        fe = buf.length;
      } else {
        buf = record.buf;
        fs = record.start[i]!;
        fe = record.end[i]!;
        while (fs < fe && (buf[fs] === SPACE || buf[fs] === TAB)) fs++;
        while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
      }
      return fe > fs;
    };
    const fieldText = () => new TextDecoder().decode(buf.subarray(fs, fe));
    const readTime = (): number => (customTime === null ? parseTimestampBytes(buf, fs, fe, inputZone, fieldText) : customTime(fieldText(), inputZone));
    const isSystemSender = (user: number): boolean => {
      let flag = senderIsSystem[user];
      if (flag === undefined) flag = senderIsSystem[user] = systemSenders.has(users.value(user)) ? 1 : 0;
      return flag === 1;
    };

    const header = (record: CsvRecord) => {
      const names = record.texts();
      columns = resolveColumns(names, options.preset, options.map, source.name);
      if (columns.recipient_id !== undefined) hasRecipient = true;
      headerCount = record.count;
      const seen = new Set<string>();
      for (const name of names) {
        const key = name.trim().toLowerCase();
        if (key !== '' && seen.has(key)) report.warnings.push(`${source.name}: the header names ${JSON.stringify(name.trim().slice(0, 40))} more than once; the first such column is read`);
        seen.add(key);
      }
    };

    const onRecord = (record: CsvRecord) => {
      if (columns === null) return header(record);
      const c = columns as ColumnMap;
      summary.rows++;
      const line = record.line;
      if (record.malformed !== null) return skip(line, 'malformed quotes', 'row', record.malformed);
      if (record.count !== headerCount) {
        return skip(line, 'wrong field count', 'row', `wrong field count (${record.count} fields, header has ${headerCount})`);
      }
      if (!field(record, c.message_id!)) return missing(line, 'message_id');
      const idStart = fs, idEnd = fe, idBuf = buf;
      if (!field(record, c.sender_type!)) return missing(line, 'sender_type');
      const typeId = senderTypes.id(buf, fs, fe);
      let type = typeOf[typeId];
      if (type === undefined) {
        const value = vocabularies.senderType.normalize(senderTypes.value(typeId)).value;
        type = typeOf[typeId] = value === 'patient' ? 0 : value === 'clinician' ? 1 : value === 'system' ? 2 : -1;
      }
      if (type < 0) {
        return skip(line, 'unknown sender_type', 'sender_type', `unknown sender type (${showValue(fieldText())}); expected patient, clinician or system`);
      }
      if (!field(record, c.sent_at!)) return missing(line, 'sent_at');
      const time = readTime();
      if (Number.isNaN(time)) {
        const problem = customTime === null ? timestampProblem(fieldText()) : `does not match --time-format '${options.timeFormat}'`;
        return skip(line, 'bad timestamp', 'sent_at', `bad timestamp (${showValue(fieldText())}): ${problem}`);
      }
      if (time === IMPLAUSIBLE) return skip(line, 'implausible date', 'sent_at', `implausible date (${showValue(fieldText())}): years before 1990 or after 2099 are placeholders, not send times`);
      let thread = -1;
      let parentStart = 0, parentEnd = 0, parentBuf: Uint8Array | null = null;
      if (c.thread_id !== undefined) {
        if (!field(record, c.thread_id)) return missing(line, 'thread_id');
        thread = threadIds.id(buf, fs, fe);
      } else if (field(record, c.parent_message_id!)) {
        parentBuf = buf === record.buf ? buf : buf.slice();
        parentStart = fs;
        parentEnd = fe;
      }
      let senderUser = -1;
      if (type === SENDER_CLINICIAN) {
        if (!field(record, c.sender_id!)) return missing(line, 'sender_id');
        senderUser = users.id(buf, fs, fe);
      }
      let patientIndex = -1;
      if (field(record, c.patient_id!)) patientIndex = patients.id(buf, fs, fe);
      else if (type !== 2) return missing(line, 'patient_id');
      const categoryCode = c.category !== undefined && field(record, c.category) ? categoryField.code(categoryField.raw.id(buf, fs, fe)) : -1;
      // Automated: by sender type, by category (system message, Epic type 999), or a declared sender (SPEC 1.3).
      let systemSender: number = -1;
      if (type !== 2 && categoryCode >= 0 && categories.values[categoryCode] === 'system') type = 2;
      if (type === SENDER_CLINICIAN && systemSenders.size > 0 && isSystemSender(senderUser)) {
        type = 2;
        systemSender = senderUser;
      }
      let recipientUser = -1;
      if (c.recipient_id !== undefined && field(record, c.recipient_id)) recipientUser = users.id(buf, fs, fe);
      else if (c.recipient_fallback !== undefined && field(record, c.recipient_fallback)) recipientUser = users.id(buf, fs, fe);

      const key = messageIds.id(idBuf, idStart, idEnd);
      if (key === rowOfKey.length) rowOfKey.push(UNSEEN);
      const seen = rowOfKey.get(key);
      if (seen !== UNSEEN) {
        if (seen >= 0 ? recipientRow(seen, time, type, thread, senderUser, patientIndex, categoryCode, recipientUser) : timeOfKey.get(key) === time) {
          summary.used++;
          report.recipientRows++;
          return;
        }
        return skip(line, 'duplicate message_id', 'message_id', 'duplicate (the first row with this id is kept)');
      }
      if (type === 2) {
        rowOfKey.set(key, SYSTEM);
        timeOfKey.set(key, time);
        report.systemMessages++;
        if (systemSender >= 0) {
          const id = users.value(systemSender);
          report.systemBySender.set(id, (report.systemBySender.get(id) ?? 0) + 1);
        }
        return;
      }
      if (asOf !== undefined && time > asOf) {
        rowOfKey.set(key, AFTER_AS_OF);
        timeOfKey.set(key, time);
        report.afterAsOf++;
        return;
      }
      const local = time + zone.offsetAt(time);
      const day = Math.floor(local / MS_PER_DAY);
      rowOfKey.set(key, utc.length);
      summary.used++;
      utc.push(time);
      localDay.push(day);
      localMinute.push(Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE));
      messageKey.push(key);
      threadTag.push(thread);
      let parent = -1;
      if (parentBuf !== null) {
        parent = messageIds.id(parentBuf, parentStart, parentEnd);
        if (parent === rowOfKey.length) rowOfKey.push(UNSEEN);
        if (parent === key) parent = -1;
      }
      parentKey.push(parent);
      senderType.push(type === SENDER_CLINICIAN ? SENDER_CLINICIAN : SENDER_PATIENT);
      sender.push(senderUser);
      recipient.push(recipientUser);
      patient.push(patientIndex);
      role.push(type === SENDER_CLINICIAN && c.sender_role !== undefined && field(record, c.sender_role) ? roleField.code(roleField.raw.id(buf, fs, fe)) : -1);
      category.push(categoryCode);
      department.push(c.department !== undefined && field(record, c.department) ? departmentField.code(departmentField.raw.id(buf, fs, fe)) : -1);
      careSetting.push(c.care_setting !== undefined && field(record, c.care_setting) ? careSettingField.code(careSettingField.raw.id(buf, fs, fe)) : -1);
    };

    /**
     * Whether a repeated message id is the same message for another recipient
     * (SPEC 1.1): the same time, sender type, thread, sender, patient and
     * category as the row kept; the recipient is added when it is new.
     */
    const recipientRow = (row: number, time: number, type: number, thread: number, senderUser: number, patientIndex: number, categoryCode: number, recipientUser: number): boolean => {
      if (type === 2 || utc.get(row) !== time || senderType.get(row) !== type || sender.get(row) !== senderUser) return false;
      if (patient.get(row) !== patientIndex || category.get(row) !== categoryCode || (thread >= 0 && threadTag.get(row) !== thread)) return false;
      const first = recipient.get(row);
      if (recipientUser < 0 || recipientUser === first) return true;
      if (first < 0) {
        recipient.set(row, recipientUser);
        return true;
      }
      const more = extraRecipients.get(row);
      if (more === undefined) extraRecipients.set(row, [recipientUser]);
      else if (!more.includes(recipientUser)) more.push(recipientUser);
      return true;
    };

    const facts = await readRecords(
      source,
      {
        delimiter: options.delimiter,
        quote: options.quote,
        encoding: options.encoding,
        sheet: options.sheet,
        maxField: options.maxField,
        onProgress: (bytes) => {
          options.onProgress?.(bytes);
          bytesRead = bytes;
        },
        onFirstChunk: (chunk) => reserve(source, chunk),
      },
      onRecord,
      bytesRead,
    );
    if (facts === null) throw new InputError(`${source.name}: the file is empty (expected a header row and messages)`);
    if (columns === null) throw new InputError(`${source.name}: no header row found`);
    report.warnings.push(...facts.warnings);
    summary.format = facts.kind === 'xlsx' ? 'xlsx' : `${facts.encoding}${facts.delimiter === '\t' ? ', tab-separated' : facts.delimiter && facts.delimiter !== ',' ? `, ${facts.delimiter}-separated` : ''}`;
    report.rowsRead += summary.rows;
    report.rowsUsed += summary.used;
    report.rowsSkipped += summary.skipped;
  }
  for (const f of [roleField, categoryField, careSettingField]) f.finish();
  report.dstGapTimes = inputZone.gapTimes;
  report.dstAmbiguousTimes = inputZone.ambiguousTimes;

  if (utc.length === 0) {
    const why =
      report.rowsRead === 0
        ? 'the input has a header but no rows'
        : report.rowsSkipped === report.rowsRead
          ? `all ${report.rowsRead} rows were skipped (${[...report.skipped].map(([r, n]) => `${r}: ${n}`).join(', ')})`
          : `none of the ${report.rowsRead} rows is a patient or clinician message${asOf !== undefined ? ' sent by --as-of' : ''}`;
    const lines = [`no usable rows in ${options.sources.map((s) => s.name).join(', ')}: ${why}`, ...report.errors.slice(0, 5).map((e) => `  ${e}`)];
    throw new InputError(lines.join('\n'));
  }

  messageIds.freeze();
  const keys = messageKey.finish();
  const thread = buildThreads(keys, threadTag.finish(), parentKey.finish(), messageIds.size, threadIds.size);
  const store: MessageStore = {
    count: utc.length,
    utc: utc.finish(),
    localDay: localDay.finish(),
    localMinute: localMinute.finish(),
    thread: thread.thread,
    threadCount: thread.count,
    messageKey: keys,
    senderType: senderType.finish(),
    sender: sender.finish(),
    recipient: recipient.finish(),
    extraRecipients,
    patient: patient.finish(),
    patientCount: patients.size,
    role: role.finish(),
    category: category.finish(),
    department: department.finish(),
    careSetting: careSetting.finish(),
    messageIds,
    users: users.values(),
    roles: roles.values,
    categories: categories.values,
    departments: departments.values,
    careSettings: careSettings.values,
    hasRecipient,
  };
  return { store, report };
}

/** Memory one message takes through the whole run: columns, id tables, threads, metric arrays (measured: ~110 bytes). */
const BYTES_PER_MESSAGE = 160;

/**
 * Refuses, before allocating, an input that cannot fit under the process's
 * address-space limit (`ulimit -v`): past it V8 aborts instead of throwing
 * (SPEC 3.1: exit 2 with advice, never an abort). Linux only; elsewhere, or
 * without a limit, nothing is checked.
 */
function checkMemoryFor(rows: number, name: string, size: number): void {
  let limit = Infinity, used = 0;
  try {
    const limits = /Max address space\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (limits) limit = Number(limits[1]);
    const status = /VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (status) used = Number(status[1]) * 1024;
  } catch {
    return;
  }
  // Room for V8 to grow its own heap besides the columns.
  const needed = used + rows * BYTES_PER_MESSAGE + 512 * 1024 * 1024;
  if (needed > limit) {
    throw new RangeError(`out of memory: ${name} (${(size / 1e9).toFixed(2)} GB, about ${rows.toLocaleString('en-US')} rows) needs about ${(needed / 1e9).toFixed(1)} GB of address space; the limit is ${(limit / 1e9).toFixed(1)} GB`);
  }
}

/**
 * The size of a file's text: its size, or for gzip the uncompressed size in
 * its trailer (ISIZE, modulo 4 GiB, of the last member: an underestimate
 * then only means the columns grow as usual).
 */
function textSize(path: string): number | undefined {
  try {
    // Only a regular file: opening a FIFO again would wait for a second writer (issue 13).
    const info = statSync(path);
    if (!info.isFile()) return undefined;
    const size = info.size;
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(2);
      readSync(fd, head, 0, 2, 0);
      if (head[0] !== 0x1f || head[1] !== 0x8b || size < 18) return size;
      const tail = Buffer.alloc(4);
      readSync(fd, tail, 0, 4, size - 4);
      return tail.readUInt32LE(0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
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
