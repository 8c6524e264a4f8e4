import { describe, expect, it } from 'vitest';
import { Column } from './store.js';

describe('Column.touch', () => {
  it('writes zeros over reserved places past the values only, and says when none are left', () => {
    const column = new Column(Int32Array, 4);
    column.append(Int32Array.of(7, 8, 9));
    column.reserve(10);
    // Places 3 to 9 are reserved; 2 from 1 past the values: places 4 and 5.
    expect(column.touch(1, 2)).toBe(true);
    expect(column.touch(6, 5)).toBe(true); // place 9, not past the capacity
    expect(column.touch(7, 1)).toBe(false);
    expect(column.length).toBe(3);
    expect(Array.from(column.finish())).toEqual([7, 8, 9]);
  });
});

describe('Column.padTo', () => {
  it('appends a value up to a length, past the capacity, and never shortens', () => {
    const column = new Column(Int32Array, 2);
    column.append(Int32Array.of(7));
    column.padTo(5, -1);
    expect(Array.from(column.finish())).toEqual([7, -1, -1, -1, -1]);
    column.padTo(3, 9);
    expect(column.length).toBe(5);
  });
});
