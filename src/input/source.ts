import { createReadStream, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { TextDecoding, type Encoding } from './encoding.js';

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

/** The delimiter a source implies: tab for `.tsv`/`.tsv.gz`, else undefined (sniffed). */
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

/** What a source turned out to be. */
export interface SourceFacts {
  /** `text` (CSV/TSV, possibly gzipped) or `xlsx`. */
  kind: 'text' | 'xlsx';
  /** The encoding the text was read in (`utf-8` for xlsx). */
  encoding: Encoding;
  /** Things the user should know (an encoding guessed, …). */
  warnings: string[];
}

/** An opened source: its kind, and its content as chunks. */
export interface OpenedSource {
  kind: 'text' | 'xlsx';
  /** The raw (for xlsx) or decompressed (for text) bytes. */
  chunks: AsyncIterable<Buffer>;
}

/**
 * Opens a source and looks at its first bytes: ZIP (an Excel workbook) or
 * text, gzipped or not (recognised by content, so `.gz` files and gzipped
 * standard input both work).
 */
export async function openSource(source: InputSource): Promise<OpenedSource | null> {
  if (source.path === null && process.stdin.isTTY === true) {
    process.stderr.write('msgwork: reading messages from standard input (end with Ctrl-D; give a file name to read a file)\n');
  }
  if (source.path !== null) {
    const text = await plainText(source, source.path);
    if (text !== undefined) return text;
  }
  const raw: Readable = source.path === null ? process.stdin : createReadStream(source.path, { highWaterMark: 1 << 20 });
  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw describeOpenError(source, error as NodeJS.ErrnoException);
  }
  if (first.done) return null;
  const head = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw describeOpenError(source, error as NodeJS.ErrnoException);
      }
      if (next.done) return;
      yield next.value;
    }
  }
  if (startsWith(head, ZIP)) return { kind: 'xlsx', chunks: rest() };
  if (!startsWith(head, GZIP)) return { kind: 'text', chunks: rest() };
  const gunzipped = pipeline(Readable.from(rest()), createGunzip({ chunkSize: 1 << 20 }), () => {});
  async function* inflated(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzipped) yield chunk as Buffer;
    } catch (error) {
      if (error instanceof InputError) throw error;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || e.code?.startsWith('ERR_ZLIB')) {
        throw new InputError(`${source.name}: damaged or truncated gzip data (${e.message})`);
      }
      throw describeOpenError(source, e);
    }
  }
  return { kind: 'text', chunks: inflated() };
}

/**
 * A plain text file (not gzip, not a workbook) read in 1 MB chunks into two
 * buffers in turn (`readChunks`): a stream makes a fresh buffer per chunk, which
 * on the benchmark export cost about 70 ms of reading and its garbage.
 * Each chunk is valid only until the next is asked for; the readers copy
 * what they keep (`csv.ts`, `encoding.ts`). Undefined for gzip and
 * workbooks (read from a stream: gunzip and the workbook reader hold on to
 * their input), for what is not a regular file (a named pipe cannot be
 * read at an offset) or cannot be looked at; null for an empty file.
 */
async function plainText(source: InputSource, path: string): Promise<OpenedSource | null | undefined> {
  try {
    if (!statSync(path).isFile()) return undefined;
  } catch {
    return undefined; // the stream says why
  }
  let file: FileHandle;
  const buffer = Buffer.allocUnsafe(1 << 20);
  let read: number;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw describeOpenError(source, error as NodeJS.ErrnoException);
  }
  try {
    read = (await file.read(buffer, 0, buffer.length, 0)).bytesRead;
  } catch (error) {
    await file.close();
    throw describeOpenError(source, error as NodeJS.ErrnoException);
  }
  const head = buffer.subarray(0, read);
  if (read === 0 || startsWith(head, ZIP) || startsWith(head, GZIP)) {
    await file.close();
    return read === 0 ? null : undefined;
  }
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      yield head;
      try {
        yield* readChunks(file, buffer, read);
      } catch (error) {
        throw describeOpenError(source, error as NodeJS.ErrnoException);
      }
    } finally {
      await file.close();
    }
  }
  return { kind: 'text', chunks: chunks() };
}

/**
 * A file's bytes from byte `at` to its end, read into `buffer` and a second
 * buffer of its size in turn (`plainText`, and a load worker's part of a
 * file): a chunk is valid only until the next is asked for. The chunk after
 * is read while the caller works on one: awaited one by one, each read left
 * the loading thread idle while the thread pool copied it (about 0.1 s per
 * half of the benchmark, issue 16). The caller closes the file.
 */
export async function* readChunks(file: FileHandle, buffer: Buffer, at: number): AsyncGenerator<Buffer> {
  let filling: Buffer = buffer, spare: Buffer = Buffer.allocUnsafe(buffer.length);
  let next = file.read(filling, 0, filling.length, at);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      at += bytesRead;
      const filled = filling;
      [filling, spare] = [spare, filling];
      next = file.read(filling, 0, filling.length, at);
      yield filled.subarray(0, bytesRead);
    }
  } finally {
    // A read still under way when the caller stops early: settled before the file is closed.
    await next.catch(() => undefined);
  }
}

/**
 * The text of a source as UTF-8 bytes, chunk by chunk (SPEC 1.1 encodings).
 * UTF-8 passes through untouched (the fast path: checked with the
 * platform's SIMD validators, never decoded); UTF-16 with a byte-order mark,
 * Windows-1252 (what Excel on Windows saves) and Latin-1 are transcoded by
 * iconv-lite. Without `--encoding`, input that is not valid UTF-8 is read as
 * Windows-1252 with a warning in `facts`. Binary data (a NUL byte near the
 * start of text that is not UTF-16) is refused.
 */
export async function* textBytes(source: InputSource, chunks: AsyncIterable<Buffer>, encoding: Encoding | undefined, facts: SourceFacts): AsyncGenerator<Uint8Array> {
  const decoding = new TextDecoding(source.name, encoding);
  let checked = false;
  for await (const chunk of chunks) {
    if (!checked) {
      checked = true;
      decoding.start(chunk);
      if (decoding.encoding !== 'utf-16le' && decoding.encoding !== 'utf-16be') {
        const nul = chunk.subarray(0, 8192).indexOf(0);
        if (nul >= 0) {
          const utf16 = nul > 0 && chunk[nul - 1]! < 0x80 && chunk[1] === 0;
          throw new InputError(
            `${source.name}: binary data (a NUL byte at offset ${nul}); expected a CSV or TSV text file` +
              (utf16 ? ' (it looks like UTF-16 without a byte-order mark: give --encoding utf-16le)' : ''),
          );
        }
      }
    }
    const out = decoding.push(chunk);
    facts.encoding = decoding.encoding;
    if (out.length > 0) yield out;
  }
  const tail = decoding.end();
  if (tail.length > 0) yield tail;
  facts.encoding = decoding.encoding;
  if (decoding.warning) facts.warnings.push(decoding.warning);
}
