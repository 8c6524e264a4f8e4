/**
 * Typed errors. Every user-facing failure is one of these; only the entry
 * (`cli.ts`) turns them into an exit code (SPEC 3.1):
 *   1 usage or configuration error, 2 input that cannot be analysed,
 *   3 a threshold check failed.
 */
export class MsgworkError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A bad option, flag value, rule or configuration file. Exit code 1. */
export class UsageError extends MsgworkError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Input that cannot be analysed (unreadable, missing columns, no usable rows, --strict). Exit code 2. */
export class InputError extends MsgworkError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** What the run is reading, for the out-of-memory message (set when reading starts). */
export const runState = { inputs: '' };

/**
 * An allocation that failed (a typed array or string too large for the
 * memory left): what V8 throws as a RangeError, not a bug in the data's
 * handling. The entry turns it into exit 2 with advice (SPEC 3.1).
 */
export function isOutOfMemory(error: unknown): boolean {
  return error instanceof RangeError && /allocation failed|Invalid typed array length|Invalid array length|Invalid string length|Map maximum size|Array buffer allocation|out of memory/i.test(error.message);
}

/** At least one threshold rule of `msgwork check` failed. Exit code 3. */
export class ThresholdError extends MsgworkError {
  constructor(message: string) {
    super(message, 3);
  }
}
