/**
 * Counting-sort buckets: the positions 0…n-1 of a list, bucketed by an
 * integer key in [0, keyCount). Used to count distinct (group, key) pairs in
 * one pass without a set of pairs.
 */
export interface Buckets {
  /** Positions, bucket by bucket (stable). */
  order: Int32Array;
  /** Bucket k occupies order[start[k] … start[k+1]). */
  start: Int32Array;
}

/** Buckets positions by key; a negative key leaves the position out. */
export function bucketBy(keys: ArrayLike<number>, keyCount: number): Buckets {
  const start = new Int32Array(keyCount + 1);
  for (let p = 0; p < keys.length; p++) {
    const k = keys[p]!;
    if (k >= 0) start[k + 1]!++;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const next = start.slice(0, keyCount);
  const order = new Int32Array(start[keyCount]!);
  for (let p = 0; p < keys.length; p++) {
    const k = keys[p]!;
    if (k >= 0) order[next[k]!++] = p;
  }
  return { order, start };
}

/**
 * The group of each position in the narrowest integer array that holds the
 * group numbers (-1 … groupCount-1): a copy as Int8Array or Int16Array when
 * they fit, else the array itself. Counting distinct patients or senders per
 * group reads the groups in the keys' order, at random: over 4.8 million
 * positions and half a million keys in random order, 12 groups counted in
 * 50–90 ms from 4.8 MB against 150–200 ms from 19 MB (a scratch measurement
 * of distinctPerGroup alone; the volume tables of the benchmark, 0.1 s each).
 *
 * @example narrowGroups(Int32Array.of(0, 1, -1), 2) // Int8Array [0, 1, -1]
 */
export function narrowGroups(groupOf: Int32Array, groupCount: number): Int8Array | Int16Array | Int32Array {
  const narrow = groupCount <= 127 ? new Int8Array(groupOf.length) : groupCount <= 32767 ? new Int16Array(groupOf.length) : null;
  if (narrow === null) return groupOf;
  for (let p = 0; p < groupOf.length; p++) narrow[p] = groupOf[p]!;
  return narrow;
}

/**
 * For each group, how many distinct keys its positions have.
 *
 * @example groups [0,0,1], keys [7,7,7] → [1, 1]: group 0 has key 7 once.
 */
export function distinctPerGroup(groupOf: ArrayLike<number>, buckets: Buckets, groupCount: number): Int32Array {
  const counts = new Int32Array(groupCount);
  const stamp = new Int32Array(groupCount).fill(-1);
  const keyCount = buckets.start.length - 1;
  for (let k = 0; k < keyCount; k++) {
    for (let q = buckets.start[k]!; q < buckets.start[k + 1]!; q++) {
      const g = groupOf[buckets.order[q]!]!;
      if (g < 0 || stamp[g] === k) continue;
      stamp[g] = k;
      counts[g]!++;
    }
  }
  return counts;
}

/** The largest key × group table `distinctKeysPerGroup` marks in bits: 2^27 bits, 16 MB. */
export const MAX_PAIR_BITS = 2 ** 27;

/**
 * For each group, how many distinct keys its positions have (a negative
 * group or key: the position is left out). When the table of key × group
 * pairs fits in `MAX_PAIR_BITS`, one forward pass marks each pair in a
 * bitset; else the keys' buckets (`buckets()`, made only then) are read as
 * `distinctPerGroup` does. On the benchmark's 4.8 million messages, the
 * distinct threads and patients of 1–10 groups take 45–65 ms this way
 * against 80–130 ms from the buckets (a scratch measurement); a clinician's
 * active days (365 days × 12,500 clinicians) fit too, its threads do not.
 *
 * @example distinctKeysPerGroup([0, 0, 1], [7, 7, 7], 8, 2, () => bucketBy([7, 7, 7], 8)) // [1, 1]
 */
export function distinctKeysPerGroup(groupOf: ArrayLike<number>, keys: ArrayLike<number>, keyCount: number, groupCount: number, buckets: () => Buckets): Int32Array {
  if (keyCount * groupCount > MAX_PAIR_BITS) return distinctPerGroup(groupOf, buckets(), groupCount);
  const counts = new Int32Array(groupCount);
  const seen = new Int32Array(Math.ceil((keyCount * groupCount) / 32));
  for (let p = 0; p < groupOf.length; p++) {
    const g = groupOf[p]!;
    if (g < 0) continue;
    const k = keys[p]!;
    if (k < 0) continue;
    // A key's groups side by side: a key seen again soon after is seen in the same word.
    const pair = k * groupCount + g;
    const word = pair >>> 5, bit = 1 << (pair & 31);
    if ((seen[word]! & bit) === 0) {
      seen[word]! |= bit;
      counts[g]!++;
    }
  }
  return counts;
}

/**
 * For each group, the number of positions each of its keys has (one entry
 * per distinct key), e.g. messages per clinician within a role.
 */
export function countsPerGroup(groupOf: ArrayLike<number>, buckets: Buckets, groupCount: number): number[][] {
  const out: number[][] = Array.from({ length: groupCount }, () => []);
  const stamp = new Int32Array(groupCount).fill(-1);
  const tally = new Int32Array(groupCount);
  const touched: number[] = [];
  const keyCount = buckets.start.length - 1;
  for (let k = 0; k < keyCount; k++) {
    touched.length = 0;
    for (let q = buckets.start[k]!; q < buckets.start[k + 1]!; q++) {
      const g = groupOf[buckets.order[q]!]!;
      if (g < 0) continue;
      if (stamp[g] !== k) {
        stamp[g] = k;
        tally[g] = 0;
        touched.push(g);
      }
      tally[g]!++;
    }
    for (const g of touched) out[g]!.push(tally[g]!);
  }
  return out;
}

/**
 * values[order[q]] for q in [from, to): one group's figures, with `order`
 * a bucket's positions (increasing). When they are from…to−1 themselves (a
 * group holding every position, as the overall row's), the figures are read
 * as they lie: a view, or with `writable` a copy in one move, instead of a
 * gather of millions one by one. A view must not be written to.
 *
 * @example gatherGroup(Float64Array.of(5, 6, 7), Int32Array.of(0, 2), 0, 2, false) // [5, 7]
 */
export function gatherGroup(values: Float64Array, order: Int32Array, from: number, to: number, writable: boolean): Float64Array {
  // Increasing positions from `from` to `to − 1`, to − from of them: every one in between.
  if (to > from && order[from] === from && order[to - 1] === to - 1) return writable ? values.slice(from, to) : values.subarray(from, to);
  const out = new Float64Array(to - from);
  for (let q = from; q < to; q++) out[q - from] = values[order[q]!]!;
  return out;
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const TWO_32 = 2 ** 32;

/**
 * Positions 0…n-1 ordered by their keys, equal keys in position order. Keys
 * are milliseconds (a time since the earliest, a wait): when all are whole
 * numbers from 0 to 2^53, a stable least-significant-digit radix sort, 11
 * bits a pass, passes whose digit is the same for every key skipped; else
 * (fractions of a millisecond) a stable comparator sort. On the benchmark's
 * 3.6 million replies the radix sort takes a tenth of the time of the
 * comparator, and one order serves every grouping (bucketBy is stable).
 *
 * @example orderByKey(Float64Array.of(30, 10, 20, 10)) // [1, 3, 2, 0]
 */
export function orderByKey(keys: Float64Array): Int32Array {
  return sortByKey(keys).order;
}

/**
 * `orderByKey`'s order and the keys in that order. Each radix pass moves the
 * positions together with their keys' words, so every pass reads in order
 * (reading the words by position at random was most of a pass's time), and
 * the sorted keys come out without a gather. With `labels`, the order holds
 * labels[p] instead of p; with `payload`, `carried` holds payload[p] in the
 * order: both moved with the keys, again instead of a gather at random
 * after the sort.
 *
 * @example sortByKey(Float64Array.of(30, 10, 20)) // { order: [1, 2, 0], sorted: [10, 20, 30] }
 * @example sortByKey(Float64Array.of(30, 10), { labels: Int32Array.of(7, 9), payload: Float64Array.of(0.5, 2) }) // { order: [9, 7], sorted: [10, 30], carried: [2, 0.5] }
 */
export function sortByKey(keys: Float64Array, carry: { labels?: Int32Array; payload?: Float64Array } = {}): { order: Int32Array; sorted: Float64Array; carried: Float64Array } {
  const n = keys.length;
  const { labels, payload } = carry;
  // Keys that are all whole seconds (times read to the second) are sorted as seconds: a pass fewer.
  // Tried as seconds first; at the first key that is not, read again as milliseconds.
  let scale = 1000;
  let low = new Uint32Array(n);
  let high = new Uint32Array(n);
  let maxHigh = 0, maxLow = 0;
  for (let p = 0; p < n; p++) {
    const k = keys[p]! / scale;
    if (!(k >= 0 && k <= Number.MAX_SAFE_INTEGER && Math.floor(k) === k && k * scale === keys[p])) {
      if (scale !== 1) {
        scale = 1;
        maxHigh = maxLow = 0;
        p = -1;
        continue;
      }
      const order = Int32Array.from([...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b));
      return {
        order: labels === undefined ? order : order.map((p) => labels[p]!),
        sorted: Float64Array.from(order, (p) => keys[p]!),
        carried: payload === undefined ? new Float64Array(0) : Float64Array.from(order, (p) => payload[p]!),
      };
    }
    const h = Math.floor(k / TWO_32);
    const l = k - h * TWO_32;
    low[p] = l;
    high[p] = h;
    if (h > maxHigh) maxHigh = h;
    if (l > maxLow) maxLow = l;
  }
  // Without high words, they are not moved; nor are low digits above the largest key's.
  const moveHigh = maxHigh > 0;
  let order = labels === undefined ? new Int32Array(n) : labels.slice(0, n);
  if (labels === undefined) for (let p = 0; p < n; p++) order[p] = p;
  let spareOrder = new Int32Array(n);
  let carried = payload === undefined ? new Float64Array(0) : payload.slice(0, n);
  let spareCarried = new Float64Array(carried.length);
  let spareLow = new Uint32Array(n);
  let spareHigh = new Uint32Array(n);
  const counts = new Int32Array(RADIX);
  const pass = (byHigh: boolean, shift: number) => {
    const words = byHigh ? high : low;
    counts.fill(0);
    for (let q = 0; q < n; q++) counts[(words[q]! >>> shift) & (RADIX - 1)]!++;
    for (let d = 0; d < RADIX; d++) if (counts[d] === n) return; // one digit for all: nothing to move
    for (let d = 0, at = 0; d < RADIX; d++) {
      const c = counts[d]!;
      counts[d] = at;
      at += c;
    }
    if (payload === undefined) {
      for (let q = 0; q < n; q++) {
        const to = counts[(words[q]! >>> shift) & (RADIX - 1)]!++;
        spareOrder[to] = order[q]!;
        spareLow[to] = low[q]!;
        if (moveHigh) spareHigh[to] = high[q]!;
      }
    } else {
      for (let q = 0; q < n; q++) {
        const to = counts[(words[q]! >>> shift) & (RADIX - 1)]!++;
        spareOrder[to] = order[q]!;
        spareLow[to] = low[q]!;
        if (moveHigh) spareHigh[to] = high[q]!;
        spareCarried[to] = carried[q]!;
      }
      [carried, spareCarried] = [spareCarried, carried];
    }
    [order, spareOrder] = [spareOrder, order];
    [low, spareLow] = [spareLow, low];
    [high, spareHigh] = [spareHigh, high];
  };
  for (let shift = 0; shift < 32 && (moveHigh || maxLow >>> shift > 0); shift += RADIX_BITS) pass(false, shift);
  for (let shift = 0; shift < 32 && maxHigh >>> shift > 0; shift += RADIX_BITS) pass(true, shift);
  const sorted = new Float64Array(n);
  for (let q = 0; q < n; q++) sorted[q] = (high[q]! * TWO_32 + low[q]!) * scale;
  return { order, sorted, carried };
}
