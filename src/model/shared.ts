/**
 * Typed arrays on shared memory (SharedArrayBuffer), so that another thread
 * can read the same messages without a copy: the section worker computes
 * some of the report's tables while this thread computes the others (SPEC 6
 * on two cores). A typed array on shared memory reads and writes as fast as
 * one on an ArrayBuffer; a worker is sent it, not a copy of it, and it cannot
 * be in a transfer list.
 */
type Numeric = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;
interface NumericConstructor<T extends Numeric> {
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zero-filled typed array of `length` on shared memory. */
export function sharedArray<T extends Numeric>(make: NumericConstructor<T>, length: number): T {
  return new make(new SharedArrayBuffer(length * make.BYTES_PER_ELEMENT));
}

/** Whether a typed array is on shared memory. */
export function isShared(array: { buffer: ArrayBufferLike }): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer;
}

/** The array itself when on shared memory, else a copy there. */
export function toShared<T extends Numeric>(array: T): T {
  if (isShared(array)) return array;
  const copy = sharedArray(array.constructor as NumericConstructor<T>, array.length);
  copy.set(array as never);
  return copy;
}
