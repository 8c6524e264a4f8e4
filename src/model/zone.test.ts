import { TZDate, tzOffset } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { MS_PER_HOUR, weekdayOf, dayNumberOf, Zone } from './zone.js';

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
