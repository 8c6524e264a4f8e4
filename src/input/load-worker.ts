/**
 * The worker of the parallel loader (`parallel.ts`): reads a file from a
 * line start to its end with its own RowReader, and posts the rows back (or
 * why they cannot be used: the text is not UTF-8, a fatal reading error).
 */
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { columnsOnSharedMemory } from '../model/store.js';
import { Zone } from '../model/zone.js';
import { CsvReader } from './csv.js';
import { TextDecoding } from './encoding.js';
import { readChunks } from './source.js';
import { exportRows, type PartJob, type PartResult } from './parallel.js';
import { RowReader } from './rows.js';
import { customTimeParser } from './timestamp.js';
import { makeVocabularies } from './vocabulary.js';

async function readPart(job: PartJob): Promise<void> {
  const zone = new Zone(job.zone);
  const inputZone = job.inputZone === job.zone ? zone : new Zone(job.inputZone);
  const reader = new RowReader({
    preset: job.preset,
    map: new Map(job.map),
    zone,
    inputZone,
    customTime: job.timeFormat === undefined ? null : await customTimeParser(job.timeFormat),
    timeFormat: job.timeFormat,
    systemSenders: new Set(job.systemSenders),
    asOf: job.asOf,
    vocabularies: makeVocabularies(job.synonyms),
    errorsShown: job.errorsShown,
  });
  reader.reserve(job.rows);
  const summary = { name: job.name, rows: 0, used: 0, skipped: 0 };
  reader.begin(summary, job.header);
  const csv = new CsvReader(job.delimiter, job.maxField, job.quoting, false);
  const decoding = job.encoding === undefined ? new TextDecoding(job.name, undefined) : null;
  let bytes = 0;
  let reported = 0;
  // Two buffers read into in turn, as the main thread reads a plain file (source.ts readChunks).
  const file = await open(job.path, 'r');
  try {
    for await (const chunk of readChunks(file, Buffer.allocUnsafe(1 << 20), job.start)) {
      const text = decoding === null ? chunk : decoding.push(chunk);
      if (decoding !== null && decoding.encoding !== 'utf-8') return post({ unusable: 'not UTF-8' });
      csv.pushAhead(text, reader.onRecord, (piece, delimiter) => reader.lookAhead(piece, delimiter));
      bytes += chunk.length;
      if (bytes - reported >= 16 << 20) {
        reported = bytes;
        parentPort!.postMessage({ progress: bytes });
      }
    }
  } finally {
    await file.close();
  }
  if (decoding !== null && (decoding.end().length > 0 || decoding.encoding !== 'utf-8')) return post({ unusable: 'not UTF-8' });
  csv.end(reader.onRecord);
  const { rows, transfer } = exportRows(reader, summary, inputZone.gapTimes, inputZone.ambiguousTimes);
  parentPort!.postMessage({ rows, bytes } satisfies PartResult, transfer);
}

function post(result: PartResult): void {
  parentPort!.postMessage(result);
}

// This thread's columns are moved to the main thread (see `columnsOnSharedMemory`).
columnsOnSharedMemory(false);
readPart(workerData as PartJob).catch((error: unknown) => post({ unusable: error instanceof Error ? error.message : String(error) }));
