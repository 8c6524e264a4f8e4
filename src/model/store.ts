import type { ByteDictionary } from './dictionary.js';
import { sharedArray } from './shared.js';

/**
 * The in-memory message model: one column per field, typed arrays for times
 * and codes, every string interned once. A 4.5-million-message export must
 * fit in well under 1 GB (SPEC 6), which one object per message would not.
 */

/** Assigns small integer ids to strings, in first-seen order. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  /** The id of `value`, adding it when new. */
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }

  get size(): number {
    return this.values.length;
  }
}

type TypedArray = Int32Array | Float64Array | Uint8Array | Int16Array;
interface TypedArrayConstructor<T extends TypedArray> {
  new (buffer: ArrayBufferLike): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * Whether new columns are on shared memory: in the main thread, so that the
 * section worker reads the store's columns without a copy; not in a load
 * worker, whose columns are moved to the main thread and appended there (in
 * one run sampled with them shared, memory after loading stayed at 750-870
 * MB where it used to fall to 560-700 MB).
 */
let onSharedMemory = true;

/** Sets where the columns made from now on in this thread live (see `onSharedMemory`). */
export function columnsOnSharedMemory(shared: boolean): void {
  onSharedMemory = shared;
}

/** An append-only typed column that doubles as it grows (on shared memory: `columnsOnSharedMemory`). */
export class Column<T extends TypedArray> {
  /** The values and spare room; `MessageColumns.pushRow` and `RowReader.placeKey` write here directly (see there). */
  data: T;
  length = 0;

  private readonly shared = onSharedMemory;

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    capacity = 1024,
  ) {
    this.data = this.allocate(capacity);
  }

  private allocate(length: number): T {
    return this.shared ? sharedArray(this.make, length) : new this.make(new ArrayBuffer(length * this.make.BYTES_PER_ELEMENT));
  }

  /** The number of values there is room for. */
  get capacity(): number {
    return this.data.length;
  }

  /** Makes room for `capacity` values at once (no doubling past it). */
  reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const bigger = this.allocate(capacity);
    bigger.set(this.data.subarray(0, this.length) as never);
    this.data = bigger;
  }

  /** Appends `value` until there are `length` values (nothing when there are as many already). */
  padTo(length: number, value: number): void {
    if (length <= this.length) return;
    this.reserve(length);
    this.data.fill(value as never, this.length, length);
    this.length = length;
  }

  /**
   * Writes zeros over `count` of the unused places from `from` places past
   * the values (not past the capacity), so that their memory is mapped now,
   * not when values are written there. False when there were none left.
   */
  touch(from: number, count: number): boolean {
    const start = this.length + from;
    if (start >= this.data.length) return false;
    this.data.fill(0 as never, start, Math.min(this.data.length, start + count));
    return true;
  }

  /** Appends values, each (but negative ones, which mean none) through `map` when given. */
  append(values: ArrayLike<number>, map?: Int32Array): void {
    this.reserve(this.length + values.length);
    const data = this.data;
    let at = this.length;
    if (map === undefined) {
      data.set(values as never, at);
      at += values.length;
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        data[at++] = v < 0 ? v : map[v]!;
      }
    }
    this.length = at;
  }

  get(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** The filled part: a view when little capacity is unused, else a trimmed copy (on the same kind of memory). */
  finish(): T {
    if (this.length >= this.data.length * 0.9) return this.data.subarray(0, this.length) as T;
    const trimmed = this.allocate(this.length);
    trimmed.set(this.data.subarray(0, this.length) as never);
    return trimmed;
  }
}

export const SENDER_PATIENT = 0;
export const SENDER_CLINICIAN = 1;

/** Validated messages, column by column; index i is one message. */
export interface MessageStore {
  readonly count: number;
  /** UTC epoch milliseconds. */
  readonly utc: Float64Array;
  /** Local date as days since 1970-01-01 in the run's zone. */
  readonly localDay: Int32Array;
  /** Local minutes after midnight (wall clock, 0–1439). */
  readonly localMinute: Int16Array;
  /** Thread index, 0 … threadCount-1. */
  readonly thread: Int32Array;
  readonly threadCount: number;
  /** Index into messageIds (ties in time order by message_id: `messageIds.compare`). */
  readonly messageKey: Int32Array;
  /** SENDER_PATIENT or SENDER_CLINICIAN. */
  readonly senderType: Uint8Array;
  /** Index into users, or -1 (patient messages). */
  readonly sender: Int32Array;
  /** Index into users, or -1 (none given): the first recipient in file order. */
  readonly recipient: Int32Array;
  /** Further recipients of a message sent to several (one row per recipient, SPEC 1.1), in file order. */
  readonly extraRecipients: ReadonlyMap<number, readonly number[]>;
  /** Index into patients. */
  readonly patient: Int32Array;
  readonly patientCount: number;
  /** Index into roles / categories / departments / careSettings; -1 = empty. */
  readonly role: Int32Array;
  readonly category: Int32Array;
  readonly department: Int32Array;
  readonly careSetting: Int32Array;
  /** Message ids by key, kept as bytes (millions of them): `value(k)` makes a string. */
  readonly messageIds: ByteDictionary;
  readonly users: readonly string[];
  readonly roles: readonly string[];
  readonly categories: readonly string[];
  readonly departments: readonly string[];
  readonly careSettings: readonly string[];
  /** Whether any input mapped recipient_id (messages_received is blank otherwise). */
  readonly hasRecipient: boolean;
}
