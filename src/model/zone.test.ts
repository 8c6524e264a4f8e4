import { TZDate, tzOffset } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { MS_PER_HOUR, utcOfFields, weekdayOf, dayNumberOf, Zone } from './zone.js';

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'UTC'];

describe('Zone caches agree with @date-fns/tz', () => {
  for (const name of ZONES) {
    it(`${name}: every half hour of 2024`, () => {
      const zone = new Zone(name);
      const from = Date.UTC(2024, 0, 1), to = Date.UTC(2025, 0, 1);
      for (let t = from; t < to; t += MS_PER_HOUR / 2) {
        expect(zone.offsetAt(t)).toBe(tzOffset(name, new Date(t)) * 60_000);
        const d = new Date(t);
        const y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate(), h = d.getUTCHours(), mi = d.getUTCMinutes();
        expect(zone.wallToUtc(y, mo + 1, day, h, mi, 0, 0)).toBe(new TZDate(y, mo, day, h, mi, 0, 0, name).getTime());
      }
    });
  }
});

describe('Zone caches over a long span', () => {
  it('agree with @date-fns/tz for instants centuries apart, asked in any order (past 2^21 hours the cache is a Map)', () => {
    const name = 'America/New_York';
    const zone = new Zone(name);
    const instants = [Date.UTC(2024, 6, 1, 12), Date.UTC(1800, 0, 1), Date.UTC(2260, 5, 1, 3), Date.UTC(1990, 2, 11, 7, 30), Date.UTC(2024, 6, 1, 13), Date.UTC(2099, 10, 1, 5, 30)];
    for (const t of [...instants, ...instants.reverse()]) {
      expect(zone.offsetAt(t)).toBe(tzOffset(name, new Date(t)) * 60_000);
      const d = new Date(t);
      const y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate(), h = d.getUTCHours(), mi = d.getUTCMinutes();
      expect(zone.wallToUtc(y, mo + 1, day, h, mi, 0, 0)).toBe(new TZDate(y, mo, day, h, mi, 0, 0, name).getTime());
    }
  });
});

describe('Zone', () => {
  it('refuses an unknown zone as a usage error', () => {
    expect(() => new Zone('Mars/Olympus')).toThrow(UsageError);
    expect(() => new Zone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('numbers weekdays from Monday', () => {
    expect(weekdayOf(dayNumberOf(2024, 3, 4))).toBe(0); // Monday 4 March 2024
    expect(weekdayOf(dayNumberOf(2024, 3, 10))).toBe(6); // Sunday
    expect(weekdayOf(dayNumberOf(1969, 12, 31))).toBe(2); // Wednesday, before the epoch
  });
});

describe('utcOfFields', () => {
  it('is Date.UTC: every day of 1600–2400 at random times, carried-over fields, years before 100 and months out of range', () => {
    let state = 5;
    const next = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let day = dayNumberOf(1600, 1, 1); day <= dayNumberOf(2400, 12, 31); day += 1 + next(3)) {
      const date = new Date(day * 86_400_000);
      const fields = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), next(24), next(60), next(60), next(1000)] as const;
      expect(utcOfFields(...fields)).toBe(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], fields[6]));
    }
    for (const [y, m, d, h, mi, s, ms] of [
      [2024, 2, 30, 0, 0, 0, 0], // 1 March
      [2023, 2, 29, 25, 61, 61, 1001],
      [2024, 12, 31, 23, 59, 59, 999],
      [2000, 1, 0, 0, 0, 0, 0],
      [99, 6, 1, 12, 0, 0, 0], // Date.UTC's 1999
      [100, 3, 1, 0, 0, 0, 0],
      [2024, 13, 1, 0, 0, 0, 0],
      [2024, 0, 15, 0, 0, 0, 0],
    ] as const) {
      expect(utcOfFields(y, m, d, h, mi, s, ms)).toBe(Date.UTC(y, m - 1, d, h, mi, s, ms));
    }
  });
});
