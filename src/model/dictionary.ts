/**
 * Interning without a string per value: keys are UTF-8 byte ranges, hashed
 * (FNV-1a, murmur3-finalised) into an open-addressing table of typed arrays, and copied once
 * into a byte arena. Each distinct key gets a small integer id in first-seen
 * order. Strings are made only when asked for (`value`), and cached for small
 * dictionaries. On the benchmark export, `Map<string, number>` interning of
 * message, thread and patient ids took 12 of 40 seconds; this takes about one.
 */
const decoder = new TextDecoder('utf-8');

/** Keys of up to 8 bytes are held whole in their hash slot (SHORT); longer ones are compared in the arena. */
const SHORT = 8;
const LONG = 15;
/** A slot is [id (-1 = empty), tag, word0, word1]; the tag is 28 bits of hash and, above them, the key's length (LONG past SHORT). */
const STRIDE = 4;
const HASH_BITS = 0x0fffffff;

/** A dictionary's keys: key k is arena[offsets[k], offsets[k + 1]). */
export interface DictionaryState {
  arena: Uint8Array;
  offsets: Int32Array;
  count: number;
  /** The ids of the least and the greatest key (`trackRange`), or -1. */
  lowest?: number;
  highest?: number;
  /** Whether every key sorts after the one before it (`compareKeys`): the keys came in order. */
  ordered?: boolean;
}

/** Orders two keys by length, then byte by byte (any total order would do: it only has to tell ranges apart). */
function compareKeys(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  if (aEnd - aStart !== bEnd - bStart) return aEnd - aStart - (bEnd - bStart);
  for (let i = aStart, j = bStart; i < aEnd; i++, j++) if (a[i] !== b[j]) return a[i]! - b[j]!;
  return 0;
}

/** `warm`'s slots. */
let warmSlots = new Int32Array(1024);

/** The words of the key last hashed (its bytes, when it is short). */
let scratch0 = 0;
let scratch1 = 0;

/**
 * The hash of a key; leaves a short key's bytes in scratch0/scratch1 (zero
 * for a long key). Short keys are mixed from their words, longer ones by
 * FNV-1a; murmur3's finaliser spreads both (sequential ids such as M0000001,
 * M0000002 would cluster in the table otherwise).
 */
function hashKey(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let hash: number;
  if (length <= SHORT) {
    let word0 = 0, word1 = 0;
    const middle = length < 4 ? end : start + 4;
    for (let i = start, shift = 0; i < middle; i++, shift += 8) word0 |= bytes[i]! << shift;
    for (let i = middle, shift = 0; i < end; i++, shift += 8) word1 |= bytes[i]! << shift;
    scratch0 = word0;
    scratch1 = word1;
    hash = Math.imul(word0 ^ Math.imul(length, 0x27d4eb2f), 0x9e3779b1) ^ Math.imul((word1 << 13) | (word1 >>> 19), 0x85ebca77);
  } else {
    scratch0 = 0;
    scratch1 = 0;
    hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** A slot's tag: 28 bits of the hash and, above them, the key's length (LONG past SHORT). */
function tagOf(hash: number, length: number): number {
  return tagOfCode(hash, lengthCode(length));
}

/** A key's length as tags and merge records hold it: exact up to SHORT, else LONG. */
function lengthCode(length: number): number {
  return length <= SHORT ? length : LONG;
}

function tagOfCode(hash: number, code: number): number {
  return (hash & HASH_BITS) | (code << 28);
}

/**
 * Each key as a record [hash, word0, word1, key << 4 | length (LONG past
 * SHORT)], the records in the order of their home slots (by 65,536 bands of
 * the table, stable: a counting sort that moves the records).
 */
function slotRecords(hashes: Int32Array, words: Int32Array, offsets: Int32Array, mask: number): Int32Array {
  // 2^27 keys (a part of a file of over 130 million rows, tens of gigabytes in memory) would not fit beside the length.
  if (hashes.length >= 1 << 27) throw new RangeError('ByteDictionary: too many keys to merge at once');
  const bits = 32 - Math.clz32(mask);
  const shift = Math.max(0, bits - 16);
  const counts = new Int32Array((1 << Math.min(bits, 16)) + 1);
  const n = hashes.length;
  for (let k = 0; k < n; k++) counts[((hashes[k]! & mask) >>> shift) + 1]!++;
  for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
  const records = new Int32Array(4 * n);
  for (let k = 0; k < n; k++) {
    const at = 4 * counts[(hashes[k]! & mask) >>> shift]!++;
    const length = offsets[k + 1]! - offsets[k]!;
    records[at] = hashes[k]!;
    records[at + 1] = words[2 * k]!;
    records[at + 2] = words[2 * k + 1]!;
    records[at + 3] = (k << 4) | lengthCode(length);
  }
  return records;
}

export class ByteDictionary {
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  private offsets = new Int32Array(1024);
  /**
   * Open addressing with linear probing. A short key (message ids such as
   * `M0000001`) is found by reading one 16-byte slot: its bytes are in the
   * slot, so a lookup does not touch the arena or the offsets, two cache
   * misses saved per row on a table of millions of keys (issue 16).
   */
  private table = new Int32Array(1024 * STRIDE).fill(-1);
  private mask = 1023;
  private count = 0;
  private last = -1;
  /** Whether `lowest` and `highest` are kept (`trackRange`); off for good after a merge. */
  private ranged = false;
  private lowest = -1;
  private highest = -1;
  private lastLength = -1;
  private lastWord0 = 0;
  private lastWord1 = 0;
  /**
   * Whether every key so far sorted after the one before it (by length,
   * then bytes). Until one does not, keys are only appended, not hashed:
   * a key is new when it sorts after the last, and the last when equal.
   * Message ids of an export in id order (most are: ids count up with
   * time) and thread ids of one sorted by thread never touch a hash table;
   * on the benchmark that is 2.4 million random slot reads and writes per
   * load thread saved, and the 64 MB table. The first key out of order
   * builds the table (`leaveOrder`), and from then on it is as before.
   */
  private ordered = true;
  /** The keys `reserve` made room for while in order, for the table `leaveOrder` builds. */
  private reservedKeys = 0;
  private readonly strings: (string | undefined)[] = [];

  get size(): number {
    return this.count;
  }

  /**
   * Keeps the least and the greatest key (by length, then bytes) from now
   * on, at one comparison a new key when keys come in order. Two parts of
   * a file whose ranges do not meet share no key: `appendDisjoint` then
   * needs no lookups. Keys in strict order give their range without this
   * (`ordered`); it serves parts whose ids are apart but not in order, as
   * in an export sorted by time whose ids mostly count up.
   */
  trackRange(): void {
    if (this.count === 0) this.ranged = true;
  }

  /** Whether the keys so far came in order, and are held without a hash table (see `ordered`). */
  get inOrder(): boolean {
    return this.ordered;
  }

  /** Makes room for `keys` keys of about `keyBytes` bytes each, so the tables do not double past it. */
  reserve(keys: number, keyBytes: number): void {
    this.reserveKeys(keys, keyBytes);
    if (this.ordered) {
      this.reservedKeys = Math.max(this.reservedKeys, keys);
      return;
    }
    let size = this.mask + 1;
    while (keys * 4 > size * 3) size *= 2;
    if (size > this.mask + 1) this.resizeTable(size);
  }

  /** Makes room for `keys` keys' offsets and bytes (not in the hash table). */
  private reserveKeys(keys: number, keyBytes: number): void {
    if (keys + 2 > this.offsets.length) {
      const offsets = new Int32Array(keys + 2);
      offsets.set(this.offsets.subarray(0, this.count + 1));
      this.offsets = offsets;
    }
    if (keys * keyBytes > this.arena.length) {
      const arena = new Uint8Array(keys * keyBytes);
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
  }

  /**
   * Reads the hash-table slot of each key bytes[starts[k], ends[k]), k <
   * count, and nothing else: a hint, for keys about to be looked up. The
   * reads are independent of one another, so the processor has many of
   * their cache misses under way at once; one by one, between rows, each
   * miss is waited for alone. For message ids out of order, each new and
   * its slot anywhere in a table of millions, this halved the time spent on
   * them (issue 16); ids in order have no table to warm (`ordered`).
   */
  warm(bytes: Uint8Array, starts: Int32Array, ends: Int32Array, count: number): void {
    if (this.mask < 0 || this.ordered) return;
    if (warmSlots.length < count) warmSlots = new Int32Array(count);
    const slots = warmSlots, mask = this.mask, table = this.table;
    for (let k = 0; k < count; k++) slots[k] = (hashKey(bytes, starts[k]!, ends[k]!) & mask) * STRIDE;
    let sum = 0;
    for (let k = 0; k < count; k++) sum = (sum + table[slots[k]!]!) | 0;
    // Kept where it can be seen, so the reads are not optimised away.
    slots[0] = sum;
  }

  /** The id of bytes[start, end), adding it when new. */
  id(bytes: Uint8Array, start: number, end: number): number {
    if (this.ordered) {
      const count = this.count;
      if (count === 0) return this.append(bytes, start, end);
      const order = compareKeys(bytes, start, end, this.arena, this.offsets[count - 1]!, this.offsets[count]!);
      if (order > 0) return this.append(bytes, start, end);
      if (order === 0) return count - 1;
      this.leaveOrder();
    }
    const length = end - start;
    const short = length <= SHORT;
    // The previous key first: consecutive rows often share a thread, patient or category. A longer
    // key (a category, a department) is compared before it is hashed: hashing it costs more.
    const last = this.last;
    if (!short && last >= 0 && length === this.lastLength) {
      const arena = this.arena, at = this.offsets[last]!;
      let k = 0;
      while (k < length && arena[at + k] === bytes[start + k]) k++;
      if (k === length) return last;
    }
    const hash = hashKey(bytes, start, end);
    const word0 = scratch0, word1 = scratch1;
    if (short && last >= 0 && length === this.lastLength && word0 === this.lastWord0 && word1 === this.lastWord1) return last;
    const found = this.find(bytes, start, end, hash, word0, word1);
    const id = found >= 0 ? found : this.add(bytes, start, end, ~found, tagOf(hash, length), word0, word1);
    this.last = id;
    this.lastLength = length;
    this.lastWord0 = word0;
    this.lastWord1 = word1;
    return id;
  }

  /** The id of a key with this hash and words, or ~slot of the empty slot where it would go. */
  private find(bytes: Uint8Array, start: number, end: number, hash: number, word0: number, word1: number): number {
    if (this.mask < 0) throw new Error('ByteDictionary: no keys can be looked up after freeze()');
    const length = end - start;
    const short = length <= SHORT;
    const tag = tagOf(hash, length);
    const table = this.table;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const at = slot * STRIDE;
      const id = table[at]!;
      if (id < 0) return ~slot;
      if (table[at + 1] === tag) {
        if (short) {
          if (table[at + 2] === word0 && table[at + 3] === word1) return id;
        } else {
          const from = this.offsets[id]!;
          if (this.offsets[id + 1]! - from === length) {
            let k = 0;
            while (k < length && this.arena[from + k] === bytes[start + k]) k++;
            if (k === length) return id;
          }
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Merges another dictionary's keys (from `state()`) into this one: returns
   * each key's id here, adding the new ones in the other's order, so the ids
   * are those that adding its keys one by one would give. `isNew` (may be
   * null) learns which keys were added. The keys are looked up and placed in
   * the order of their slots, so a merge of millions of keys walks the table
   * instead of jumping about it (issue 16: a key-by-key merge took a second).
   */
  merge(other: DictionaryState, isNew: Uint8Array | null = null): Int32Array {
    const inOrder = this.appendInOrder(other);
    if (inOrder !== null) {
      if (isNew !== null) {
        isNew.fill(1, 0, other.count);
        if (inOrder.firstFound) isNew[0] = 0;
      }
      return inOrder.ids;
    }
    this.ranged = false;
    const { ids, hashes, words, added } = this.lookUpAll(other);
    const n = other.count;
    if (isNew !== null) for (let k = 0; k < n; k++) isNew[k] = ids[k]! < 0 ? 1 : 0;
    if (added === 0) return ids;
    // New ids in the other's order; then each key into its slot, in slot order.
    let size = this.mask + 1;
    while ((this.count + added) * 4 > size * 3) size *= 2;
    if (size > this.mask + 1) this.resizeTable(size);
    const first = this.count;
    let next = first;
    for (let k = 0; k < n; k++) if (ids[k]! < 0) ids[k] = ~next++;
    this.reserve(next, 0);
    this.appendBytes(other, ids, first);
    const records = slotRecords(hashes, words, other.offsets, this.mask);
    for (let at = 0; at < records.length; at += 4) {
      const k = records[at + 3]! >>> 4;
      if (ids[k]! >= 0) continue;
      const id = ~ids[k]!;
      ids[k] = id;
      const hash = records[at]!;
      let slot = hash & this.mask;
      while (this.table[slot * STRIDE] !== -1) slot = (slot + 1) & this.mask;
      this.place(slot, id, tagOfCode(hash, records[at + 3]! & 15), records[at + 1]!, records[at + 2]!);
    }
    this.last = -1;
    return ids;
  }

  /**
   * `merge` when the keys here and the other's each came in order and the
   * other's first sorts no earlier than the last here (the parts of an
   * export in id order, or sorted by thread; a thread may straddle the
   * parts): its keys are appended, its first found here when it is the
   * last, and the keys stay in order. No lookups, no hash table. Null
   * when this does not apply.
   */
  private appendInOrder(other: DictionaryState): { ids: Int32Array; firstFound: boolean } | null {
    if (!this.ordered || other.ordered !== true) return null;
    const n = other.count, count = this.count;
    let firstFound = false;
    if (count > 0 && n > 0) {
      const order = compareKeys(other.arena, other.offsets[0]!, other.offsets[1]!, this.arena, this.offsets[count - 1]!, this.offsets[count]!);
      if (order < 0) return null;
      firstFound = order === 0;
    }
    const from = firstFound ? 1 : 0;
    const ids = new Int32Array(n);
    if (firstFound) ids[0] = count - 1;
    for (let k = from; k < n; k++) ids[k] = count + k - from;
    this.reserveKeys(count + n - from, 0);
    this.appendAll(other, from);
    return { ids, firstFound };
  }

  /**
   * Builds the hash table of the keys so far, which came in order (see
   * `ordered`), and leaves that mode: the table is sized for them and for
   * what `reserve` asked, and filled in slot order, as `merge` places keys.
   */
  private leaveOrder(): void {
    this.ordered = false;
    const n = this.count;
    if (this.ranged && n > 0) {
      this.lowest = 0;
      this.highest = n - 1;
    }
    let size = this.mask + 1;
    while (Math.max(n, this.reservedKeys) * 4 > size * 3) size *= 2;
    if (size > this.mask + 1) {
      this.table = new Int32Array(size * STRIDE).fill(-1);
      this.mask = size - 1;
    }
    if (n === 0) return;
    const hashes = new Int32Array(n), words = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      hashes[k] = hashKey(this.arena, this.offsets[k]!, this.offsets[k + 1]!);
      words[2 * k] = scratch0;
      words[2 * k + 1] = scratch1;
    }
    const records = slotRecords(hashes, words, this.offsets, this.mask);
    for (let at = 0; at < records.length; at += 4) {
      const hash = records[at]!;
      let slot = hash & this.mask;
      while (this.table[slot * STRIDE] !== -1) slot = (slot + 1) & this.mask;
      this.place(slot, records[at + 3]! >>> 4, tagOfCode(hash, records[at + 3]! & 15), records[at + 1]!, records[at + 2]!);
    }
  }

  /**
   * The ids here of another dictionary's keys (negative for keys not here),
   * looked up in slot order. Each key's hash, words and number go into one
   * 16-byte record, the records sorted by slot band (a counting sort), so
   * the walk reads the records and the table in order. Reading the keys'
   * hashes, words and offsets at random instead cost three cache misses a
   * key: half a second for the benchmark's 2.4 million message ids (issue 16).
   */
  private lookUpAll(other: DictionaryState): { ids: Int32Array; hashes: Int32Array; words: Int32Array; added: number } {
    if (this.ordered) this.leaveOrder();
    const n = other.count;
    const ids = new Int32Array(n);
    const hashes = new Int32Array(n);
    const words = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      hashes[k] = hashKey(other.arena, other.offsets[k]!, other.offsets[k + 1]!);
      words[2 * k] = scratch0;
      words[2 * k + 1] = scratch1;
    }
    const records = slotRecords(hashes, words, other.offsets, this.mask);
    let added = 0;
    for (let at = 0; at < records.length; at += 4) {
      const k = records[at + 3]! >>> 4;
      const length = records[at + 3]! & 15;
      // A short key is compared by its words alone; a longer one by its bytes.
      const id =
        length <= SHORT ? this.find(other.arena, 0, length, records[at]!, records[at + 1]!, records[at + 2]!)
        : this.find(other.arena, other.offsets[k]!, other.offsets[k + 1]!, records[at]!, 0, 0);
      ids[k] = id;
      if (id < 0) added++;
    }
    return { ids, hashes, words, added };
  }

  /**
   * `merge` for the last keys this dictionary will see: the same ids, the
   * new keys appended in the other's order, but not placed in the hash
   * table, which is released (`freeze`). On the benchmark, growing the
   * thread-id and patient tables and placing the second part's keys was
   * about 0.15 s of the serial merge (issue 16).
   */
  mergeLast(other: DictionaryState): Int32Array {
    const inOrder = this.appendInOrder(other);
    if (inOrder !== null) {
      this.freeze();
      return inOrder.ids;
    }
    const { ids, added } = this.lookUpAll(other);
    if (added > 0) {
      const first = this.count;
      this.reserveKeys(first + added, 0);
      this.appendBytes(other, ids, first);
      for (let k = 0, next = first; k < ids.length; k++) if (ids[k]! < 0) ids[k] = next++;
    }
    this.freeze();
    return ids;
  }

  /**
   * Whether any of another dictionary's keys is here; if none is, appends
   * them all as ids size, size+1, … and freezes the dictionary (no lookups
   * after: cheaper than `merge` when no key will be looked up again).
   */
  appendDisjoint(other: DictionaryState): boolean {
    if (!this.rangesApart(other) && this.lookUpAll(other).added !== other.count) return false;
    // No room in the hash table: it is dropped right after (growing it for 4.8 million keys took 0.25 s).
    this.reserveKeys(this.count + other.count, 0);
    this.appendAll(other);
    this.freeze();
    return true;
  }

  /** Appends the other's keys from key `first` on, in one copy of their bytes (the offsets must have room). */
  private appendAll(other: DictionaryState, first = 0): void {
    const start = other.offsets[first]!, bytes = other.offsets[other.count]! - start;
    if (this.used + bytes > this.arena.length) {
      const arena = new Uint8Array(this.used + bytes);
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(other.arena.subarray(start, start + bytes), this.used);
    const shift = this.used - start, offsets = this.offsets, from = other.offsets, count = this.count;
    for (let k = 1; k <= other.count - first; k++) offsets[count + k] = from[first + k]! + shift;
    this.used += bytes;
    this.count += other.count - first;
  }

  /** Appends the bytes of the other's new keys (ids[k] < 0) as ids first, first+1, …. */
  private appendBytes(other: DictionaryState, ids: Int32Array, first: number): void {
    let bytes = 0;
    for (let k = 0; k < other.count; k++) if (ids[k]! < 0) bytes += other.offsets[k + 1]! - other.offsets[k]!;
    if (this.used + bytes > this.arena.length) {
      const arena = new Uint8Array(this.used + bytes + (this.arena.length >> 2));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    let id = first;
    const arena = this.arena, from = other.arena, offsets = this.offsets;
    let used = this.used;
    for (let k = 0; k < other.count; k++) {
      if (ids[k]! >= 0) continue;
      offsets[id] = used;
      for (let b = other.offsets[k]!, end = other.offsets[k + 1]!; b < end; b++) arena[used++] = from[b]!;
      offsets[++id] = used;
    }
    this.used = used;
    this.count = id;
  }

  /** Forgets every key from id `count` on (undoes a merge that could not be used). */
  truncate(count: number): void {
    this.ranged = false;
    if (count >= this.count) return;
    this.count = count;
    this.used = this.offsets[count]!;
    this.last = -1;
    if (!this.ordered) this.resizeTable(this.mask + 1, count);
  }

  /** The id of a string key, adding it when new. */
  idOf(text: string): number {
    const bytes = new TextEncoder().encode(text);
    return this.id(bytes, 0, bytes.length);
  }

  /** The bytes of key `id` (a view into the arena). */
  bytesOf(id: number): Uint8Array {
    return this.arena.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  private add(bytes: Uint8Array, start: number, end: number, slot: number, tag: number, word0: number, word1: number): number {
    const id = this.append(bytes, start, end);
    this.place(slot, id, tag, word0, word1);
    if (this.ranged) this.widenRange(id);
    // Load factor at most 0.75: linear probing stays short with a well-mixed hash.
    if (this.count * 4 > (this.mask + 1) * 3) this.resizeTable((this.mask + 1) * 2);
    return id;
  }

  /** Appends a key's bytes as the next id (nothing in the hash table). */
  private append(bytes: Uint8Array, start: number, end: number): number {
    const id = this.count++;
    const length = end - start;
    if (this.used + length > this.arena.length) {
      const arena = new Uint8Array(Math.max(Math.ceil(this.arena.length * 1.5), this.used + length));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    // Byte by byte: a subarray per key (an object, then a copy call) was most of add()'s time for ids of a few bytes.
    const arena = this.arena;
    for (let i = start, to = this.used; i < end; i++, to++) arena[to] = bytes[i]!;
    if (id + 2 > this.offsets.length) {
      const offsets = new Int32Array(Math.ceil(this.offsets.length * 1.5));
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.offsets[id] = this.used;
    this.used += length;
    this.offsets[id + 1] = this.used;
    return id;
  }

  private widenRange(id: number): void {
    if (this.highest < 0) {
      this.lowest = this.highest = id;
      return;
    }
    const arena = this.arena, offsets = this.offsets, from = offsets[id]!, to = offsets[id + 1]!;
    if (compareKeys(arena, from, to, arena, offsets[this.highest]!, offsets[this.highest + 1]!) > 0) this.highest = id;
    else if (compareKeys(arena, from, to, arena, offsets[this.lowest]!, offsets[this.lowest + 1]!) < 0) this.lowest = id;
  }

  /** Whether every key here sorts before every key of the other, or after (false when either range is not known). */
  private rangesApart(other: DictionaryState): boolean {
    const mine = this.state();
    if (mine.lowest === undefined || mine.lowest < 0 || mine.highest === undefined) return false;
    if (other.lowest === undefined || other.lowest < 0 || other.highest === undefined) return false;
    const key = (state: DictionaryState, id: number) => [state.arena, state.offsets[id]!, state.offsets[id + 1]!] as const;
    return compareKeys(...key(mine, mine.highest), ...key(other, other.lowest)) < 0 || compareKeys(...key(other, other.highest), ...key(mine, mine.lowest)) < 0;
  }

  private place(slot: number, id: number, tag: number, word0: number, word1: number): void {
    const at = slot * STRIDE;
    this.table[at] = id;
    this.table[at + 1] = tag;
    this.table[at + 2] = word0;
    this.table[at + 3] = word1;
  }

  /** Rebuilds the table with `size` slots, keeping the keys with ids below `below`. */
  private resizeTable(size: number, below = Infinity): void {
    const old = this.table;
    const table = new Int32Array(size * STRIDE).fill(-1);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at]! < 0 || old[at]! >= below) continue;
      let slot = old[at + 1]! & HASH_BITS & mask;
      while (table[slot * STRIDE] !== -1) slot = (slot + 1) & mask;
      table.set(old.subarray(at, at + STRIDE), slot * STRIDE);
    }
    this.table = table;
    this.mask = mask;
  }

  /** The keys as plain typed arrays (to send from a worker thread and `merge`). */
  state(): DictionaryState {
    const state: DictionaryState = { arena: this.arena.subarray(0, this.used), offsets: this.offsets.subarray(0, this.count + 1), count: this.count };
    // Keys in order: the first is the least, the last the greatest.
    if (this.ordered) return { ...state, ordered: true, lowest: this.count > 0 ? 0 : -1, highest: this.count - 1 };
    return this.ranged ? { ...state, lowest: this.lowest, highest: this.highest } : state;
  }

  /** Releases the lookup tables once no key will be added: value() and compare() still work. */
  freeze(): void {
    this.ranged = false;
    this.ordered = false;
    this.table = new Int32Array(0);
    this.mask = -1;
    this.last = -1;
  }

  /** The key of an id, as a string. */
  value(id: number): string {
    let s = this.strings[id];
    if (s === undefined) {
      s = decoder.decode(this.arena.subarray(this.offsets[id]!, this.offsets[id + 1]!));
      if (this.count <= 1 << 16) this.strings[id] = s;
    }
    return s;
  }

  /** Every key as a string (for small dictionaries). */
  values(): string[] {
    return Array.from({ length: this.count }, (_, id) => this.value(id));
  }

  /** Compares two keys in code-unit order (as JavaScript's `<` on strings). */
  compare(a: number, b: number): number {
    if (a === b) return 0;
    const x = this.value(a), y = this.value(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /** Bytes held (arena and tables), for memory accounting. */
  get bytes(): number {
    return this.arena.length + this.offsets.byteLength + this.table.byteLength;
  }
}
