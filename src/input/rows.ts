/**
 * The row step of the loader: a record (a row's fields as byte ranges, from
 * `csv.ts` or `xlsx.ts`) is checked and turned into typed values, which are
 * pushed onto the columns (SPEC 1, 3.1). Ids are interned by their bytes and
 * timestamps parsed from digits, so no string is made per field. Unusable
 * rows are skipped and counted by reason; a repeated message_id that differs
 * only in recipient_id adds a recipient, any other repeat is a duplicate (the
 * first row is kept); system messages are counted and left out.
 *
 * One RowReader holds everything a stream of rows builds: the main thread
 * runs one over the whole input, and for a large file a worker runs a second
 * over the file's second half (`parallel.ts`), merged afterwards.
 */
import { InputError } from '../errors.js';
import { ByteDictionary } from '../model/dictionary.js';
import { safeLabel } from '../model/labels.js';
import { Column, Interner, SENDER_CLINICIAN, SENDER_PATIENT } from '../model/store.js';
import { MS_PER_DAY, MS_PER_MINUTE, type Zone } from '../model/zone.js';
import type { CsvRecord } from './csv.js';
import { resolveColumns, type ColumnMap, type Field, type Preset } from './mapping.js';
import { IMPLAUSIBLE, parseTimestampBytes, timestampProblem } from './timestamp.js';
import { UNKNOWN, type Vocabularies, type Vocabulary } from './vocabulary.js';

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

/** A skipped row as the user is told of it: `file:line: field: reason (value)`. */
export interface RowError {
  source: string;
  line: number;
  text: string;
}

/** What the rows need to know of the run (the parts of LoadOptions a worker gets too). */
export interface RowSettings {
  preset: Preset;
  map: ReadonlyMap<Field, string>;
  /** Reporting zone: local dates and minutes. */
  zone: Zone;
  /** Zone of timestamps without an offset. */
  inputZone: Zone;
  /** `--time-format` as a parser, and its pattern for messages. */
  customTime: ((text: string, zone: Zone) => number) | null;
  timeFormat?: string | undefined;
  systemSenders: ReadonlySet<string>;
  asOf?: number | undefined;
  vocabularies: Vocabularies;
  /** How many row errors to keep as text. */
  errorsShown: number;
}

/**
 * How a value is shown in an error: short, with control characters escaped.
 * A long value is not shown at all: it is likely message text in a mis-mapped
 * column (SPEC 4: no message text in errors).
 */
export function showValue(value: string): string {
  if (value.length > 32) return `a value of ${value.length} characters: is a text column mapped here?`;
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Distinct values a role, category, department or care_setting column may hold (SPEC 3.1). */
export const MAX_DISTINCT_LABELS = 5000;

/**
 * A raw-value dictionary whose distinct values are normalised once through a
 * vocabulary; also tallies rows per raw value for the "unmatched" report.
 */
export class NormalizedField {
  readonly raw = new ByteDictionary();
  /** Code in `values` per raw id (-1 = unknown). */
  codes: number[] = [];
  /** Rows per raw id. */
  rows: number[] = [];
  /** The input being read, for the free-text error. */
  source = '';

  constructor(
    readonly field: Field,
    private readonly vocabulary: Vocabulary | null,
    readonly values: Interner,
  ) {}

  /** Index of the normalised value in `values`, or -1 when empty/unknown. */
  code(id: number): number {
    let code = this.codes[id];
    if (code === undefined) {
      code = this.normalize(id);
      this.codes[id] = code;
      this.rows[id] = 0;
    }
    this.rows[id]!++;
    return code;
  }

  /** The code of a raw value seen for the first time; refuses free text. */
  normalize(id: number): number {
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
    return value === UNKNOWN ? -1 : this.values.id(value);
  }

  /** Reports the rows of every raw value to the vocabulary. */
  finish(): void {
    if (!this.vocabulary) return;
    this.rows.forEach((rows, id) => this.vocabulary!.count(this.raw.value(id), rows));
  }
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Per message key: not seen yet, a system message, sent after --as-of; else its row. */
export const UNSEEN = -1;
export const SYSTEM = -2;
export const AFTER_AS_OF = -3;

/** The columns of the message store, by name. */
export const COLUMN_NAMES = ['utc', 'localDay', 'localMinute', 'messageKey', 'threadTag', 'parentKey', 'senderType', 'sender', 'recipient', 'patient', 'role', 'category', 'department', 'careSetting'] as const;
export type ColumnName = (typeof COLUMN_NAMES)[number];

/** The columns of the message store while it is built. */
export class MessageColumns {
  readonly utc = new Column(Float64Array);
  readonly localDay = new Column(Int32Array);
  readonly localMinute = new Column(Int16Array);
  readonly messageKey = new Column(Int32Array);
  readonly threadTag = new Column(Int32Array);
  readonly parentKey = new Column(Int32Array);
  readonly senderType = new Column(Uint8Array);
  readonly sender = new Column(Int32Array);
  readonly recipient = new Column(Int32Array);
  readonly patient = new Column(Int32Array);
  readonly role = new Column(Int32Array);
  readonly category = new Column(Int32Array);
  readonly department = new Column(Int32Array);
  readonly careSetting = new Column(Int32Array);

  get length(): number {
    return this.utc.length;
  }

  /** Rows every column has room for (at most: a column may have more, after a merge). */
  private room = 0;

  reserve(rows: number): void {
    let room = Infinity;
    for (const name of COLUMN_NAMES) {
      this[name].reserve(rows);
      room = Math.min(room, this[name].capacity);
    }
    this.room = room;
  }

  /**
   * Appends one message. Each column is written at its own site here, so
   * each store sees one kind of array; through a push method shared by all
   * columns the stores saw four kinds, and took 10 % of a load thread
   * (issue 16).
   */
  pushRow(utc: number, localDay: number, localMinute: number, messageKey: number, threadTag: number, parentKey: number, senderType: number, sender: number, recipient: number, patient: number, role: number, category: number, department: number, careSetting: number): void {
    const at = this.utc.length;
    if (at >= this.room) this.reserve(Math.max(2 * at, 1024));
    this.utc.data[at] = utc;
    this.localDay.data[at] = localDay;
    this.localMinute.data[at] = localMinute;
    this.messageKey.data[at] = messageKey;
    this.threadTag.data[at] = threadTag;
    this.parentKey.data[at] = parentKey;
    this.senderType.data[at] = senderType;
    this.sender.data[at] = sender;
    this.recipient.data[at] = recipient;
    this.patient.data[at] = patient;
    this.role.data[at] = role;
    this.category.data[at] = category;
    this.department.data[at] = department;
    this.careSetting.data[at] = careSetting;
    const length = at + 1;
    this.utc.length = this.localDay.length = this.localMinute.length = this.messageKey.length = this.threadTag.length = this.parentKey.length = this.senderType.length = length;
    this.sender.length = this.recipient.length = this.patient.length = this.role.length = this.category.length = this.department.length = this.careSetting.length = length;
  }
}

/** Reads rows into columns; see the module comment. */
export class RowReader {
  readonly messageIds = new ByteDictionary();
  /** Row of each message key (or UNSEEN, SYSTEM, AFTER_AS_OF). */
  readonly rowOfKey = new Column(Int32Array);
  /** sent_at of system messages and of messages after --as-of, by key (to tell recipient rows from duplicates). */
  readonly timeOfKey = new Map<number, number>();
  readonly threadIds = new ByteDictionary();
  readonly users = new ByteDictionary();
  readonly patients = new ByteDictionary();
  readonly roles = new Interner();
  readonly categories = new Interner();
  readonly departments = new Interner();
  readonly careSettings = new Interner();
  readonly senderTypes = new ByteDictionary();
  readonly roleField: NormalizedField;
  readonly categoryField: NormalizedField;
  readonly departmentField: NormalizedField;
  readonly careSettingField: NormalizedField;
  /** Sender type per raw id: 0 patient, 1 clinician, 2 system, -1 unknown. */
  private readonly typeOf: number[] = [];
  /** Whether a user id is a declared automated sender: 1 yes, 0 no (by user index, filled on first sight). */
  private readonly senderIsSystem: number[] = [];
  readonly extraRecipients = new Map<number, number[]>();
  readonly columns = new MessageColumns();
  hasRecipient = false;

  // What happened to the rows.
  readonly skipped = new Map<SkipReason, number>();
  readonly errors: RowError[] = [];
  systemMessages = 0;
  afterAsOf = 0;
  readonly systemBySender = new Map<string, number>();
  recipientRows = 0;
  readonly warnings: string[] = [];

  // The source being read.
  private summary: InputSummary = { name: '', rows: 0, used: 0, skipped: 0 };
  private map: ColumnMap | null = null;
  private headerCount = 0;

  // The current field's bytes, trimmed of spaces and tabs (escaped fields are unescaped first).
  private buf: Uint8Array = new Uint8Array(0);
  private fs = 0;
  private fe = 0;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  /** The current field as text, for the timestamp parser's error path (made once, not per row). */
  private readonly currentText = () => this.fieldText();

  constructor(private readonly settings: RowSettings) {
    const v = settings.vocabularies;
    this.roleField = new NormalizedField('sender_role', v.role, this.roles);
    this.categoryField = new NormalizedField('category', v.category, this.categories);
    this.departmentField = new NormalizedField('department', null, this.departments);
    this.careSettingField = new NormalizedField('care_setting', v.careSetting, this.careSettings);
    // Two parts of a file numbered in order share no message id, which the merge then need not look up.
    this.messageIds.trackRange();
  }

  get errorsShown(): number {
    return this.settings.errorsShown;
  }

  get normalizedFields(): NormalizedField[] {
    return [this.roleField, this.categoryField, this.departmentField, this.careSettingField];
  }

  /** Starts a source; its first record is its header unless `columns` are given (a worker's part of a file). */
  begin(summary: InputSummary, columns?: { map: ColumnMap; count: number }): void {
    this.summary = summary;
    this.map = columns?.map ?? null;
    this.headerCount = columns?.count ?? 0;
    for (const f of this.normalizedFields) f.source = summary.name;
  }

  /** Makes room for `rows` rows at once: the columns, and the message ids (one per row, about 12 bytes each). */
  reserve(rows: number): void {
    this.columns.reserve(rows);
    this.rowOfKey.reserve(rows);
    this.messageIds.reserve(rows, 12);
  }

  /** The current source's column map and header width (null before its header). */
  get header(): { map: ColumnMap; count: number } | null {
    return this.map === null ? null : { map: this.map, count: this.headerCount };
  }

  /** Where `lookAhead` puts the message ids it finds. */
  private aheadStarts = new Int32Array(0);
  private aheadEnds = new Int32Array(0);

  /**
   * Looks over a piece of text about to be read (`CsvReader.pushAhead`) for
   * each line's message id, and warms their hash-table slots
   * (`ByteDictionary.warm`). A hint only: a field found wrongly (a quoted
   * delimiter before it, a line broken inside quotes) warms a slot for
   * nothing, and the rows are read as they would be without it.
   */
  lookAhead(piece: Uint8Array, delimiter: number): void {
    const column = this.map?.message_id;
    // Ids in order so far are appended without a hash table: there is nothing to warm.
    if (column === undefined || this.messageIds.inOrder) return;
    if (this.aheadStarts.length < (piece.length >> 1) + 1) {
      this.aheadStarts = new Int32Array((piece.length >> 1) + 1);
      this.aheadEnds = new Int32Array((piece.length >> 1) + 1);
    }
    const starts = this.aheadStarts, ends = this.aheadEnds, n = piece.length;
    let count = 0;
    for (let line = 0; line < n; ) {
      let at = line;
      for (let skip = column; skip > 0 && at < n && piece[at] !== LF; at++) if (piece[at] === delimiter) skip--;
      if (piece[at] === QUOTE) at++;
      let end = at;
      while (end < n && piece[end] !== delimiter && piece[end] !== LF && piece[end] !== CR && piece[end] !== QUOTE) end++;
      if (end > at && end < n) {
        starts[count] = at;
        ends[count++] = end;
      }
      const lf = piece.indexOf(LF, end);
      if (lf < 0) break;
      line = lf + 1;
    }
    this.messageIds.warm(piece, starts, ends, count);
  }

  /** Reads one record (the handler given to the record readers). */
  readonly onRecord = (record: CsvRecord): void => {
    if (this.map === null) return this.readHeader(record);
    this.readRow(record, this.map);
  };

  private readHeader(record: CsvRecord): void {
    const names = record.texts();
    const name = this.summary.name;
    this.map = resolveColumns(names, this.settings.preset, this.settings.map, name);
    if (this.map.recipient_id !== undefined) this.hasRecipient = true;
    this.headerCount = record.count;
    const seen = new Set<string>();
    for (const n of names) {
      const key = n.trim().toLowerCase();
      if (key !== '' && seen.has(key)) this.warnings.push(`${name}: the header names ${JSON.stringify(n.trim().slice(0, 40))} more than once; the first such column is read`);
      seen.add(key);
    }
  }

  private skip(line: number, reason: SkipReason, field: string, detail: string): void {
    this.summary.skipped++;
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    if (this.errors.length < this.settings.errorsShown) this.errors.push({ source: this.summary.name, line, text: `${field}: ${detail}` });
  }

  private missing(line: number, field: Field): void {
    this.skip(line, `missing ${field}` as SkipReason, field, 'missing');
  }

  /** Selects field i of the record as the current bytes; false when it is empty. */
  private field(record: CsvRecord, i: number): boolean {
    if (record.escaped[i]) {
      this.buf = this.encoder.encode(record.text(i).replace(/^[ \t]+|[ \t]+$/g, ''));
      this.fs = 0;
      this.fe = this.buf.length;
    } else {
      const buf = (this.buf = record.buf);
      let fs = record.start[i]!, fe = record.end[i]!;
      while (fs < fe && (buf[fs] === SPACE || buf[fs] === TAB)) fs++;
      while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
      this.fs = fs;
      this.fe = fe;
    }
    return this.fe > this.fs;
  }

  private fieldText(): string {
    return this.decoder.decode(this.buf.subarray(this.fs, this.fe));
  }

  /** Categories seen when `systemCategoryCode` was looked up, and the code of `system` among them (-1: none). */
  private categoriesSeen = 0;
  private systemCategoryCode = -1;

  /** The code of the category `system` (-1 while there is none), looked up again only when a category is added. */
  private systemCategory(): number {
    if (this.categories.size !== this.categoriesSeen) {
      this.categoriesSeen = this.categories.size;
      this.systemCategoryCode = this.categories.values.indexOf('system');
    }
    return this.systemCategoryCode;
  }

  private isSystemSender(user: number): boolean {
    let flag = this.senderIsSystem[user];
    if (flag === undefined) flag = this.senderIsSystem[user] = this.settings.systemSenders.has(this.users.value(user)) ? 1 : 0;
    return flag === 1;
  }

  /** The code of a labelled field (role, category, …) of the record, or -1. */
  private label(record: CsvRecord, column: number | undefined, field: NormalizedField): number {
    return column !== undefined && this.field(record, column) ? field.code(field.raw.id(this.buf, this.fs, this.fe)) : -1;
  }

  /**
   * Gives a message key just added to the ids its place in rowOfKey (UNSEEN).
   * rowOfKey's array is read and written directly here and in `readRow`, as
   * pushRow writes the columns: one kind of array at each site.
   */
  private placeKey(key: number): void {
    const rowOfKey = this.rowOfKey;
    if (key !== rowOfKey.length) return;
    if (key === rowOfKey.capacity) rowOfKey.reserve(2 * key);
    rowOfKey.data[key] = UNSEEN;
    rowOfKey.length = key + 1;
  }

  private readRow(record: CsvRecord, c: ColumnMap): void {
    const { settings, columns } = this;
    this.summary.rows++;
    const line = record.line;
    if (record.malformed !== null) return this.skip(line, 'malformed quotes', 'row', record.malformed);
    if (record.count !== this.headerCount) {
      return this.skip(line, 'wrong field count', 'row', `wrong field count (${record.count} fields, header has ${this.headerCount})`);
    }
    if (!this.field(record, c.message_id!)) return this.missing(line, 'message_id');
    const idStart = this.fs, idEnd = this.fe, idBuf = this.buf;
    if (!this.field(record, c.sender_type!)) return this.missing(line, 'sender_type');
    const typeId = this.senderTypes.id(this.buf, this.fs, this.fe);
    let type = this.typeOf[typeId];
    if (type === undefined) {
      const value = settings.vocabularies.senderType.normalize(this.senderTypes.value(typeId)).value;
      type = this.typeOf[typeId] = value === 'patient' ? 0 : value === 'clinician' ? 1 : value === 'system' ? 2 : -1;
    }
    if (type < 0) {
      return this.skip(line, 'unknown sender_type', 'sender_type', `unknown sender type (${showValue(this.fieldText())}); expected patient, clinician or system`);
    }
    if (!this.field(record, c.sent_at!)) return this.missing(line, 'sent_at');
    const time = settings.customTime === null ? parseTimestampBytes(this.buf, this.fs, this.fe, settings.inputZone, this.currentText) : settings.customTime(this.fieldText(), settings.inputZone);
    if (Number.isNaN(time)) {
      const problem = settings.customTime === null ? timestampProblem(this.fieldText()) : `does not match --time-format '${settings.timeFormat}'`;
      return this.skip(line, 'bad timestamp', 'sent_at', `bad timestamp (${showValue(this.fieldText())}): ${problem}`);
    }
    if (time === IMPLAUSIBLE) return this.skip(line, 'implausible date', 'sent_at', `implausible date (${showValue(this.fieldText())}): years before 1990 or after 2099 are placeholders, not send times`);
    let thread = -1;
    let parentStart = 0, parentEnd = 0, parentBuf: Uint8Array | null = null;
    if (c.thread_id !== undefined) {
      if (!this.field(record, c.thread_id)) return this.missing(line, 'thread_id');
      thread = this.threadIds.id(this.buf, this.fs, this.fe);
    } else if (this.field(record, c.parent_message_id!)) {
      parentBuf = this.buf === record.buf ? this.buf : this.buf.slice();
      parentStart = this.fs;
      parentEnd = this.fe;
    }
    let senderUser = -1;
    if (type === SENDER_CLINICIAN) {
      if (!this.field(record, c.sender_id!)) return this.missing(line, 'sender_id');
      senderUser = this.users.id(this.buf, this.fs, this.fe);
    }
    let patientIndex = -1;
    if (this.field(record, c.patient_id!)) patientIndex = this.patients.id(this.buf, this.fs, this.fe);
    else if (type !== 2) return this.missing(line, 'patient_id');
    const categoryCode = this.label(record, c.category, this.categoryField);
    // Automated: by sender type, by category (system message, Epic type 999), or a declared sender (SPEC 1.3).
    let systemSender = -1;
    if (type !== 2 && categoryCode >= 0 && categoryCode === this.systemCategory()) type = 2;
    if (type === SENDER_CLINICIAN && settings.systemSenders.size > 0 && this.isSystemSender(senderUser)) {
      type = 2;
      systemSender = senderUser;
    }
    let recipientUser = -1;
    if (c.recipient_id !== undefined && this.field(record, c.recipient_id)) recipientUser = this.users.id(this.buf, this.fs, this.fe);
    else if (c.recipient_fallback !== undefined && this.field(record, c.recipient_fallback)) recipientUser = this.users.id(this.buf, this.fs, this.fe);

    const key = this.messageIds.id(idBuf, idStart, idEnd);
    const rowOfKey = this.rowOfKey;
    this.placeKey(key);
    const seen = rowOfKey.data[key]!;
    if (seen !== UNSEEN) {
      if (seen >= 0 ? this.recipientRow(seen, time, type, thread, senderUser, patientIndex, categoryCode, recipientUser) : this.timeOfKey.get(key) === time) {
        this.summary.used++;
        this.recipientRows++;
        return;
      }
      return this.skip(line, 'duplicate message_id', 'message_id', 'duplicate (the first row with this id is kept)');
    }
    if (type === 2) {
      rowOfKey.set(key, SYSTEM);
      this.timeOfKey.set(key, time);
      this.systemMessages++;
      if (systemSender >= 0) {
        const id = this.users.value(systemSender);
        this.systemBySender.set(id, (this.systemBySender.get(id) ?? 0) + 1);
      }
      return;
    }
    if (settings.asOf !== undefined && time > settings.asOf) {
      rowOfKey.set(key, AFTER_AS_OF);
      this.timeOfKey.set(key, time);
      this.afterAsOf++;
      return;
    }
    const local = time + settings.zone.offsetAt(time);
    const day = Math.floor(local / MS_PER_DAY);
    rowOfKey.data[key] = columns.length;
    this.summary.used++;
    let parent = -1;
    if (parentBuf !== null) {
      parent = this.messageIds.id(parentBuf, parentStart, parentEnd);
      this.placeKey(parent);
      if (parent === key) parent = -1;
    }
    const role = type === SENDER_CLINICIAN ? this.label(record, c.sender_role, this.roleField) : -1;
    const department = this.label(record, c.department, this.departmentField);
    const careSetting = this.label(record, c.care_setting, this.careSettingField);
    columns.pushRow(time, day, Math.floor((local - day * MS_PER_DAY) / MS_PER_MINUTE), key, thread, parent, type === SENDER_CLINICIAN ? SENDER_CLINICIAN : SENDER_PATIENT, senderUser, recipientUser, patientIndex, role, categoryCode, department, careSetting);
  }

  /**
   * Whether a repeated message id is the same message for another recipient
   * (SPEC 1.1): the same time, sender type, thread, sender, patient and
   * category as the row kept; the recipient is added when it is new.
   */
  private recipientRow(row: number, time: number, type: number, thread: number, senderUser: number, patientIndex: number, categoryCode: number, recipientUser: number): boolean {
    const c = this.columns;
    if (type === 2 || c.utc.get(row) !== time || c.senderType.get(row) !== type || c.sender.get(row) !== senderUser) return false;
    if (c.patient.get(row) !== patientIndex || c.category.get(row) !== categoryCode || (thread >= 0 && c.threadTag.get(row) !== thread)) return false;
    const first = c.recipient.get(row);
    if (recipientUser < 0 || recipientUser === first) return true;
    if (first < 0) {
      c.recipient.set(row, recipientUser);
      return true;
    }
    const more = this.extraRecipients.get(row);
    if (more === undefined) this.extraRecipients.set(row, [recipientUser]);
    else if (!more.includes(recipientUser)) more.push(recipientUser);
    return true;
  }
}
