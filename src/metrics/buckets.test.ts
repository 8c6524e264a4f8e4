import { describe, expect, it } from 'vitest';
import { bucketBy, countsPerGroup, distinctKeysPerGroup, distinctPerGroup, gatherGroup, MAX_PAIR_BITS, narrowGroups, orderByKey, sortByKey } from './buckets.js';

/** A small deterministic generator (no Math.random in tests). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** The stable order a comparator sort gives (Array.prototype.sort is stable). */
function reference(keys: Float64Array): number[] {
  return [...keys.keys()].sort((a, b) => keys[a]! - keys[b]!);
}

describe('orderByKey', () => {
  it('orders positions by key, equal keys in position order', () => {
    // 10 at positions 1 and 3 (1 first), then 20, then 30.
    expect([...orderByKey(Float64Array.of(30, 10, 20, 10))]).toEqual([1, 3, 2, 0]);
    expect([...orderByKey(new Float64Array(0))]).toEqual([]);
  });

  it('equals a stable comparator sort: ties, keys past 2^32 (a span of years in ms), one digit for all', () => {
    const random = lcg(16);
    for (const [n, span] of [
      [1000, 50], // many ties
      [5000, 3.2e10], // a year of milliseconds
      [5000, 2 ** 52], // the high word in play
      [300, 1], // all keys equal: every pass skipped
    ] as const) {
      const keys = Float64Array.from({ length: n }, () => Math.floor(random() * span));
      expect([...orderByKey(keys)]).toEqual(reference(keys));
      // Whole seconds in milliseconds (sorted as seconds), and all but one of them: the same order as a comparator's.
      const seconds = keys.map((k) => k * 1000);
      expect([...orderByKey(seconds)]).toEqual(reference(seconds));
      seconds[n >> 1] = seconds[n >> 1]! + 1;
      expect([...orderByKey(seconds)]).toEqual(reference(seconds));
      expect([...sortByKey(seconds).sorted]).toEqual([...seconds].sort((a, b) => a - b));
    }
  });

  it('orders keys that are not whole numbers from 0 to 2^53 by a comparator, as stably', () => {
    for (const odd of [-1, 0.5, 2 ** 54]) {
      const keys = Float64Array.of(3, odd, 1, odd, 2);
      expect([...orderByKey(keys)]).toEqual(reference(keys));
    }
  });

  it('gives, bucketed by group, each group in key order (one order serves every grouping)', () => {
    const keys = Float64Array.of(5, 3, 9, 1, 3);
    const groups = [0, 1, 0, 1, 0];
    const order = orderByKey(keys);
    const buckets = bucketBy(Int32Array.from(order, (p) => groups[p]!), 2);
    const members = (g: number) => [...buckets.order.subarray(buckets.start[g], buckets.start[g + 1])].map((q) => keys[order[q]!]);
    // group 0: keys 5, 9, 3 → 3, 5, 9; group 1: keys 3, 1 → 1, 3.
    expect(members(0)).toEqual([3, 5, 9]);
    expect(members(1)).toEqual([1, 3]);
  });
});

describe('gatherGroup', () => {
  it('gathers a group’s figures by its positions; reads them as they lie when the group holds every position in between', () => {
    const values = Float64Array.of(10, 11, 12, 13, 14);
    // Group 0 holds positions 1 and 3, group 1 positions 0, 2, 4 (buckets of [1, 0, 1, 0, 1]).
    const { order, start } = bucketBy(Int32Array.of(1, 0, 1, 0, 1), 2);
    expect([...gatherGroup(values, order, start[0]!, start[1]!, false)]).toEqual([11, 13]);
    expect([...gatherGroup(values, order, start[1]!, start[2]!, false)]).toEqual([10, 12, 14]);
    // One group of every position: a view of the values, or with writable a copy that leaves them alone.
    const all = bucketBy(new Int32Array(5), 1);
    const view = gatherGroup(values, all.order, 0, 5, false);
    expect(view.buffer).toBe(values.buffer);
    const copy = gatherGroup(values, all.order, 0, 5, true);
    copy[0] = -1;
    expect([...values]).toEqual([10, 11, 12, 13, 14]);
    expect([...gatherGroup(values, all.order, 2, 2, true)]).toEqual([]);
  });
});

describe('sortByKey', () => {
  it('gives orderByKey’s order and the keys in that order, by radix and by comparator', () => {
    let state = 7;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 4);
    const whole = Float64Array.from({ length: 20_000 }, () => (next() % 500) * 2 ** 33 + (next() % 3000)); // ties, keys past 2^32
    const fractional = Float64Array.from({ length: 2_000 }, () => (next() % 300) / 7);
    for (const keys of [whole, fractional, new Float64Array(0), Float64Array.of(5)]) {
      const { order, sorted } = sortByKey(keys);
      expect([...order]).toEqual([...orderByKey(keys)]);
      expect([...sorted]).toEqual([...order].map((p) => keys[p]!));
      expect([...sorted]).toEqual([...keys].sort((a, b) => a - b));
    }
  });

  it('moves labels and a payload with the keys: the same as gathering them by the plain order', () => {
    let state = 11;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 4);
    const whole = Float64Array.from({ length: 20_000 }, () => (next() % 500) * 2 ** 33 + (next() % 3000));
    const fractional = Float64Array.from({ length: 2_000 }, () => (next() % 300) / 7);
    for (const keys of [whole, fractional, new Float64Array(0)]) {
      const labels = Int32Array.from(keys, (_, p) => 3 * p + 1);
      const payload = Float64Array.from(keys, (_, p) => p / 3);
      const plain = sortByKey(keys).order;
      const { order, sorted, carried } = sortByKey(keys, { labels, payload });
      expect([...order]).toEqual([...plain].map((p) => labels[p]!));
      expect([...carried]).toEqual([...plain].map((p) => payload[p]!));
      expect([...sorted]).toEqual([...plain].map((p) => keys[p]!));
      expect([...sortByKey(keys, { labels }).order]).toEqual([...order]);
    }
    expect(sortByKey(Float64Array.of(30, 10), { labels: Int32Array.of(7, 9), payload: Float64Array.of(0.5, 2) })).toEqual({
      order: Int32Array.of(9, 7),
      sorted: Float64Array.of(10, 30),
      carried: Float64Array.of(2, 0.5),
    });
  });
});

describe('narrowGroups', () => {
  it('keeps every group number in the narrowest array that holds them, and the counts per group do not change', () => {
    const keys = Int32Array.from({ length: 5000 }, (_, p) => (p * 7919) % 613);
    for (const groupCount of [1, 127, 128, 32767, 32768]) {
      const groupOf = Int32Array.from({ length: 5000 }, (_, p) => (p % 11 === 0 ? -1 : (p * 31) % groupCount));
      const narrow = narrowGroups(groupOf, groupCount);
      expect(narrow.constructor).toBe(groupCount <= 127 ? Int8Array : groupCount <= 32767 ? Int16Array : Int32Array);
      expect([...narrow]).toEqual([...groupOf]);
      const buckets = bucketBy(keys, 613);
      expect([...distinctPerGroup(narrow, buckets, groupCount)]).toEqual([...distinctPerGroup(groupOf, buckets, groupCount)]);
      expect(countsPerGroup(narrow, buckets, groupCount)).toEqual(countsPerGroup(groupOf, buckets, groupCount));
    }
  });
});

describe('distinctKeysPerGroup', () => {
  it('counts each group’s distinct keys, leaving out negative groups and keys', () => {
    // Group 0: keys 7, 7, 3 → 2; group 1: key 7 → 1 (the key -1 is left out); position 5 has no group.
    const groupOf = Int8Array.of(0, 0, 0, 1, 1, -1);
    const keys = Int32Array.of(7, 7, 3, 7, -1, 3);
    const buckets = () => bucketBy(keys, 8);
    expect([...distinctKeysPerGroup(groupOf, keys, 8, 2, buckets)]).toEqual([2, 1]);
    expect([...distinctPerGroup(groupOf, buckets(), 2)]).toEqual([2, 1]);
  });

  it('equals the buckets’ count in bits, and uses the buckets only for a table too large for bits', () => {
    const random = lcg(27);
    for (const [n, keyCount, groupCount] of [
      [20_000, 613, 12],
      [20_000, 50_000, 1],
      [5_000, 7, 300],
      [3_000, 40_000, 20_000], // 8e8 pairs: past MAX_PAIR_BITS
    ] as const) {
      const groupOf = Int32Array.from({ length: n }, () => Math.floor(random() * (groupCount + 1)) - 1);
      const keys = Int32Array.from({ length: n }, () => Math.floor(random() * (keyCount + 1)) - 1);
      let made = 0;
      const buckets = () => (made++, bucketBy(keys, keyCount));
      const counts = distinctKeysPerGroup(groupOf, keys, keyCount, groupCount, buckets);
      expect([...counts]).toEqual([...distinctPerGroup(groupOf, bucketBy(keys, keyCount), groupCount)]);
      expect(made).toBe(keyCount * groupCount > MAX_PAIR_BITS ? 1 : 0);
    }
  });
});
