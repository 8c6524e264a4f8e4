import { InputError } from '../errors.js';
import { CsvError, CsvReader, type RecordHandler } from './csv.js';
import type { Encoding } from './encoding.js';
import { delimiterForName, openSource, textBytes, type InputSource, type SourceFacts } from './source.js';
import { readWorkbook } from './xlsx.js';

/** How to read the sources' records (SPEC 1.1). */
export interface ReadSettings {
  /** Explicit delimiter; otherwise `.tsv` names mean tab, else sniffed from the header. */
  delimiter?: string | undefined;
  /** Explicit quoting; otherwise on, except for tab-separated text. */
  quote?: boolean | undefined;
  encoding?: Encoding | undefined;
  /** Worksheet of a workbook (default: the first). */
  sheet?: string | undefined;
  /** Largest field accepted, in bytes. */
  maxField?: number | undefined;
  /** Called with the bytes read so far, for progress bars. */
  onProgress?: ((bytes: number) => void) | undefined;
  /** Called with the first chunk of text (to size the columns). */
  onFirstChunk?: ((chunk: Uint8Array, reading: { delimiter: string; quoting: boolean }) => void) | undefined;
  /**
   * Stop at the record starting at byte `at` (a worker read the rest,
   * `parallel.ts`): `reached` is told the line there, and whether the text up
   * to it was UTF-8 and a record really starts there; it resolves true when
   * the worker's rows were taken (reading ends), false to read on here.
   */
  split?: { at: number; reached: (line: number, usable: boolean) => Promise<boolean> } | undefined;
  /** Shown each piece of text before it is read (`CsvReader.pushAhead`). */
  lookAhead?: ((piece: Uint8Array, delimiter: number) => void) | undefined;
}

const CANDIDATES = [44, 9, 59, 124]; // , tab ; |

/**
 * The delimiter of a header line: the most frequent of `,`, tab, `;` and `|`
 * outside double quotes (ties in that order; `,` when there is none).
 */
export function sniffDelimiter(first: Uint8Array): string {
  const counts = [0, 0, 0, 0];
  let quoted = false;
  for (let i = 0; i < first.length; i++) {
    const c = first[i]!;
    if (c === 34) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) break;
    else if (!quoted) {
      const k = CANDIDATES.indexOf(c);
      if (k >= 0) counts[k]!++;
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (counts[k]! > counts[best]!) best = k;
  return String.fromCharCode(CANDIDATES[best]!);
}

/**
 * Reads one source's records, header first, into `onRecord`: an Excel
 * workbook's rows, or delimited text decoded to UTF-8 and split by the byte
 * reader. Returns what the source turned out to be; null for an empty one.
 */
export async function readRecords(source: InputSource, settings: ReadSettings, onRecord: RecordHandler, bytesBefore = 0): Promise<(SourceFacts & { delimiter?: string }) | null> {
  const opened = await openSource(source);
  if (opened === null) return null;
  if (opened.kind === 'xlsx') {
    await readWorkbook(source.name, opened.chunks, settings.sheet, onRecord);
    return { kind: 'xlsx', encoding: 'utf-8', warnings: [] };
  }
  const facts: SourceFacts & { delimiter?: string } = { kind: 'text', encoding: settings.encoding ?? 'utf-8', warnings: [] };
  let reader: CsvReader | null = null;
  let bytes = bytesBefore;
  try {
    for await (const chunk of textBytes(source, opened.chunks, settings.encoding, facts)) {
      if (reader === null) {
        const delimiter = settings.delimiter ?? delimiterForName(source.name) ?? sniffDelimiter(chunk);
        facts.delimiter = delimiter;
        const quoting = settings.quote ?? delimiter !== '\t';
        reader = new CsvReader(delimiter, settings.maxField, quoting);
        if (settings.split) reader.stopAt = settings.split.at;
        settings.onFirstChunk?.(chunk, { delimiter, quoting });
      }
      if (settings.lookAhead === undefined) reader.push(chunk, onRecord);
      else reader.pushAhead(chunk, onRecord, settings.lookAhead);
      bytes += chunk.length;
      settings.onProgress?.(bytes);
      if (reader.stoppedAt >= 0) {
        const usable = reader.stoppedAt === settings.split!.at && facts.encoding === 'utf-8';
        if (await settings.split!.reached(reader.currentLine, usable)) return facts;
        reader.resume(onRecord);
      }
    }
    if (reader !== null && reader.stopAt !== Infinity && reader.stoppedAt < 0) await settings.split!.reached(reader.currentLine, false);
    reader?.end(onRecord);
  } catch (error) {
    if (error instanceof CsvError) throw new InputError(`${source.name}:${error.line}: ${error.message}`);
    throw error;
  }
  return reader === null ? null : facts;
}
