import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { isoWeek, parseBy } from './groups.js';
import { dayNumberOf, MS_PER_DAY } from './zone.js';

describe('groups', () => {
  it('numbers ISO weeks as date-fns does, every day of 2020-2030', () => {
    for (let day = dayNumberOf(2020, 1, 1); day <= dayNumberOf(2030, 12, 31); day++) {
      const d = new Date(day * MS_PER_DAY);
      const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      expect(isoWeek(day)).toBe(`${getISOWeekYear(local)}-W${String(getISOWeek(local)).padStart(2, '0')}`);
    }
  });

  it('parses --by and refuses unknown or repeated dimensions', () => {
    expect(parseBy('role, Category,care-setting')).toEqual(['role', 'category', 'care_setting']);
    expect(parseBy(undefined)).toEqual([]);
    expect(() => parseBy('rol')).toThrow(UsageError);
    expect(() => parseBy('rol')).toThrow(/unknown dimension "rol" \(did you mean role\?\)/);
    expect(() => parseBy('role,role')).toThrow(/given twice/);
  });
});
