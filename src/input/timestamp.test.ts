import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { random } from '../generate/synthetic.js';
import { Zone } from '../model/zone.js';
import { customTimeParser, IMPLAUSIBLE, parseTimestamp, parseTimestampBytes, timestampProblem } from './timestamp.js';

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
      '3/5/2024 13:00 PM', '3/5/2024 0:30 AM', '2024-03-05', '2024-03-05T10:00+25:00', 'Foo  4 2022  4:09PM',
      '31-FEB-22 04.09.00.000000 PM', '45352.6736111111', '19.03.2024 17:14']) {
      expect(parseTimestamp(bad, UTC), bad).toBeNaN();
    }
    expect(parseTimestamp('2024-02-29T10:00', UTC)).not.toBeNaN();
  });

  it('reads two-digit US years, SQL Server and Oracle text forms (SPEC 1.4)', () => {
    // Two-digit years are 20YY.
    expect(iso(parseTimestamp('3/4/22 4:09 PM', UTC))).toBe('2022-03-04T16:09:00.000Z');
    expect(iso(parseTimestamp('5/3/24 10:00 AM', UTC))).toBe('2024-05-03T10:00:00.000Z');
    // SQL Server's CONVERT(varchar, d) default: padded with spaces, no seconds.
    expect(iso(parseTimestamp('Mar  4 2022  4:09PM', UTC))).toBe('2022-03-04T16:09:00.000Z');
    expect(iso(parseTimestamp('Dec 31 2023 12:00AM', UTC))).toBe('2023-12-31T00:00:00.000Z');
    // Oracle's default TIMESTAMP text: DD-MON-RR HH.MI.SS.FF AM, six or nine fraction digits.
    expect(iso(parseTimestamp('04-MAR-22 04.09.00.000000 PM', UTC))).toBe('2022-03-04T16:09:00.000Z');
    expect(iso(parseTimestamp('04-mar-22 04.09.05.250000000 AM', UTC))).toBe('2022-03-04T04:09:05.250Z');
    // Wall-clock forms are read in the zone given (the input zone).
    expect(iso(parseTimestamp('Mar  4 2022  4:09PM', NY))).toBe('2022-03-04T21:09:00.000Z');
  });

  it('marks years outside 1990–2099 as implausible, not as times (SPEC 1.4)', () => {
    for (const sentinel of ['9999-12-31 00:00:00', '1900-01-01 00:00', '0001-01-01 00:00', '0099-06-01 10:00', '1/1/1900 12:00 AM', '2100-01-01T00:00Z']) {
      expect(parseTimestamp(sentinel, UTC), sentinel).toBe(IMPLAUSIBLE);
      const bytes = new TextEncoder().encode(sentinel);
      expect(parseTimestampBytes(bytes, 0, bytes.length, UTC, () => sentinel), sentinel).toBe(IMPLAUSIBLE);
    }
    expect(iso(parseTimestamp('1990-01-01 00:00', UTC))).toBe('1990-01-01T00:00:00.000Z');
    expect(iso(parseTimestamp('2099-12-31 23:59', UTC))).toBe('2099-12-31T23:59:00.000Z');
  });

  it('names the fix for what it cannot read', () => {
    expect(timestampProblem('2024-03-05')).toMatch(/a date without a time of day/);
    expect(timestampProblem('3/4/2022')).toMatch(/a date without a time of day/);
    expect(timestampProblem('45352.6736111111')).toMatch(/Excel serial day number/);
    expect(timestampProblem('19.03.2024 17:14')).toContain("--time-format 'dd.MM.yyyy HH:mm'");
    expect(timestampProblem('19/03/2024 17:14')).toContain("--time-format 'dd/MM/yyyy HH:mm'");
    expect(timestampProblem('2024-13-45 10:00')).toMatch(/no such date or time/);
    expect(timestampProblem('yesterday')).toMatch(/expected ISO 8601/);
  });

  it('reads --time-format patterns with date-fns tokens, as wall-clock time or with an offset', async () => {
    const dotted = await customTimeParser('dd.MM.yyyy HH:mm');
    expect(iso(dotted('19.03.2024 17:14', NY))).toBe('2024-03-19T21:14:00.000Z');
    expect(dotted('32.03.2024 17:14', NY)).toBeNaN();
    expect(dotted('19.03.1899 17:14', NY)).toBe(IMPLAUSIBLE);
    const offset = await customTimeParser("yyyyMMdd'T'HHmmssXX");
    expect(iso(offset('20240319T171400+0100', NY))).toBe('2024-03-19T16:14:00.000Z');
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

  it('reads YYYY-MM-DD HH:MM:SS from bytes as from text, dates seen before included', () => {
    // The bytes path keeps each date's midnight: every text twice, real dates and not (29 February 2023, month 13, hour 24, …).
    const rand = random(7);
    const p = (n: number, width = 2) => String(n).padStart(width, '0');
    const pick = <T>(values: T[]) => values[Math.floor(rand() * values.length)]!;
    const texts = ['2023-02-29 10:00:00', '2024-02-29 10:00:00', '2100-02-29 10:00:00', '2024-04-31 00:00:00', '2024-0a-10 10:00:00', '2024-03-10 02:30:00', '2024-11-03 01:30:00', '1989-12-31 23:59:59', '1990-01-01 00:00:00', '2099-12-31 23:59:59'];
    for (let k = 0; k < 3000; k++) {
      const date = `${p(pick([1989, 1990, 2023, 2024, 2099, 2100]), 4)}-${p(Math.floor(rand() * 14))}-${p(Math.floor(rand() * 33))}`;
      texts.push(`${date} ${p(Math.floor(rand() * 25))}:${p(Math.floor(rand() * 61))}:${p(Math.floor(rand() * 61))}`);
    }
    let read = 0;
    for (const zone of [NY, UTC]) {
      for (const text of [...texts, ...texts]) {
        const bytes = new TextEncoder().encode(text);
        const fromBytes = parseTimestampBytes(bytes, 0, bytes.length, zone, () => text);
        expect(Object.is(fromBytes, parseTimestamp(text, zone)), `${text} in ${zone.name}`).toBe(true);
        if (Number.isFinite(fromBytes)) read++;
      }
    }
    expect(read).toBeGreaterThan(3000); // most are real times
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
