import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { isWorkTime, loadHolidays, parseDate, parseTimeRange, parseWorkDays, resolvePeriod, type WorkWindow } from './calendar.js';
import { formatDay } from './zone.js';

const day = (text: string) => parseDate(text)!;
const range = (r: { since: number; until: number }) => [formatDay(r.since), formatDay(r.until)];

describe('work window options', () => {
  it('parses work hours and refuses nonsense', () => {
    expect(parseTimeRange('07:00-17:00', '--work-hours')).toEqual({ start: 420, end: 1020 });
    expect(parseTimeRange('8-16:30', '--work-hours')).toEqual({ start: 480, end: 990 });
    expect(() => parseTimeRange('25:00-99', '--work-hours')).toThrow(UsageError);
    expect(() => parseTimeRange('25:00-99', '--work-hours')).toThrow(/--work-hours: "25:00-99" is not a time range/);
    expect(() => parseTimeRange('17:00-07:00', '--work-hours')).toThrow(/must start before it ends/);
  });

  it('parses work days, ranges wrapping the week', () => {
    expect(parseWorkDays('mon-fri')).toEqual([true, true, true, true, true, false, false]);
    expect(parseWorkDays('sun-thu')).toEqual([true, true, true, true, false, false, true]);
    expect(parseWorkDays('Mon,Wed,friday')).toEqual([true, false, true, false, true, false, false]);
    expect(() => parseWorkDays('mon-funday')).toThrow(/"funday" is not a weekday/);
  });

  it('places times inside [start, end) on work days that are not holidays', () => {
    const window: WorkWindow = { hours: { start: 420, end: 1020 }, days: parseWorkDays('mon-fri'), holidays: new Set([day('2024-07-04')]) };
    expect(isWorkTime(window, day('2024-07-03'), 420)).toBe(true); // Wednesday 07:00
    expect(isWorkTime(window, day('2024-07-03'), 1019)).toBe(true); // 16:59
    expect(isWorkTime(window, day('2024-07-03'), 1020)).toBe(false); // 17:00
    expect(isWorkTime(window, day('2024-07-04'), 600)).toBe(false); // holiday
    expect(isWorkTime(window, day('2024-07-06'), 600)).toBe(false); // Saturday
  });
});

describe('holidays', () => {
  it('computes observed US federal holidays', async () => {
    const days = await loadHolidays('us-federal', 2021, 2024);
    const in2024 = [...days].filter((d) => formatDay(d).startsWith('2024')).map(formatDay).sort();
    expect(in2024).toEqual([
      '2024-01-01', '2024-01-15', '2024-02-19', '2024-05-27', '2024-06-19', '2024-07-04',
      '2024-09-02', '2024-10-14', '2024-11-11', '2024-11-28', '2024-12-25',
    ]);
    // New Year's Day 2022 fell on a Saturday and was observed on Friday 31 December 2021.
    expect(days.has(day('2021-12-31'))).toBe(true);
    // Juneteenth 2021 (a Saturday) was observed on Friday 18 June.
    expect(days.has(day('2021-06-18'))).toBe(true);
  });

  it('reads a holiday file and names the bad line', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/msgwork-holidays-');
    writeFileSync(`${dir}/ok.txt`, '# clinic closures\n2024-12-24\n\n2024-12-31 New Year eve\n');
    expect([...(await loadHolidays(`${dir}/ok.txt`, 2024, 2024))].map(formatDay)).toEqual(['2024-12-24', '2024-12-31']);
    writeFileSync(`${dir}/bad.txt`, '2024-12-24\n12/31/2024\n');
    await expect(loadHolidays(`${dir}/bad.txt`, 2024, 2024)).rejects.toThrow(`${dir}/bad.txt:2: holiday: not a date; expected YYYY-MM-DD`);
  });
});

describe('--period', () => {
  const today = day('2026-11-22'); // a Sunday
  it('resolves each form for a fixed today', () => {
    expect(range(resolvePeriod('2024-02', today))).toEqual(['2024-02-01', '2024-02-29']);
    expect(range(resolvePeriod('2024-W01', today))).toEqual(['2024-01-01', '2024-01-07']);
    expect(range(resolvePeriod('2020-W53', today))).toEqual(['2020-12-28', '2021-01-03']);
    expect(range(resolvePeriod('last-month', today))).toEqual(['2026-10-01', '2026-10-31']);
    expect(range(resolvePeriod('last-week', today))).toEqual(['2026-11-09', '2026-11-15']);
    expect(range(resolvePeriod('last-7-days', today))).toEqual(['2026-11-15', '2026-11-21']);
    expect(range(resolvePeriod('last-month', day('2026-01-15')))).toEqual(['2025-12-01', '2025-12-31']);
  });

  it('refuses what is not a period', () => {
    for (const bad of ['2024-13', '2024-W54', 'last-0-days', 'yesterday', '2021-W53']) {
      expect(() => resolvePeriod(bad, today), bad).toThrow(UsageError);
    }
  });
});
