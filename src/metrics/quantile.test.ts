import { median } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { random } from '../generate/synthetic.js';
import { meanOrNull, quantile, quantileSorted } from './quantile.js';

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
