/**
 * A streaming RFC 4180 record reader for message exports.
 *
 * Why not csv-parse here: on the 455 MB benchmark export csv-parse alone
 * takes 19 s (issue 4), longer than DuckDB takes for the whole report. This
 * reader scans decoded text chunks with `charCodeAt`/`indexOf`, builds strings
 * only for the columns the caller keeps (message text is never materialised),
 * and bounds the size of a single field so an unbalanced quote cannot swallow
 * the file. `csv.test.ts` checks it against csv-parse on RFC 4180 edge cases
 * and on random inputs.
 *
 * Dialect: a one-character delimiter; `"` quotes with `""` escapes; records
 * end at CRLF, LF or a lone CR; blank lines are skipped; a quote inside an
 * unquoted field is literal (`5'10"`). Text after a closing quote
 * (`"ab"c`) marks the record malformed; the caller skips it.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Largest field accepted, in UTF-16 code units. */
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

/**
 * One record. `fields` holds the kept columns' values (others are `''`);
 * it is reused between records, so copy what you need inside the callback.
 */
export interface CsvRecord {
  fields: string[];
  /** Number of fields the record really had. */
  count: number;
  /** Physical line on which the record starts (1-based). */
  line: number;
  /** Why the record is malformed, when it is. */
  malformed: string | null;
}

export type RecordHandler = (record: CsvRecord) => void;

export class CsvReader {
  private buffer = '';
  private line = 1;
  private keep: boolean[] | null = null;
  private readonly delimiter: number;
  private readonly record: CsvRecord = { fields: [], count: 0, line: 0, malformed: null };

  constructor(
    delimiter = ',',
    private readonly maxField = DEFAULT_MAX_FIELD,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`invalid delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Keep only the columns whose mask entry is true (null: keep all). */
  setKeep(mask: boolean[] | null): void {
    this.keep = mask;
  }

  /** Reads every complete record in `chunk` (plus what was left over). */
  push(chunk: string, onRecord: RecordHandler): void {
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    this.parse(false, onRecord);
  }

  /** Reads what is left at the end of the input. */
  end(onRecord: RecordHandler): void {
    this.parse(true, onRecord);
    this.buffer = '';
  }

  private parse(final: boolean, onRecord: RecordHandler): void {
    const s = this.buffer;
    const n = s.length;
    const delimiter = this.delimiter;
    const keep = this.keep;
    const record = this.record;
    const fields = record.fields;
    const maxField = this.maxField;
    let pos = 0;
    let line = this.line;

    records: while (pos < n) {
      const recordStart = pos;
      const recordLine = line;
      let c = s.charCodeAt(pos);
      // Blank lines.
      if (c === LF) {
        pos++;
        line++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= n && !final) break;
        pos += pos + 1 < n && s.charCodeAt(pos + 1) === LF ? 2 : 1;
        line++;
        continue;
      }
      let count = 0;
      let malformed: string | null = null;
      for (;;) {
        const kept = keep === null || keep[count] === true;
        let value = '';
        const fieldStart = pos;
        if (pos < n && s.charCodeAt(pos) === QUOTE) {
          let segment = pos + 1;
          let search = segment;
          for (;;) {
            const close = s.indexOf('"', search);
            if (close < 0 || (close + 1 >= n && !final)) {
              if (final) {
                // Unterminated quote at end of input. Across line breaks it swallowed
                // the rows after it: refuse rather than lose them silently.
                const swallowed = countLineBreaks(s, fieldStart, n) - (/[\r\n]$/.test(s) ? 1 : 0);
                if (swallowed > 0 || n - fieldStart > maxField) {
                  throw new CsvError(`a quoted field is never closed (unbalanced quote?); the ${swallowed + 1} lines from here could not be read`, recordLine);
                }
                line += countLineBreaks(s, fieldStart, n);
                record.count = count + 1;
                record.line = recordLine;
                record.malformed = 'unterminated quoted field';
                fields.length = 0;
                onRecord(record);
                pos = n;
                break records;
              }
              if (n - fieldStart > maxField) {
                throw new CsvError(`quoted field longer than ${maxField} characters (unbalanced quote?); the file cannot be read past this line`, recordLine);
              }
              pos = recordStart;
              line = recordLine;
              break records;
            }
            if (close + 1 < n && s.charCodeAt(close + 1) === QUOTE) {
              if (kept) value += s.slice(segment, close + 1);
              search = segment = close + 2;
              continue;
            }
            if (kept) value += s.slice(segment, close);
            line += countLineBreaks(s, fieldStart, close);
            pos = close + 1;
            break;
          }
          if (pos < n) {
            c = s.charCodeAt(pos);
            if (c !== delimiter && c !== LF && c !== CR) {
              malformed = 'text after a closing quote';
              let e = pos;
              while (e < n) {
                c = s.charCodeAt(e);
                if (c === delimiter || c === LF || c === CR) break;
                e++;
              }
              if (e >= n && !final) {
                pos = recordStart;
                line = recordLine;
                break records;
              }
              if (kept) value += s.slice(pos, e);
              pos = e;
            }
          }
        } else {
          let e = pos;
          while (e < n) {
            c = s.charCodeAt(e);
            if (c === delimiter || c === LF || c === CR) break;
            e++;
          }
          if (e >= n && !final) {
            if (e - fieldStart > maxField) {
              throw new CsvError(`field longer than ${maxField} characters; the file cannot be read past this line`, recordLine);
            }
            pos = recordStart;
            line = recordLine;
            break records;
          }
          if (kept) value = s.slice(pos, e);
          pos = e;
        }
        if (pos - fieldStart > maxField) {
          throw new CsvError(`field longer than ${maxField} characters; the file cannot be read past this line`, recordLine);
        }
        fields[count] = value;
        count++;
        if (pos >= n) break; // end of input (final)
        c = s.charCodeAt(pos);
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
          pos += pos + 1 < n && s.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else {
          pos++; // LF
        }
        line++;
        break;
      }
      fields.length = count;
      record.count = count;
      record.line = recordLine;
      record.malformed = malformed;
      onRecord(record);
    }
    this.buffer = pos >= n ? '' : s.slice(pos);
    this.line = line;
    if (this.buffer.length > 4 * maxField) {
      throw new CsvError(`record longer than ${4 * maxField} characters without an end of line; the file cannot be read past this line`, line);
    }
  }
}

/** Line breaks (LF, CRLF or lone CR) in s[from, to). */
function countLineBreaks(s: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) breaks++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) breaks++;
  }
  return breaks;
}
