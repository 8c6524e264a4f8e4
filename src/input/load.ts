import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { isShared, sharedArray } from '../model/shared.js';
import type { MessageStore } from '../model/store.js';
import type { Zone } from '../model/zone.js';
import type { CsvRecord } from './csv.js';
import type { Encoding } from './encoding.js';
import type { Field, Preset } from './mapping.js';
import { mergeRows, PARALLEL_MIN_BYTES, parallelAllowed, PartWorker, splitPoint } from './parallel.js';
import { readRecords } from './records.js';
import { RowReader, type InputSummary, type SkipReason } from './rows.js';
import type { InputSource } from './source.js';
import { customTimeParser } from './timestamp.js';
import type { Vocabularies } from './vocabulary.js';

export { MAX_DISTINCT_LABELS, showValue, type InputSummary, type SkipReason } from './rows.js';

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
  /** Called once both threads of a parallel load have read their parts, before the rows are merged. */
  onParallelRead?: () => void;
  /**
   * Reading a large file in two threads: files from `minBytes` on, the main
   * thread reading about `share` of it (default SPLIT_SHARE); null reads in one thread.
   * Default: from PARALLEL_MIN_BYTES, unless MSGWORK_THREADS=1 or one core.
   */
  parallel?: { minBytes: number; share?: number } | null;
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
  /** Parts of files read by a second thread (`parallel.ts`). */
  parallelParts: number;
}

export interface Loaded {
  store: MessageStore;
  report: LoadReport;
}

/**
 * Reads every source in one streaming pass into a column store, validating
 * each row (SPEC 1, 3.1). Three steps: chunks of text or workbook rows become
 * records (`records.ts`, `csv.ts`, `xlsx.ts`); each record is checked and
 * turned into a row of typed values (`rows.ts`); the values are pushed onto
 * columns, from which the threads are built here. A large plain file is read
 * by two threads (`parallel.ts`), with the same result. Throws InputError
 * when a file cannot be read, lacks required columns, or no row is usable.
 */
export async function loadMessages(options: LoadOptions): Promise<Loaded> {
  const { zone, asOf } = options;
  const inputZone = options.inputZone ?? zone;
  inputZone.gapTimes = 0;
  inputZone.ambiguousTimes = 0;
  const customTime = options.timeFormat === undefined ? null : await customTimeParser(options.timeFormat);
  const errorsShown = options.errorsShown ?? 10;
  const reader = new RowReader({
    preset: options.preset,
    map: options.map,
    zone,
    inputZone,
    customTime,
    timeFormat: options.timeFormat,
    systemSenders: new Set(options.systemSenders ?? []),
    asOf,
    vocabularies: options.vocabularies,
    errorsShown,
  });
  const inputs: InputSummary[] = [];
  const columns = reader.columns;
  let bytesRead = 0;
  let partGaps = 0, partAmbiguous = 0, parallelParts = 0;
  const parallel = options.parallel !== undefined ? options.parallel : parallelAllowed() ? { minBytes: PARALLEL_MIN_BYTES } : null;

  /**
   * Sizes the columns and the message-id dictionary once, from the file size
   * and the rows in its first chunk, so they do not double (and briefly
   * triple) past the real size on a multi-million-row export. Returns the
   * rows expected.
   */
  const reserve = (source: InputSource, first: Uint8Array): number | undefined => {
    if (source.path === null) return undefined; // standard input: size unknown
    const size = textSize(source.path);
    if (size === undefined) return undefined;
    // Rows, not line breaks: a file of blank lines must not reserve billions of rows (issue 13).
    let lines = 0;
    for (let i = 1; i < first.length; i++) if (first[i - 1] === 10 && first[i] !== 10 && first[i] !== 13) lines++;
    if (lines < 2) return undefined;
    // At most one row per 24 bytes (a message row is longer), and never past 2^27 rows at once.
    const rows = Math.min(Math.ceil((size / first.length) * lines * 1.03), Math.ceil(size / 24), 1 << 27);
    if (size < 1 << 22) return rows;
    const total = columns.length + rows;
    checkMemoryFor(total, source.name, size);
    reader.reserve(total);
    return rows;
  };

  for (const source of options.sources) {
    const summary: InputSummary = { name: source.name, rows: 0, used: 0, skipped: 0 };
    inputs.push(summary);
    reader.begin(summary);
    const split = parallel !== null && source.path !== null ? splitPoint(source.path, parallel.minBytes, parallel.share) : undefined;
    let part: PartWorker | null = null;
    let expectedRows: number | undefined;
    let mainBytes = bytesRead;
    const progress = () => options.onProgress?.(mainBytes + ((part as PartWorker | null)?.bytes ?? 0));
    let reading: { delimiter: string; quoting: boolean } | null = null;
    // Once the header is read, a worker starts on the second half of a large file.
    let startWorker = split !== undefined && (options.encoding === undefined || options.encoding === 'utf-8');
    const onRecord = (record: CsvRecord) => {
      reader.onRecord(record);
      if (!startWorker || reader.header === null) return;
      startWorker = false;
      if (reading === null) return;
      try {
        part = new PartWorker(
          {
            path: source.path!,
            name: source.name,
            start: split!.at,
            rows: Math.ceil((expectedRows ?? split!.size / 64) * (1 - split!.at / split!.size) * 1.05) + 1024,
            delimiter: reading.delimiter,
            quoting: reading.quoting,
            maxField: options.maxField,
            encoding: options.encoding,
            header: reader.header,
            preset: options.preset,
            map: [...options.map],
            zone: zone.name,
            inputZone: inputZone.name,
            timeFormat: options.timeFormat,
            systemSenders: options.systemSenders ? [...options.systemSenders] : [],
            asOf,
            synonyms: options.vocabularies.extra,
            errorsShown,
          },
          progress,
        );
      } catch {
        part = null; // no worker here (too many threads, no compiled worker): one thread reads it all
      }
    };
    try {
      const facts = await readRecords(
        source,
        {
          delimiter: options.delimiter,
          quote: options.quote,
          encoding: options.encoding,
          sheet: options.sheet,
          maxField: options.maxField,
          onProgress: (bytes) => {
            mainBytes = bytes;
            progress();
          },
          lookAhead: (piece, delimiter) => reader.lookAhead(piece, delimiter),
          onFirstChunk: (chunk, how) => {
            expectedRows = reserve(source, chunk);
            reading = how;
          },
          split:
            split === undefined
              ? undefined
              : {
                  at: split.at,
                  reached: async (line, usable) => {
                    const worker = part as PartWorker | null;
                    part = null;
                    if (worker === null) return false;
                    if (!usable) {
                      worker.stop();
                      return false;
                    }
                    const result = await worker.resultWhileMapping(reader);
                    options.onParallelRead?.();
                    // Its hash tables go before the merge makes more (peak memory, SPEC 6).
                    await worker.end();
                    if (!('rows' in result) || !mergeRows(reader, result.rows, line, summary, source === options.sources.at(-1))) return false;
                    partGaps += result.rows.gapTimes;
                    partAmbiguous += result.rows.ambiguousTimes;
                    mainBytes += result.bytes;
                    parallelParts++;
                    return true;
                  },
                },
        },
        onRecord,
        bytesRead,
      );
      if (facts === null) throw new InputError(`${source.name}: the file is empty (expected a header row and messages)`);
      if (reader.header === null) throw new InputError(`${source.name}: no header row found`);
      summary.format = facts.kind === 'xlsx' ? 'xlsx' : `${facts.encoding}${facts.delimiter === '\t' ? ', tab-separated' : facts.delimiter && facts.delimiter !== ',' ? `, ${facts.delimiter}-separated` : ''}`;
      reader.warnings.push(...facts.warnings);
    } finally {
      (part as PartWorker | null)?.stop();
    }
    bytesRead = mainBytes;
  }
  for (const f of [reader.roleField, reader.categoryField, reader.careSettingField]) f.finish();
  const report: LoadReport = {
    inputs,
    rowsRead: sum(inputs, 'rows'),
    rowsUsed: sum(inputs, 'used'),
    rowsSkipped: sum(inputs, 'skipped'),
    skipped: reader.skipped,
    errors: reader.errors.map((e) => `${e.source}:${e.line}: ${e.text}`),
    systemMessages: reader.systemMessages,
    afterAsOf: reader.afterAsOf,
    systemBySender: reader.systemBySender,
    recipientRows: reader.recipientRows,
    dstGapTimes: inputZone.gapTimes + partGaps,
    dstAmbiguousTimes: inputZone.ambiguousTimes + partAmbiguous,
    warnings: reader.warnings,
    parallelParts,
  };

  if (columns.length === 0) {
    const why =
      report.rowsRead === 0
        ? 'the input has a header but no rows'
        : report.rowsSkipped === report.rowsRead
          ? `all ${report.rowsRead} rows were skipped (${[...report.skipped].map(([r, n]) => `${r}: ${n}`).join(', ')})`
          : `none of the ${report.rowsRead} rows is a patient or clinician message${asOf !== undefined ? ' sent by --as-of' : ''}`;
    const lines = [`no usable rows in ${options.sources.map((s) => s.name).join(', ')}: ${why}`, ...report.errors.slice(0, 5).map((e) => `  ${e}`)];
    throw new InputError(lines.join('\n'));
  }

  reader.messageIds.freeze();
  const keys = columns.messageKey.finish();
  const thread = buildThreads(keys, columns.threadTag.finish(), columns.parentKey.finish(), reader.messageIds.size, reader.threadIds.size);
  const store: MessageStore = {
    count: columns.length,
    utc: columns.utc.finish(),
    localDay: columns.localDay.finish(),
    localMinute: columns.localMinute.finish(),
    thread: thread.thread,
    threadCount: thread.count,
    messageKey: keys,
    senderType: columns.senderType.finish(),
    sender: columns.sender.finish(),
    recipient: columns.recipient.finish(),
    extraRecipients: reader.extraRecipients,
    patient: columns.patient.finish(),
    patientCount: reader.patients.size,
    role: columns.role.finish(),
    category: columns.category.finish(),
    department: columns.department.finish(),
    careSetting: columns.careSetting.finish(),
    messageIds: reader.messageIds,
    users: reader.users.values(),
    roles: reader.roles.values,
    categories: reader.categories.values,
    departments: reader.departments.values,
    careSettings: reader.careSettings.values,
    hasRecipient: reader.hasRecipient,
  };
  return { store, report };
}

function sum(inputs: InputSummary[], key: 'rows' | 'used' | 'skipped'): number {
  return inputs.reduce((total, input) => total + input[key], 0);
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
  // With a thread id on every row (the thread_id column), no message is linked to a parent: no roots to find.
  // Thread ids are numbered as first seen; when every number is a kept row's (none only on system messages'),
  // each row's number first appears after all smaller ones, and the numbers are the thread indices already.
  let linked = false, numbered = true, next = 0;
  for (let i = 0; i < keys.length; i++) {
    const tag = tags[i]!;
    if (tag < 0) {
      linked = true;
      break;
    }
    if (tag === next) next++;
    else if (tag > next) numbered = false;
  }
  if (!linked && numbered && isShared(tags)) return { thread: tags, count: next };
  const root = new Int32Array(linked ? keyCount : 0);
  for (let k = 0; k < root.length; k++) root[k] = k;
  const find = (k: number): number => {
    while (root[k] !== k) {
      root[k] = root[root[k]!]!;
      k = root[k]!;
    }
    return k;
  };
  for (let i = 0; i < keys.length && linked; i++) {
    const p = parents[i]!;
    if (p >= 0) {
      const a = find(keys[i]!), b = find(p);
      if (a !== b) root[a] = b;
    }
  }
  const byTag = new Int32Array(tagCount).fill(-1);
  const byRoot = new Int32Array(root.length).fill(-1);
  const thread = sharedArray(Int32Array, keys.length);
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
