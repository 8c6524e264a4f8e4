import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { CsvRecord, type RecordHandler } from './csv.js';

/**
 * Excel `.xlsx` input (SPEC 1.1): Epic Reporting Workbench and Signal hand
 * analysts workbooks. Read with ExcelJS's streaming reader (rows are passed
 * on as they are parsed; the library is loaded only for a workbook), from the
 * first worksheet or the one named by `--sheet`. Each row becomes a record
 * like a CSV row, numbered by its sheet row, so errors read `file:row`.
 *
 * Date cells are wall-clock times: ExcelJS turns the stored day fraction into
 * a Date by rounding to the millisecond (read-excel-file floors, which put
 * 16:10:00 at 16:09:59.999), and the Date's UTC fields are the wall clock;
 * they are written as `YYYY-MM-DD HH:MM:SS.mmm`, a time without an offset,
 * so `--input-timezone`/`--timezone` apply as for text.
 */

/** Text of a cell value as ExcelJS gives it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return wallClockText(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return '';
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS.mmm` of a Date's UTC fields (Excel's wall clock). */
export function wallClockText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`;
}

/**
 * Reads the chosen worksheet of a workbook into records. Rows shorter than
 * the header (Excel leaves trailing empty cells out) are padded with empty
 * fields.
 */
export async function readWorkbook(name: string, chunks: AsyncIterable<Buffer>, sheet: string | undefined, onRecord: RecordHandler): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  } as never);
  const record = new CsvRecord();
  const encoder = new TextEncoder();
  let buffer = new Uint8Array(1 << 16);
  let width = 0;
  let found = false;
  const seen: string[] = [];
  try {
    for await (const worksheet of reader as AsyncIterable<AsyncIterable<{ number: number; values: unknown[] }> & { name: string }>) {
      seen.push(worksheet.name);
      if (found || (sheet !== undefined && worksheet.name.toLowerCase() !== sheet.toLowerCase())) {
        for await (const row of worksheet) void row; // the reader needs every entry read through
        continue;
      }
      found = true;
      for await (const row of worksheet) {
        const values = row.values;
        const count = Math.max(values.length - 1, width);
        while (record.start.length < count) record.grow();
        let at = 0;
        for (let i = 0; i < count; i++) {
          const text = cellText(values[i + 1]);
          if (buffer.length - at < text.length * 3) {
            const bigger = new Uint8Array(Math.max(buffer.length * 2, at + text.length * 3));
            bigger.set(buffer.subarray(0, at));
            buffer = bigger;
          }
          record.start[i] = at;
          at += encoder.encodeInto(text, buffer.subarray(at)).written;
          record.end[i] = at;
          record.escaped[i] = 0;
        }
        if (width === 0) width = count;
        record.buf = buffer;
        record.count = count;
        record.line = row.number;
        record.malformed = null;
        onRecord(record);
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${name}: cannot read the Excel workbook (${(error as Error).message}); save it again as .xlsx, or export the sheet as CSV`);
  }
  if (!found) {
    const list = seen.slice(0, 20).map((s) => JSON.stringify(s.slice(0, 40))).join(', ');
    throw new InputError(sheet === undefined ? `${name}: the workbook has no worksheet` : `${name}: no worksheet named "${sheet.slice(0, 40)}" (the workbook has ${list})`);
  }
}
