/**
 * The parallel loader (issue 16, SPEC 6): a large plain file is read by two
 * threads. The main thread reads from the start; a worker (`load-worker.ts`)
 * reads from the first line start after the middle, with its own RowReader.
 * When the main thread reaches that byte, it checks that a record really
 * starts there (the split could fall inside a quoted field) and that the
 * text was UTF-8 all the way, then merges the worker's rows: its ids are
 * merged into the main dictionaries (`ByteDictionary.merge`, which gives the
 * ids one thread would have given), its columns are appended with the ids
 * translated, and its counts, errors and recipients are added. The store is
 * the one the serial loader builds, value for value (`test/parallel.test.ts`).
 *
 * Whenever the worker's part cannot be used as it is — the split fell inside
 * a quoted field, a message id of its part was already a row in the first
 * (a duplicate or a further recipient across the split), the worker failed
 * or met something that stops reading — the main thread reads the second
 * half itself, exactly as the serial loader does, so errors and their line
 * numbers are the serial loader's too.
 */
import { availableParallelism } from 'node:os';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { DictionaryState } from '../model/dictionary.js';
import { isShared } from '../model/shared.js';
import type { Column } from '../model/store.js';
import type { Encoding } from './encoding.js';
import type { ColumnMap, Field, Preset } from './mapping.js';
import { COLUMN_NAMES, UNSEEN, type ColumnName, type RowError, type RowReader, type SkipReason } from './rows.js';
import type { ExtraSynonyms } from './vocabulary.js';

/** Files smaller than this are read by one thread (a worker takes about 50 ms to start). */
export const PARALLEL_MIN_BYTES = 32 << 20;

/** Whether to use a second thread (to read, and for the report's tables): `MSGWORK_THREADS=1` turns it off; off on a single core. */
export function parallelAllowed(): boolean {
  const threads = process.env.MSGWORK_THREADS;
  if (threads !== undefined && threads.trim() !== '') return Number(threads) > 1;
  return availableParallelism() > 1;
}

/**
 * The main thread's share of a file: a little over half, as the worker also
 * has to post its rows. On the benchmark export (profiled runs), the merge
 * started 4.7–5.1 s into the run with half, 4.3–4.5 s with 0.51, and
 * 4.3–4.7 s with 0.52, when the worker was the one waiting.
 */
export const SPLIT_SHARE = 0.51;

/**
 * Where to split a file: the byte after the first line feed at or after
 * `share` of it, or undefined when the file is not a plain text file this
 * large (gzip and workbooks are read by one thread).
 */
export function splitPoint(path: string, minBytes: number, share = SPLIT_SHARE): { at: number; size: number } | undefined {
  let fd: number | undefined;
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size < Math.max(minBytes, 2)) return undefined;
    fd = openSync(path, 'r');
    const head = new Uint8Array(4);
    readSync(fd, head, 0, 4, 0);
    if ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x50 && head[1] === 0x4b)) return undefined;
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return undefined;
    const from = Math.max(1, Math.min(Math.floor(info.size * share), info.size - 1));
    const window = new Uint8Array(1 << 16);
    for (let at = from; at < info.size && at < from + (1 << 22); at += window.length) {
      const read = readSync(fd, window, 0, window.length, at);
      const lf = window.subarray(0, read).indexOf(10);
      if (lf >= 0) return at + lf + 1 < info.size ? { at: at + lf + 1, size: info.size } : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** What the worker is asked to read. */
export interface PartJob {
  path: string;
  name: string;
  start: number;
  /** Rows to make room for. */
  rows: number;
  delimiter: string;
  quoting: boolean;
  maxField?: number | undefined;
  /** `--encoding utf-8` given: bytes are not checked. */
  encoding?: Encoding | undefined;
  header: { map: ColumnMap; count: number };
  preset: Preset;
  map: [Field, string][];
  zone: string;
  inputZone: string;
  timeFormat?: string | undefined;
  systemSenders: string[];
  asOf?: number | undefined;
  synonyms: ExtraSynonyms;
  errorsShown: number;
}

/** A field's raw values and their codes. */
interface FieldPart {
  raw: DictionaryState;
  codes: Int32Array;
  rows: Int32Array;
}

/** A worker's RowReader, as plain data. */
export interface PartRows {
  messageIds: DictionaryState;
  rowOfKey: Int32Array;
  timeOfKey: [number, number][];
  threadIds: DictionaryState;
  users: DictionaryState;
  patients: DictionaryState;
  roles: string[];
  categories: string[];
  departments: string[];
  careSettings: string[];
  fields: FieldPart[];
  extraRecipients: [number, number[]][];
  hasRecipient: boolean;
  columns: { [K in ColumnName]: ColumnArray<K> };
  summary: { rows: number; used: number; skipped: number };
  skipped: [SkipReason, number][];
  errors: RowError[];
  systemMessages: number;
  afterAsOf: number;
  systemBySender: [string, number][];
  recipientRows: number;
  gapTimes: number;
  ambiguousTimes: number;
  warnings: string[];
}

type ColumnArray<K extends ColumnName> = RowReader['columns'][K] extends Column<infer T> ? T : never;

/** The worker's answer: its rows, or why they cannot be used. */
export type PartResult = { rows: PartRows; bytes: number } | { unusable: string };

/** A RowReader's state as plain data (in the worker), with the buffers to transfer. */
export function exportRows(reader: RowReader, summary: PartRows['summary'], gapTimes: number, ambiguousTimes: number): { rows: PartRows; transfer: ArrayBuffer[] } {
  const columns = Object.fromEntries(COLUMN_NAMES.map((name) => [name, reader.columns[name].finish()])) as PartRows['columns'];
  const field = (f: RowReader['roleField']): FieldPart => ({ raw: f.raw.state(), codes: Int32Array.from(f.codes), rows: Int32Array.from(f.rows) });
  const rows: PartRows = {
    messageIds: reader.messageIds.state(),
    rowOfKey: reader.rowOfKey.finish(),
    timeOfKey: [...reader.timeOfKey],
    threadIds: reader.threadIds.state(),
    users: reader.users.state(),
    patients: reader.patients.state(),
    roles: reader.roles.values,
    categories: reader.categories.values,
    departments: reader.departments.values,
    careSettings: reader.careSettings.values,
    fields: reader.normalizedFields.map(field),
    extraRecipients: [...reader.extraRecipients],
    hasRecipient: reader.hasRecipient,
    columns,
    summary,
    skipped: [...reader.skipped],
    errors: reader.errors,
    systemMessages: reader.systemMessages,
    afterAsOf: reader.afterAsOf,
    systemBySender: [...reader.systemBySender],
    recipientRows: reader.recipientRows,
    gapTimes,
    ambiguousTimes,
    warnings: reader.warnings,
  };
  // Views are sent with their whole buffers moved, not copied (a buffer once, however many views it has);
  // those on shared memory (the columns: shared.ts) are shared, and cannot be moved.
  const transfer = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike }) => {
    if (!isShared(a)) transfer.add(a.buffer as ArrayBuffer);
  };
  for (const name of COLUMN_NAMES) add(rows.columns[name]);
  for (const s of [rows.messageIds, rows.threadIds, rows.users, rows.patients, ...rows.fields.map((f) => f.raw)]) {
    add(s.arena);
    add(s.offsets);
  }
  for (const f of rows.fields) {
    add(f.codes);
    add(f.rows);
  }
  add(rows.rowOfKey);
  return { rows, transfer: [...transfer] };
}

/** Places of a column touched at a time while the worker reads (`resultWhileMapping`). */
const MAP_SLICE = 1 << 20;

/** A running worker reading the second part of a file. */
export class PartWorker {
  private readonly worker: Worker;
  private readonly done: Promise<PartResult>;
  /** Bytes the worker has read so far (for progress bars). */
  bytes = 0;

  /** Throws when no worker can be started (the caller then reads on one thread). */
  constructor(job: PartJob, onProgress?: () => void) {
    this.worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
    this.done = new Promise<PartResult>((resolve) => {
      this.worker.on('message', (message: PartResult | { progress: number }) => {
        if ('progress' in message) {
          this.bytes = message.progress;
          onProgress?.();
        } else resolve(message);
      });
      this.worker.on('error', (error) => resolve({ unusable: `the worker failed: ${error.message}` }));
      this.worker.on('exit', () => resolve({ unusable: 'the worker stopped' }));
    });
  }

  result(): Promise<PartResult> {
    return this.done;
  }

  /**
   * Waits for the worker's rows, meanwhile mapping the memory the merge
   * will write into: the places reserved past the main thread's rows in
   * each column and in the row of each message id. Written first by the
   * merge, each new page cost a fault then (about 0.1 s of the merge on the
   * benchmark); when this thread finishes its part first, they cost nothing.
   * The pages are touched a slice at a time, and no more once the rows are here.
   */
  async resultWhileMapping(reader: RowReader): Promise<PartResult> {
    let arrived = false;
    void this.done.then(() => (arrived = true));
    const columns: Column<Int32Array | Float64Array | Uint8Array | Int16Array>[] = [...COLUMN_NAMES.map((name) => reader.columns[name]), reader.rowOfKey];
    for (const column of columns) {
      for (let from = 0; !arrived && column.touch(from, MAP_SLICE); from += MAP_SLICE) {
        // A turn of the event loop, for the worker's message.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return this.done;
  }

  stop(): void {
    void this.worker.terminate();
  }

  /** Ends the worker and waits until its memory (hash tables, heap) is given back. */
  async end(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Appends a worker's rows (read from line `line` of the file on) to the main
 * thread's reader. Returns false, with the reader as it was, when a message
 * id of the part was already a row of the first part. `last`: no input is
 * read after this part.
 */
export function mergeRows(reader: RowReader, part: PartRows, line: number, summary: PartRows['summary'], last: boolean): boolean {
  const keysBefore = reader.messageIds.size;
  let keyOf: Int32Array;
  if (last && reader.header?.map.thread_id !== undefined) {
    // The last part of the last file, with thread ids: message ids are only compared from here on.
    // Any id of the part already seen (here every seen id is a row's) means rows to compare one by one.
    if (!reader.messageIds.appendDisjoint(part.messageIds)) return false;
    keyOf = new Int32Array(part.messageIds.count);
    for (let k = 0; k < keyOf.length; k++) keyOf[k] = keysBefore + k;
  } else {
    const isNew = new Uint8Array(part.messageIds.count);
    keyOf = reader.messageIds.merge(part.messageIds, isNew);
    for (let k = 0; k < part.messageIds.count; k++) {
      if (isNew[k] === 0 && part.rowOfKey[k] !== UNSEEN && reader.rowOfKey.get(keyOf[k]!) !== UNSEEN) {
        reader.messageIds.truncate(keysBefore);
        return false;
      }
    }
  }
  // After the last part, thread, user and patient ids are only counted and shown, never looked up.
  const merge = (into: RowReader['users'], keys: PartRows['users']) => (last ? into.mergeLast(keys) : into.merge(keys));
  const threadOf = merge(reader.threadIds, part.threadIds);
  const userOf = merge(reader.users, part.users);
  const patientOf = merge(reader.patients, part.patients);
  const [roleOf, categoryOf, departmentOf, careSettingOf] = reader.normalizedFields.map((field, f) => mergeField(field, part.fields[f]!, [part.roles, part.categories, part.departments, part.careSettings][f]!));

  const rowOffset = reader.columns.length;
  reader.rowOfKey.padTo(reader.messageIds.size, UNSEEN);
  for (let k = 0; k < part.messageIds.count; k++) {
    const row = part.rowOfKey[k]!;
    if (row === UNSEEN) continue;
    reader.rowOfKey.set(keyOf[k]!, row >= 0 ? row + rowOffset : row);
  }
  for (const [key, time] of part.timeOfKey) reader.timeOfKey.set(keyOf[key]!, time);

  const c = reader.columns, p = part.columns;
  c.utc.append(p.utc);
  c.localDay.append(p.localDay);
  c.localMinute.append(p.localMinute);
  c.messageKey.append(p.messageKey, keyOf);
  c.threadTag.append(p.threadTag, threadOf);
  c.parentKey.append(p.parentKey, keyOf);
  c.senderType.append(p.senderType);
  c.sender.append(p.sender, userOf);
  c.recipient.append(p.recipient, userOf);
  c.patient.append(p.patient, patientOf);
  c.role.append(p.role, roleOf);
  c.category.append(p.category, categoryOf);
  c.department.append(p.department, departmentOf);
  c.careSetting.append(p.careSetting, careSettingOf);
  for (const [row, users] of part.extraRecipients) reader.extraRecipients.set(row + rowOffset, users.map((u) => userOf[u]!));
  if (part.hasRecipient) reader.hasRecipient = true;

  summary.rows += part.summary.rows;
  summary.used += part.summary.used;
  summary.skipped += part.summary.skipped;
  for (const [reason, n] of part.skipped) reader.skipped.set(reason, (reader.skipped.get(reason) ?? 0) + n);
  for (const error of part.errors) {
    if (reader.errors.length < reader.errorsShown) reader.errors.push({ ...error, line: error.line + line - 1 });
  }
  reader.systemMessages += part.systemMessages;
  reader.afterAsOf += part.afterAsOf;
  for (const [id, n] of part.systemBySender) reader.systemBySender.set(id, (reader.systemBySender.get(id) ?? 0) + n);
  reader.recipientRows += part.recipientRows;
  reader.warnings.push(...part.warnings);
  return true;
}

/**
 * Merges a worker's raw values of one labelled field: their codes, in the
 * order one thread would have made them, and their row counts. Returns the
 * main code of each of the worker's codes.
 */
function mergeField(field: RowReader['roleField'], part: FieldPart, values: string[]): Int32Array {
  const before = field.raw.size;
  const ids = field.raw.merge(part.raw);
  const codeOf = new Int32Array(values.length).fill(-1);
  for (let r = 0; r < part.raw.count; r++) {
    const id = ids[r]!;
    // Codes are made in the order raw values are first seen, as one thread does.
    const code = id >= before && field.codes[id] === undefined ? (field.codes[id] = field.normalize(id)) : field.codes[id]!;
    field.rows[id] = (field.rows[id] ?? 0) + part.rows[r]!;
    if (part.codes[r]! >= 0) codeOf[part.codes[r]!] = code;
  }
  return codeOf;
}

