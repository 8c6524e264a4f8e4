import { describe, expect, it } from 'vitest';
import { COLUMN_NAMES, MessageColumns } from './rows.js';

describe('MessageColumns.pushRow', () => {
  it('appends one value to every column, growing them together past their capacity', () => {
    const columns = new MessageColumns();
    // One column with more room than the others (a merge appends column by column): every column must still grow.
    columns.utc.reserve(4096);
    const rows = 2500; // past the 1,024 places a column starts with, twice
    // Row r holds r + c in column c, but 1.5 + r in utc and r % 2 in senderType (a Uint8Array).
    for (let r = 0; r < rows; r++) columns.pushRow(1.5 + r, r + 1, r + 2, r + 3, r + 4, r + 5, r % 2, r + 7, r + 8, r + 9, r + 10, r + 11, r + 12, r + 13);
    expect(columns.length).toBe(rows);
    for (const name of COLUMN_NAMES) expect(columns[name].length, name).toBe(rows);
    const last = rows - 1;
    const expected = [1.5 + last, last + 1, last + 2, last + 3, last + 4, last + 5, last % 2, last + 7, last + 8, last + 9, last + 10, last + 11, last + 12, last + 13];
    COLUMN_NAMES.forEach((name, c) => {
      expect(columns[name].get(last), name).toBe(expected[c]);
      expect(columns[name].get(1000), name).toBe(c === 0 ? 1001.5 : c === 6 ? 0 : 1000 + c);
    });
  });
});
