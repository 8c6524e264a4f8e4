import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * A file written atomically (SPEC 3.1): the bytes go to a temporary file
 * beside the target — a random name created exclusively, so never through
 * an existing name or a link planted there — which is renamed over the
 * target only when complete and synced, with the target's permissions. A
 * failure or an interruption (SIGINT, SIGTERM, SIGHUP) removes it, so no
 * half-written report is ever left. A target that is not a regular file (a
 * device, a FIFO, /proc/self/fd/1) is written directly; a link to a regular
 * file replaces the file it points to, not the link.
 */
export class AtomicFile {
  private fd: number;
  private readonly temporary: string | null;
  private readonly target: string;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.abort();
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };

  constructor(private readonly output: string) {
    let target = output;
    let mode: number | undefined;
    try {
      const info = lstatSync(output);
      if (info.isSymbolicLink()) target = realpathSync(output);
      const real = statSync(target);
      if (!real.isFile()) {
        // A device or a pipe: there is nothing to replace atomically.
        this.fd = openSync(target, 'w');
        this.temporary = null;
        this.target = target;
        return;
      }
      mode = real.mode & 0o7777;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw describe(output, error);
    }
    this.target = target;
    this.temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      this.fd = openSync(this.temporary, 'wx', 0o600);
      // Keep the target's permissions; a new file gets the usual ones (umask).
      fchmodSync(this.fd, mode ?? 0o666 & ~process.umask());
    } catch (error) {
      throw describe(output, error);
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, this.onSignal);
  }

  write(bytes: string | Uint8Array): void {
    try {
      writeSync(this.fd, bytes as never);
    } catch (error) {
      this.abort();
      throw describe(this.output, error);
    }
  }

  /** Syncs and renames the finished file over the target. */
  commit(): void {
    try {
      if (this.temporary !== null) fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      if (this.temporary !== null) renameSync(this.temporary, this.target);
    } catch (error) {
      this.abort();
      throw describe(this.output, error);
    } finally {
      this.release();
    }
  }

  /** Removes the temporary file (the target stays as it was). */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = -1;
    }
    if (this.temporary !== null) rmSync(this.temporary, { force: true });
    this.release();
  }

  private release(): void {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeListener(signal, this.onSignal);
  }
}

function describe(output: string, error: unknown): UsageError {
  const e = error as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'no such folder' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a folder' : e.code === 'ENOSPC' ? 'no space left' : (e.code ?? e.message);
  return new UsageError(`-o ${output}: cannot write: ${why}`);
}

/**
 * Refuses an output that is one of the inputs (`report -o x.csv x.csv` would
 * replace the export with its own report): same file, by device and inode.
 */
export function checkOutputIsNotInput(output: string | undefined, inputs: readonly (string | null)[]): void {
  if (output === undefined || output === '-') return;
  let target: { dev: number; ino: number };
  try {
    target = statSync(output);
  } catch {
    return; // does not exist yet
  }
  for (const input of inputs) {
    if (input === null) continue;
    try {
      const info = statSync(input);
      if (info.isFile() && info.dev === target.dev && info.ino === target.ino) {
        throw new UsageError(`-o ${output}: that is the input ${input}; refusing to overwrite an input with its report`);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
    }
  }
}

/** Standard output, or an atomic -o file. A closed pipe on standard output is not an error (SPEC 3.1). */
export async function writeOutput(text: string | Uint8Array, output: string | undefined): Promise<void> {
  if (output === undefined || output === '-') {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve()));
    });
    return;
  }
  const file = new AtomicFile(output);
  file.write(text);
  file.commit();
}
