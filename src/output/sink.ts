import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Writes a finished report. To a file, atomically (SPEC 3.1): the text goes
 * to a temporary file beside the target, which is renamed over it only once
 * completely written, so a failed run never leaves a half-written report and
 * an existing one stays untouched. Otherwise to standard output.
 */
export async function writeOutput(text: string, output: string | undefined): Promise<void> {
  if (output === undefined || output === '-') {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
    return;
  }
  const temporary = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, output);
  } catch (error) {
    rmSync(temporary, { force: true });
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such folder' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a folder' : e.message;
    throw new UsageError(`-o ${output}: cannot write: ${why}`);
  }
}
