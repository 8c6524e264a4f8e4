import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { random } from '../generate/synthetic.js';
import { Zone } from '../model/zone.js';
import { parseTimestamp, parseTimestampBytes } from './timestamp.js';

const NY = new Zone('America/New_York');
const UTC = new Zone('UTC');
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseTimestamp', () => {
  it('reads the ISO 8601 forms', () => {
    expect(iso(parseTimestamp('2024-03-05T14:03:00', UTC))).toBe('2024-03-05T14:03:00.000Z');
    expect(iso(parseTimestamp('2024-03-05 14:03', UTC))).toBe('2024-03-05T14:03:00.000Z');
    expect(iso(parseTimestamp('2024-03-05 14:03:07.25', UTC))).toBe('2024-03-05T14:03:07.250Z');
    expect(iso(parseTimestamp('2024-03-05T14:03:07.123456Z', NY))).toBe('2024-03-05T14:03:07.123Z');
    expect(iso(parseTimestamp('2024-03-05T14:03:00+05:30', NY))).toBe('2024-03-05T08:33:00.000Z');
    expect(iso(parseTimestamp('2024-03-05T14:03:00-0800', NY))).toBe('2024-03-05T22:03:00.000Z');
    expect(iso(parseTimestamp(' 2024-03-05T14:03:00Z ', NY))).toBe('2024-03-05T14:03:00.000Z');
  });

  it('reads the US export form', () => {
    expect(iso(parseTimestamp('3/5/2024 2:03:00 PM', UTC))).toBe('2024-03-05T14:03:00.000Z');
    expect(iso(parseTimestamp('3/5/2024 12:15 AM', UTC))).toBe('2024-03-05T00:15:00.000Z');
    expect(iso(parseTimestamp('3/5/2024 12:15 PM', UTC))).toBe('2024-03-05T12:15:00.000Z');
    expect(iso(parseTimestamp('12/31/2024 11:59:59 pm', UTC))).toBe('2024-12-31T23:59:59.000Z');
    expect(iso(parseTimestamp('03/05/2024 14:03', UTC))).toBe('2024-03-05T14:03:00.000Z');
  });

  it('refuses what is not a real time', () => {
    for (const bad of ['', 'yesterday', '2024-13-01 10:00', '2024-02-30 10:00', '2023-02-29T10:00', '2024-03-05T24:00', '2024-03-05T10:60',
      '3/5/2024 13:00 PM', '3/5/2024 0:30 AM', '2024-03-05', '2024-03-05T10:00+25:00', '5/3/24 10:00 AM']) {
      expect(parseTimestamp(bad, UTC), bad).toBeNaN();
    }
    expect(parseTimestamp('2024-02-29T10:00', UTC)).not.toBeNaN();
  });

  it('gives real elapsed time across both 2024 DST changes in New York', () => {
    // Spring forward, 10 March 2024: 01:30 EST to 03:30 EDT is one real hour.
    expect(parseTimestamp('2024-03-10 03:30', NY) - parseTimestamp('2024-03-10 01:30', NY)).toBe(1 * 3_600_000);
    // Fall back, 3 November 2024: 00:30 EDT to 02:30 EST is three real hours.
    expect(parseTimestamp('2024-11-03 02:30', NY) - parseTimestamp('2024-11-03 00:30', NY)).toBe(3 * 3_600_000);
    // The US form agrees.
    expect(parseTimestamp('11/3/2024 2:30 AM', NY) - parseTimestamp('11/3/2024 12:30 AM', NY)).toBe(3 * 3_600_000);
    // A wall time in the spring gap moves forward, as TZDate does: 02:30 reads as 03:30 EDT.
    expect(iso(parseTimestamp('2024-03-10 02:30', NY))).toBe('2024-03-10T07:30:00.000Z');
  });

  it('reads the same from bytes as from text, on forms of every shape', () => {
    const rand = random(5);
    const pieces = ['2024', '-', '03', '-', '10', ' ', 'T', '02', ':', '30', ':', '59', 'Z', '+05:30', '.5', '3/', '10/', '2024 ', '12', ':05', ' AM', ' PM', ' pm', '13', '00', '60', '2/29/2023 ', '9', ' ', 'x'];
    const cases = ['2024-03-10 02:30:00', '2024-03-10T02:30', '2024-03-10 02:30:00Z', '3/10/2024 2:30 AM', '12/31/2024 11:59:59 PM', '3/10/2024 12:00 am', '2/29/2023 1:00 PM', '2024-02-30 10:00', '3/10/2024 13:00 PM', '3/10/2024 2:60 AM', '2024-03-10 24:00', '2024-03-10 02:30:00z'];
    for (let k = 0; k < 3000; k++) cases.push(Array.from({ length: 1 + Math.floor(rand() * 9) }, () => pieces[Math.floor(rand() * pieces.length)]).join(''));
    for (const text of cases) {
      const bytes = new TextEncoder().encode(text);
      const fromBytes = parseTimestampBytes(bytes, 0, bytes.length, NY, () => text);
      expect(Object.is(fromBytes, parseTimestamp(text, NY)) || fromBytes === parseTimestamp(text, NY), text).toBe(true);
    }
  });

  it('agrees with TZDate on 2,000 random naive times in New York', () => {
    const rand = random(99);
    for (let i = 0; i < 2000; i++) {
      const t = Date.UTC(2023, 0, 1) + Math.floor(rand() * 3 * 365 * 86_400_000 / 1000) * 1000;
      const d = new Date(t);
      const [y, mo, day, h, mi, s] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
      const p = (n: number) => String(n).padStart(2, '0');
      const expected = new TZDate(y, mo, day, h, mi, s, 0, 'America/New_York').getTime();
      expect(parseTimestamp(`${y}-${p(mo + 1)}-${p(day)} ${p(h)}:${p(mi)}:${p(s)}`, NY)).toBe(expected);
      const h12 = h % 12 === 0 ? 12 : h % 12;
      expect(parseTimestamp(`${mo + 1}/${day}/${y} ${h12}:${p(mi)}:${p(s)} ${h < 12 ? 'AM' : 'PM'}`, NY)).toBe(expected);
    }
  });
});
