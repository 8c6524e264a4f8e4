import { describe, expect, it } from 'vitest';
import { parseDate, parseWorkDays } from './calendar.js';
import { WorkClock } from './worktime.js';
import { Zone } from './zone.js';

const H = 3_600_000;

describe('WorkClock', () => {
  const zone = new Zone('America/New_York');
  const window = { hours: { start: 7 * 60, end: 17 * 60 }, days: parseWorkDays('mon-fri'), holidays: new Set([parseDate('2024-03-13')!]) };
  const clock = new WorkClock(zone, window, parseDate('2024-03-01')!, parseDate('2024-03-31')!);
  const at = (text: string) => Date.parse(text);

  it('counts only time inside the work window', () => {
    // Fri 8 March 16:00 EST -> Mon 11 March 08:00 EDT: 1 h Friday + 1 h Monday.
    expect(clock.between(at('2024-03-08T16:00:00-05:00'), at('2024-03-11T08:00:00-04:00'))).toBe(2 * H);
    // Inside one day.
    expect(clock.between(at('2024-03-05T09:00:00-05:00'), at('2024-03-05T09:30:00-05:00'))).toBe(0.5 * H);
    // Evening to next morning before work: nothing.
    expect(clock.between(at('2024-03-05T18:00:00-05:00'), at('2024-03-06T06:00:00-05:00'))).toBe(0);
    // Across a holiday (Wed 13 March): Tue 16:00 -> Thu 08:00 = 1 h + 1 h.
    expect(clock.between(at('2024-03-12T16:00:00-04:00'), at('2024-03-14T08:00:00-04:00'))).toBe(2 * H);
    // A whole work week, Mon 00:00 -> Sat 00:00 = 5 × 10 h.
    expect(clock.between(at('2024-03-04T00:00:00-05:00'), at('2024-03-09T00:00:00-05:00'))).toBe(50 * H);
    expect(clock.workDayMs).toBe(10 * H);
  });

  it('gives the same answer from local dates the loader computed, across the spring change', () => {
    // The loader's local date: floor((utc + offset) / day). Every 37 minutes from 1 to 30 March, pairs 0–3 days apart.
    const dayOf = (t: number) => Math.floor((t + zone.offsetAt(t)) / (24 * H));
    const start = at('2024-03-01T05:00:00Z');
    for (let a = start; a < at('2024-03-27T00:00:00Z'); a += 37 * 60_000) {
      for (const span of [0, 5 * 60_000, 9 * H, 26 * H, 71 * H]) {
        const b = a + span;
        expect(clock.betweenOnDays(a, dayOf(a), b, dayOf(b))).toBe(clock.between(a, b));
      }
    }
  });
});
