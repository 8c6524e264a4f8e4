import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';

/** One input: a file path, or standard input (`-`). */
export interface InputSource {
  /** As the user named it; `-` (shown as `<stdin>`) for standard input. */
  readonly name: string;
  readonly path: string | null;
}

/** `[]` or `['-']` mean standard input (SPEC 1.1). */
export function inputSources(files: readonly string[]): InputSource[] {
  if (files.length === 0) return [{ name: '<stdin>', path: null }];
  return files.map((f) => (f === '-' ? { name: '<stdin>', path: null } : { name: f, path: f }));
}

/** The delimiter a source implies: tab for `.tsv`/`.tsv.gz`, else undefined. */
export function delimiterForName(name: string): string | undefined {
  return /\.tsv(\.gz)?$/i.test(name) ? '\t' : undefined;
}

function describeOpenError(source: InputSource, error: NodeJS.ErrnoException): InputError {
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    EMFILE: 'too many open files',
  };
  const reason = (error.code && reasons[error.code]) || error.message;
  return new InputError(`cannot read ${source.name}: ${reason}`);
}

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

function startsWith(head: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => head[i] === b);
}

/**
 * The bytes of a source, chunk by chunk. Gzip is recognised by its magic
 * bytes (so `.gz` files and gzipped standard input both work); ZIP/Excel
 * files and binary data (a NUL byte near the start) are refused with a clear
 * message. The CSV reader works on the bytes directly (UTF-8).
 */
export async function* readBytes(source: InputSource): AsyncGenerator<Uint8Array> {
  const raw: Readable = source.path === null ? process.stdin : createReadStream(source.path, { highWaterMark: 1 << 20 });
  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw describeOpenError(source, error as NodeJS.ErrnoException);
  }
  if (first.done) return;
  const head = first.value;
  if (startsWith(head, ZIP)) {
    throw new InputError(`${source.name}: this is a ZIP or Excel (.xlsx) file, not CSV; export the sheet as CSV (UTF-8) first`);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  let bytes: AsyncIterable<Buffer> = rest();
  if (startsWith(head, GZIP)) {
    bytes = pipeline(Readable.from(rest()), createGunzip({ chunkSize: 1 << 20 }), () => {});
  }
  let checked = false;
  try {
    for await (const chunk of bytes) {
      if (!checked) {
        checked = true;
        const nul = chunk.subarray(0, 8192).indexOf(0);
        if (nul >= 0) {
          throw new InputError(
            `${source.name}: binary data (a NUL byte at offset ${nul}); expected a CSV text file in UTF-8` +
              ' (a UTF-16 export must be re-saved as UTF-8)',
          );
        }
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || e.code?.startsWith('ERR_ZLIB')) {
      throw new InputError(`${source.name}: damaged or truncated gzip data (${e.message})`);
    }
    throw describeOpenError(source, e);
  }
}
