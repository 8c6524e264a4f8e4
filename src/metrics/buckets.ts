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
