import { closeSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Largest roster, holiday or config file read (SPEC 3.1). */
export const SMALL_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Reads a small file (roster, holidays, config) whole, refusing one larger
 * than `limit` — also a device or pipe with no end (`/dev/zero`), read in
 * chunks so that nothing past the limit is held — and gunzipping one that is
 * gzipped, with the same limit on what it inflates to. Errors are plain
 * messages for the caller to wrap with the file and option; they never
 * quote the file's content.
 */
export function readSmallFile(path: string, limit = SMALL_FILE_LIMIT): Buffer {
  const fd = openSync(path, 'r');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new RangeError(`larger than ${limit / 1024 / 1024} MiB`);
      chunks.push(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  const bytes = Buffer.concat(chunks, total);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw new RangeError(`inflates to more than ${limit / 1024 / 1024} MiB`);
    throw new RangeError('damaged gzip data');
  }
}

/** Why a small file could not be read, without its content. */
export function readProblem(error: unknown): string {
  if (error instanceof RangeError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
}
