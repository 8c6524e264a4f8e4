/**
 * A streaming RFC 4180 record reader over UTF-8 bytes.
 *
 * Why not csv-parse here: on the benchmark export csv-parse alone takes
 * longer than DuckDB takes for the whole report (issue 4). This reader scans
 * bytes (delimiter, quote and line breaks are ASCII, so UTF-8 text needs no
 * decoding to be split), reports each field as a byte range, and leaves it to
 * the caller to decode or hash only the fields it keeps: message text is
 * never turned into a string. A single field is bounded so an unbalanced
 * quote cannot swallow the file. `csv.test.ts` checks it against csv-parse on
 * RFC 4180 edge cases and random inputs; `test/fuzz.test.ts` checks that the
 * records do not depend on how the input is cut into chunks.
 *
 * Dialect: a one-byte delimiter; `"` quotes with `""` escapes (unless quoting
 * is off, as in TSV); records end at
 * CRLF, LF or a lone CR; blank lines are skipped; a UTF-8 BOM at the start is
 * dropped; a quote inside an unquoted field is literal (`5'10"`); text after a
 * closing quote (`"ab"c`) marks the record malformed (the caller skips it).
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The pieces `pushAhead` cuts a chunk into: the cache lines a piece's
 * lookups bring in (about 450 rows of the benchmark export) are still there
 * when its rows are read. On the benchmark 16–128 KB did alike and 256 KB
 * lost much of the gain.
 */
const LOOKAHEAD_PIECE = 1 << 16;

/** Largest field accepted, in bytes. */
export const DEFAULT_MAX_FIELD = 1 << 20;

/** A fatal reading error at a line (the file cannot be read past it). */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const decoder = new TextDecoder('utf-8');

/**
 * One record: field i is bytes `buf[start[i], end[i])` (inside the quotes for
 * a quoted field; `escaped[i]` is 1 when it holds `""` escapes). The object and
 * its arrays are reused between records: read what you need in the callback.
 */
export class CsvRecord {
  buf: Uint8Array = new Uint8Array(0);
  start = new Int32Array(64);
  end = new Int32Array(64);
  escaped = new Uint8Array(64);
  /** Number of fields the record really had. */
  count = 0;
  /** Physical line on which the record starts (1-based). */
  line = 0;
  /** Why the record is malformed, when it is. */
  malformed: string | null = null;

  /** Field i as a string (escapes undone). */
  text(i: number): string {
    const s = decoder.decode(this.buf.subarray(this.start[i]!, this.end[i]!));
    return this.escaped[i] ? s.replace(/""/g, '"') : s;
  }

  /** The record's fields as strings (for headers and tests). */
  texts(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.text(i));
    return out;
  }

  grow(): void {
    const size = this.start.length * 2;
    const start = new Int32Array(size), end = new Int32Array(size), escaped = new Uint8Array(size);
    start.set(this.start);
    end.set(this.end);
    escaped.set(this.escaped);
    this.start = start;
    this.end = end;
    this.escaped = escaped;
  }
}

export type RecordHandler = (record: CsvRecord) => void;

/**
 * A copy of s from `from` on. Not `s.slice`: on a Node Buffer that is a view,
 * and a load worker reads every chunk into the same buffer.
 */
function copyOf(s: Uint8Array, from: number): Uint8Array {
  return Uint8Array.prototype.slice.call(s, from);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export class CsvReader {
  private pending: Uint8Array | null = null;
  private line = 1;
  private started: boolean;
  /** Bytes of input before the pending ones. */
  private consumed = 0;
  /** Stop at the first record or blank line starting at or after this byte offset (see `stoppedAt`). */
  stopAt = Infinity;
  /** Where reading stopped for `stopAt` (-1: it did not); `resume` goes on from there. */
  stoppedAt = -1;
  private readonly delimiter: number;
  private readonly record = new CsvRecord();
  /** 1 for the bytes that end an unquoted field: the delimiter, LF and CR. */
  private readonly stops = new Uint8Array(256);

  /**
   * @param quoting false reads `"` as an ordinary character (TSV as IANA
   * `text/tab-separated-values` defines it: no quoting, SPEC 1.1).
   */
  constructor(
    delimiter = ',',
    private readonly maxField = DEFAULT_MAX_FIELD,
    private readonly quoting = true,
    /** false for a part of a file that starts after its first byte: no byte-order mark is looked for. */
    atFileStart = true,
  ) {
    this.started = !atFileStart;
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`invalid delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.stops[this.delimiter] = this.stops[LF] = this.stops[CR] = 1;
  }

  /** Reads every complete record in `chunk` (plus what was left over). */
  push(chunk: Uint8Array, onRecord: RecordHandler): void {
    this.parse(this.pending === null ? chunk : concat(this.pending, chunk), false, onRecord);
  }

  /**
   * `push`, in pieces of about LOOKAHEAD_PIECE bytes cut after a line feed,
   * each shown to `ahead` (with the delimiter) before it is read: the row
   * reader uses it to bring the hash-table slots of the piece's message ids
   * into the cache at once, a few dozen lookups at a time instead of one per
   * row (`RowReader.lookAhead`). The records are those `push` gives. A chunk
   * that reaches `stopAt` is read whole, as `push` reads it.
   */
  pushAhead(chunk: Uint8Array, onRecord: RecordHandler, ahead: (piece: Uint8Array, delimiter: number) => void): void {
    if (this.stopAt !== Infinity && this.consumed + (this.pending?.length ?? 0) + chunk.length >= this.stopAt) return this.push(chunk, onRecord);
    for (let from = 0; from < chunk.length; ) {
      let to = chunk.length;
      if (to - from > LOOKAHEAD_PIECE) {
        const lf = chunk.lastIndexOf(LF, from + LOOKAHEAD_PIECE);
        to = lf > from ? lf + 1 : to;
      }
      const piece = chunk.subarray(from, to);
      ahead(piece, this.delimiter);
      this.push(piece, onRecord);
      from = to;
    }
  }

  /** The line the next record starts on (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** Goes on reading after a stop at `stopAt`, with no further stop. */
  resume(onRecord: RecordHandler): void {
    this.stopAt = Infinity;
    this.stoppedAt = -1;
    if (this.pending !== null) {
      const pending = this.pending;
      this.pending = null;
      this.parse(pending, false, onRecord);
    }
  }

  /** Reads what is left at the end of the input. */
  end(onRecord: RecordHandler): void {
    this.parse(this.pending ?? new Uint8Array(0), true, onRecord);
    this.pending = null;
  }

  private parse(s: Uint8Array, final: boolean, onRecord: RecordHandler): void {
    const n = s.length;
    const delimiter = this.delimiter;
    const record = this.record;
    const maxField = this.maxField;
    const quoting = this.quoting;
    const stops = this.stops;
    record.buf = s;
    let pos = 0;
    let line = this.line;
    if (!this.started) {
      if (n < 3 && !final) {
        this.pending = copyOf(s, 0);
        return;
      }
      this.started = true;
      if (s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf) pos = 3;
    }

    const stopAt = this.stopAt - this.consumed;
    records: while (pos < n) {
      if (pos >= stopAt) {
        this.stoppedAt = this.consumed + pos;
        break;
      }
      const recordStart = pos;
      const recordLine = line;
      let c = s[pos]!;
      if (c === LF) {
        pos++;
        line++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= n && !final) break;
        pos += pos + 1 < n && s[pos + 1] === LF ? 2 : 1;
        line++;
        continue;
      }
      let count = 0;
      let malformed: string | null = null;
      for (;;) {
        if (count === record.start.length) record.grow();
        const fieldStart = pos;
        let start: number, end: number, escaped = 0;
        if (quoting && pos < n && s[pos] === QUOTE) {
          start = pos + 1;
          let q = start;
          for (;;) {
            const close = s.indexOf(QUOTE, q);
            if (close < 0 || (close + 1 >= n && !final)) {
              if (final) {
                // Unterminated quote at end of input. Across line breaks it swallowed
                // the rows after it: refuse rather than lose them silently.
                const swallowed = countLineBreaks(s, fieldStart, n) - (s[n - 1] === LF || s[n - 1] === CR ? 1 : 0);
                if (swallowed > 0 || n - fieldStart > maxField) {
                  throw new CsvError(`a quoted field is never closed (unbalanced quote?); the ${swallowed + 1} lines from here could not be read`, recordLine);
                }
                line += countLineBreaks(s, fieldStart, n);
                record.count = count + 1;
                record.line = recordLine;
                record.malformed = 'unterminated quoted field';
                onRecord(record);
                pos = n;
                break records;
              }
              if (n - fieldStart > maxField) {
                throw new CsvError(`quoted field longer than ${maxField} bytes (unbalanced quote?); the file cannot be read past this line`, recordLine);
              }
              pos = recordStart;
              line = recordLine;
              break records;
            }
            if (close + 1 < n && s[close + 1] === QUOTE) {
              escaped = 1;
              q = close + 2;
              continue;
            }
            end = close;
            line += countLineBreaks(s, start, close);
            pos = close + 1;
            break;
          }
          if (pos < n) {
            c = s[pos]!;
            if (c !== delimiter && c !== LF && c !== CR) {
              malformed = 'text after a closing quote';
              let e = pos;
              while (e < n) {
                c = s[e]!;
                if (c === delimiter || c === LF || c === CR) break;
                e++;
              }
              if (e >= n && !final) {
                pos = recordStart;
                line = recordLine;
                break records;
              }
              end = e;
              pos = e;
            }
          }
        } else {
          let e = pos;
          // Four bytes a step: which of them end the field, as bits; then the first such byte.
          for (;;) {
            if (e + 3 >= n) {
              while (e < n && stops[s[e]!] === 0) e++;
              break;
            }
            const ends = stops[s[e]!]! | (stops[s[e + 1]!]! << 1) | (stops[s[e + 2]!]! << 2) | (stops[s[e + 3]!]! << 3);
            if (ends !== 0) {
              e += 31 - Math.clz32(ends & -ends);
              break;
            }
            e += 4;
          }
          if (e >= n && !final) {
            if (e - fieldStart > maxField) {
              throw new CsvError(`field longer than ${maxField} bytes; the file cannot be read past this line`, recordLine);
            }
            pos = recordStart;
            line = recordLine;
            break records;
          }
          start = pos;
          end = e;
          pos = e;
        }
        if (pos - fieldStart > maxField) {
          throw new CsvError(`field longer than ${maxField} bytes; the file cannot be read past this line`, recordLine);
        }
        record.start[count] = start;
        record.end[count] = end!;
        record.escaped[count] = escaped;
        count++;
        if (pos >= n) break; // end of input (final)
        c = s[pos]!;
        if (c === delimiter) {
          pos++;
          if (pos >= n && !final) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= n && !final) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          pos += pos + 1 < n && s[pos + 1] === LF ? 2 : 1;
        } else {
          pos++; // LF
        }
        line++;
        break;
      }
      record.count = count;
      record.line = recordLine;
      record.malformed = malformed;
      onRecord(record);
    }
    this.pending = pos >= n ? null : copyOf(s, pos);
    this.consumed += Math.min(pos, n);
    this.line = line;
    if (this.pending !== null && this.pending.length > 4 * maxField) {
      throw new CsvError(`record longer than ${4 * maxField} bytes without an end of line; the file cannot be read past this line`, line);
    }
  }
}

/** Line breaks (LF, CRLF or lone CR) in s[from, to). */
function countLineBreaks(s: Uint8Array, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = s[i];
    if (c === LF) breaks++;
    else if (c === CR && s[i + 1] !== LF) breaks++;
  }
  return breaks;
}
