import { median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { random } from '../generate/synthetic.js';
import { meanOrNull, quantile, quantileBySelection, quantileOfCounts, quantileSorted } from './quantile.js';

describe('quantileSorted (type 7)', () => {
  it('matches R quantile() values', () => {
    // R: quantile(c(1,2,3,4,10), c(0, .25, .5, .9, 1)) = 1, 2, 3, 7.6, 10
    //    h = 4p: p=.9 -> h=3.6 -> 4 + 0.6*(10-4) = 7.6
    const x = [1, 2, 3, 4, 10];
    const expected = [1, 2, 3, 7.6, 10];
    [0, 0.25, 0.5, 0.9, 1].forEach((p, i) => expect(quantileSorted(x, p)).toBeCloseTo(expected[i]!, 12));
    // R: quantile(c(0.5, 2, 24, 30), .9) = 28.2   (h = 2.7 -> 24 + 0.7*6)
    expect(quantileSorted([0.5, 2, 24, 30], 0.9)).toBeCloseTo(28.2, 12);
    // R: quantile(c(5), .9) = 5
    expect(quantileSorted([5], 0.9)).toBe(5);
    // R: quantile(1:10, .9) = 9.1
    expect(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
  });

  it('gives the same median as simple-statistics on random data', () => {
    const rand = random(11);
    for (let k = 0; k < 200; k++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.round(rand() * 1000) / 10);
      expect(quantile(values, 0.5)).toBeCloseTo(median(values), 10);
    }
  });

  it('is loud on empty input and blank where a group has nothing', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(/no values/);
    expect(quantile([], 0.5)).toBeNull();
    expect(meanOrNull([])).toBeNull();
    expect(meanOrNull([1, 2, 6])).toBe(3);
  });
});

describe('quantileOfCounts', () => {
  it('gives exactly what quantileSorted gives on the whole numbers the counts stand for', () => {
    // [0, 1, 1, 1, 3]: p 0.9 → h 3.6, between ranks 3 (1) and 4 (3) → 1 + 0.6 × 2 = 2.2.
    expect(quantileOfCounts(Int32Array.of(1, 3, 0, 1), 0, 4, 5, 0.9)).toBe(quantileSorted([0, 1, 1, 1, 3], 0.9));
    let state = 5;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 200);
      const size = 1 + Math.floor(random() * 12);
      const values = Array.from({ length: n }, () => Math.floor(random() ** 2 * size));
      // The counts of one group among others: at an offset in a larger table.
      const counts = new Int32Array(3 * size);
      for (const v of values) counts[size + v]!++;
      const sorted = Float64Array.from(values).sort();
      for (const p of [0, 0.1, 0.5, 0.9, 1]) expect(quantileOfCounts(counts, size, size, n, p)).toBe(quantileSorted(sorted, p));
    }
    expect(() => quantileOfCounts(new Int32Array(3), 0, 3, 0, 0.5)).toThrow(/no values/);
  });
});

describe('quantileBySelection', () => {
  it('gives exactly what quantileSorted gives on the sorted values, ties and runs of equal values included', () => {
    let state = 3;
    const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 200);
      const distinct = 1 + Math.floor(random() * 10);
      // Few distinct values (rounds are small integers) or many (hours to reply).
      const values = Float64Array.from({ length: n }, () => (trial % 2 ? Math.floor(random() * distinct) : random() * 100));
      const sorted = Float64Array.from(values).sort();
      for (const p of [0, 0.1, 0.5, 0.9, 1]) expect(quantileBySelection(Float64Array.from(values), p)).toBe(quantileSorted(sorted, p));
    }
  });

  it('stays linear on an organ-pipe input and on a million equal values', () => {
    const pipe = Float64Array.from({ length: 100_001 }, (_, i) => Math.min(i, 100_000 - i));
    expect(quantileBySelection(Float64Array.from(pipe), 0.5)).toBe(quantileSorted(Float64Array.from(pipe).sort(), 0.5));
    expect(quantileBySelection(new Float64Array(1_000_000).fill(7), 0.9)).toBe(7);
  });
});
