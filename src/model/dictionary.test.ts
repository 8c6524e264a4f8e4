import { afterEach, describe, expect, it, vi } from 'vitest';
import { ByteDictionary } from './dictionary.js';

/** Random keys of 0–20 bytes from a small alphabet with NUL, so short keys differ only in trailing zeros, lengths and prefixes. */
function randomKeys(count: number, seed: number): Uint8Array[] {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8);
  const alphabet = [0, 0x41, 0x42, 0x30, 0xc3, 0xa9];
  return Array.from({ length: count }, () => Uint8Array.from({ length: next() % 21 }, () => alphabet[next() % alphabet.length]!));
}

describe('ByteDictionary', () => {
  it('gives the same ids as a Map of the keys, in first-seen order, through resizes', () => {
    const keys = randomKeys(60_000, 7);
    const dictionary = new ByteDictionary();
    const map = new Map<string, number>();
    const ids: number[] = [], expected: number[] = [];
    for (const key of keys) {
      const text = Array.from(key).join(',');
      if (!map.has(text)) map.set(text, map.size);
      expected.push(map.get(text)!);
      // The key inside a larger buffer, at an offset, as the CSV reader hands it over.
      const buffer = new Uint8Array(key.length + 6);
      buffer.set(key, 3);
      ids.push(dictionary.id(buffer, 3, 3 + key.length));
    }
    expect(ids).toEqual(expected);
    expect(dictionary.size).toBe(map.size);
    // Keys that differ only in trailing NUL bytes or length stay apart: "A", "A\0", "A\0\0".
    const tiny = new ByteDictionary();
    expect([tiny.id(Uint8Array.of(0x41), 0, 1), tiny.id(Uint8Array.of(0x41, 0), 0, 2), tiny.id(Uint8Array.of(0x41, 0, 0), 0, 3), tiny.id(new Uint8Array(0), 0, 0), tiny.id(Uint8Array.of(0x41, 0), 0, 2)]).toEqual([0, 1, 2, 3, 1]);
  });

  it('reserves without changing ids, returns key bytes, and compares as strings do', () => {
    const dictionary = new ByteDictionary();
    const a = dictionary.idOf('M0000002');
    dictionary.reserve(100_000, 10);
    expect(dictionary.idOf('a much longer key than eight bytes')).toBe(1);
    expect(dictionary.idOf('M0000002')).toBe(a);
    expect(new TextDecoder().decode(dictionary.bytesOf(1))).toBe('a much longer key than eight bytes');
    expect(dictionary.compare(0, 1)).toBe(-1); // 'M' (0x4d) sorts before 'a' (0x61)
  });
});

// A spy left by a failed test must not count the next test's lookups.
afterEach(() => vi.restoreAllMocks());

describe('ByteDictionary keys in order', () => {
  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `M${String(from + i).padStart(7, '0')}`);

  it('holds keys that come in order without a hash table, and builds it at the first key out of order', () => {
    const dictionary = new ByteDictionary();
    dictionary.reserve(200_000, 8);
    const keys = ids(1, 50_001);
    // Each key twice in a row (recipient rows, rows of one thread): the second is the last key.
    expect(keys.flatMap((key) => [dictionary.idOf(key), dictionary.idOf(key)])).toEqual(keys.flatMap((_, i) => [i, i]));
    expect(dictionary.inOrder).toBe(true);
    // Arena and offsets only: 50,000 × 8 bytes and 200,000 offsets reserved, no 200,000-key table of 16-byte slots.
    expect(dictionary.bytes).toBeLessThan(3_000_000);
    // A key out of order: the table is built (sized for the 200,000 reserved), every key is found, new keys go on.
    expect(dictionary.idOf('M0000007')).toBe(6);
    expect(dictionary.inOrder).toBe(false);
    expect(dictionary.bytes).toBeGreaterThan(200_000 * 16);
    expect(keys.map((key) => dictionary.idOf(key))).toEqual(keys.map((_, i) => i));
    expect(dictionary.idOf('A')).toBe(50_000);
    expect(dictionary.idOf('M9999999')).toBe(50_001);
    expect(dictionary.idOf('A')).toBe(50_000);
    // Lengths order keys before bytes: '9' < '10'.
    const numbers = new ByteDictionary();
    expect(['9', '10', '11', '9'].map((k) => numbers.idOf(k))).toEqual([0, 1, 2, 0]);
    expect(numbers.inOrder).toBe(false);
  });

  it('merges parts in order by appending (a key may straddle them), and looks up otherwise', () => {
    const lookUps = vi.spyOn(ByteDictionary.prototype as unknown as { lookUpAll: () => unknown }, 'lookUpAll');
    const of = (keys: string[]) => {
      const d = new ByteDictionary();
      for (const k of keys) d.idOf(k);
      return d;
    };
    // A thread straddling the parts: the second part's first key is the first part's last.
    const first = of(ids(1, 1000)), isNew = new Uint8Array(1001);
    const merged = first.merge(of(ids(999, 2000)).state(), isNew);
    expect(Array.from(merged.subarray(0, 3))).toEqual([998, 999, 1000]);
    expect(Array.from(isNew.subarray(0, 3))).toEqual([0, 1, 1]);
    expect(isNew.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(first.values()).toEqual(ids(1, 2000));
    expect(first.inOrder).toBe(true);
    // Then out of order: found where they were.
    expect(first.idOf('M0000500')).toBe(499);
    expect(first.idOf('M0001500')).toBe(1499);
    expect(lookUps).not.toHaveBeenCalled();
    // mergeLast in order: the same ids, then frozen.
    const last = of(ids(1, 10));
    expect(Array.from(last.mergeLast(of(ids(10, 13)).state()))).toEqual([9, 10, 11]);
    expect(() => last.idOf('M0000001')).toThrow(/after freeze/);
    expect(lookUps).not.toHaveBeenCalled();
    // The other's keys start before the last here: looked up, the same ids as adding them one by one.
    const overlapping = of(ids(1, 100));
    const one = of(ids(1, 100));
    const back = overlapping.merge(of([...ids(50, 60), 'A', ...ids(200, 210)]).state());
    expect(lookUps).toHaveBeenCalledTimes(1);
    expect(Array.from(back)).toEqual([...ids(50, 60), 'A', ...ids(200, 210)].map((k) => one.idOf(k)));
    expect(overlapping.values()).toEqual(one.values());
    lookUps.mockRestore();
  });
});

describe('ByteDictionary.merge', () => {
  it('appends a disjoint dictionary as one-by-one adding would, and tells when the other is not disjoint', () => {
    const keys = randomKeys(30_000, 5);
    const unique = [...new Map(keys.map((k) => [new TextDecoder().decode(k), k])).values()];
    const one = new ByteDictionary(), first = new ByteDictionary(), second = new ByteDictionary();
    unique.forEach((key, i) => {
      one.id(key, 0, key.length);
      (i < 20_000 ? first : second).id(key, 0, key.length);
    });
    const overlapping = new ByteDictionary();
    overlapping.id(unique[5]!, 0, unique[5]!.length);
    expect(first.appendDisjoint(overlapping.state())).toBe(false);
    expect(first.appendDisjoint(second.state())).toBe(true);
    expect(first.size).toBe(one.size);
    for (let id = 0; id < one.size; id++) expect(first.value(id)).toBe(one.value(id));
  });

  it('gives the ids that adding the other keys one by one gives, and can be undone', () => {
    const keys = randomKeys(40_000, 11);
    const one = new ByteDictionary(), first = new ByteDictionary(), second = new ByteDictionary();
    keys.forEach((key, i) => {
      one.id(key, 0, key.length);
      (i < 25_000 ? first : second).id(key, 0, key.length);
    });
    const before = first.size;
    const isNew = new Uint8Array(second.size);
    const ids = first.merge(second.state(), isNew);
    expect(first.size).toBe(one.size);
    for (let k = 0; k < second.size; k++) {
      expect(ids[k]).toBe(one.id(second.bytesOf(k), 0, second.bytesOf(k).length));
      expect(isNew[k]).toBe(ids[k]! >= before ? 1 : 0);
    }
    for (let id = 0; id < one.size; id++) expect(first.value(id)).toBe(one.value(id));
    // Every key, short or long, is found where the merge placed it: the same id, nothing added.
    keys.forEach((key) => expect(first.id(key, 0, key.length)).toBe(one.id(key, 0, key.length)));
    expect(first.size).toBe(one.size);
    // Undone: the keys of the second half that were new are gone, the rest keep their ids.
    first.truncate(before);
    expect(first.size).toBe(before);
    keys.slice(0, 25_000).forEach((key) => expect(first.id(key, 0, key.length)).toBeLessThan(before));
    expect(first.size).toBe(before);
  });

  it('mergeLast gives merge’s ids and keys, then takes no more lookups', () => {
    const keys = randomKeys(40_000, 7);
    const one = new ByteDictionary(), first = new ByteDictionary(), second = new ByteDictionary();
    keys.forEach((key, i) => {
      one.id(key, 0, key.length);
      (i < 25_000 ? first : second).id(key, 0, key.length);
    });
    const ids = first.mergeLast(second.state());
    expect(first.size).toBe(one.size);
    for (let k = 0; k < second.size; k++) expect(ids[k]).toBe(one.id(second.bytesOf(k), 0, second.bytesOf(k).length));
    for (let id = 0; id < one.size; id++) expect(first.value(id)).toBe(one.value(id));
    expect(() => first.id(keys[0]!, 0, keys[0]!.length)).toThrow(/after freeze/);
  });

  it('appendDisjoint: parts whose key ranges do not meet are appended without lookups; others are looked up', () => {
    const ranged = (keys: string[]) => {
      const d = new ByteDictionary();
      d.trackRange();
      for (const k of keys) d.idOf(k);
      return d;
    };
    const lookUps = vi.spyOn(ByteDictionary.prototype as unknown as { lookUpAll: () => unknown }, 'lookUpAll');
    // Numbered in order, in either order of the parts: no lookup.
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `M${String(from + i).padStart(7, '0')}`);
    expect(ranged(ids(1, 1000)).appendDisjoint(ranged(ids(1000, 2000)).state())).toBe(true);
    expect(ranged(ids(1000, 2000)).appendDisjoint(ranged(ids(1, 1000)).state())).toBe(true);
    expect(lookUps).not.toHaveBeenCalled();
    const first = ranged(ids(1, 1000));
    first.appendDisjoint(ranged(ids(1000, 2000)).state());
    expect(first.values()).toEqual(ids(1, 2000));
    // Lengths order keys before bytes: 9 < 10 < 11 here, so {9, 11} and {10} meet and are looked up (and share no key).
    expect(ranged(['9', '11']).appendDisjoint(ranged(['10']).state())).toBe(true);
    expect(lookUps).toHaveBeenCalledTimes(1);
    // Random sets against the plain answer.
    const keys = randomKeys(4_000, 3).map((k) => new TextDecoder().decode(k));
    for (let trial = 0; trial < 40; trial++) {
      const a = keys.slice(trial * 50, trial * 50 + 30 + trial), b = keys.slice(trial * 50 + 20 + trial, trial * 50 + 80);
      const disjoint = !a.some((k) => b.includes(k));
      const d = ranged(a);
      expect(d.appendDisjoint(ranged(b).state())).toBe(disjoint);
      if (disjoint) expect(d.values()).toEqual([...new Set(a), ...new Set(b)]);
    }
    // After a merge, the range is no longer kept: lookups again.
    lookUps.mockClear();
    const merged = ranged(ids(1, 10));
    merged.merge(ranged(ids(5, 20)).state());
    expect(merged.appendDisjoint(ranged(ids(100, 110)).state())).toBe(true);
    expect(lookUps).toHaveBeenCalledTimes(2);
    lookUps.mockRestore();
  });
});
