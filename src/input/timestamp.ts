import type { Zone } from '../model/zone.js';

/**
 * Timestamp forms accepted in `sent_at` (SPEC 1.4):
 * - ISO 8601: `2024-03-05T14:03:00`, a space instead of `T`, optional seconds
 *   and fractional seconds, optional `Z` or `±hh:mm` / `±hhmm` / `±hh` offset;
 * - the US export form `M/D/YYYY h:mm[:ss] AM|PM` (24-hour when AM/PM is absent).
 * Times without an offset are wall-clock time in the run's zone.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(?:([AaPp])\.?[Mm]\.?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

function fractionToMs(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Math.floor(Number((fraction + '00').slice(0, 3)));
}

/**
 * Parses a timestamp to UTC epoch milliseconds; NaN when it is not one of the
 * accepted forms or names an impossible date or time.
 *
 * @example parseTimestamp('2024-03-05 14:03:00', new Zone('UTC')) // 1709647380000
 */
export function parseTimestamp(text: string, zone: Zone): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const year = +m[1]!, month = +m[2]!, day = +m[3]!, hour = +m[4]!, minute = +m[5]!;
    const second = m[6] ? +m[6] : 0;
    if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return NaN;
    const ms = fractionToMs(m[7]);
    if (m[8]) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (m[9]) {
      const offHours = +m[10]!, offMinutes = m[11] ? +m[11] : 0;
      if (offHours > 23 || offMinutes > 59) return NaN;
      const sign = m[9] === '-' ? -1 : 1;
      return Date.UTC(year, month - 1, day, hour, minute, second, ms) - sign * (offHours * 60 + offMinutes) * 60_000;
    }
    return zone.wallToUtc(year, month, day, hour, minute, second, ms);
  }
  m = US.exec(s);
  if (m) {
    const month = +m[1]!, day = +m[2]!, year = +m[3]!, minute = +m[5]!;
    let hour = +m[4]!;
    const second = m[6] ? +m[6] : 0;
    if (!validDate(year, month, day) || minute > 59 || second > 59) return NaN;
    const meridiem = m[8];
    if (meridiem) {
      if (hour < 1 || hour > 12) return NaN;
      const pm = meridiem === 'p' || meridiem === 'P';
      hour = (hour % 12) + (pm ? 12 : 0);
    } else if (hour > 23) {
      return NaN;
    }
    return zone.wallToUtc(year, month, day, hour, minute, second, fractionToMs(m[7]));
  }
  return NaN;
}

/** The message shown for an unparseable timestamp. */
export const TIMESTAMP_HINT = 'not a timestamp (expected ISO 8601 like 2024-03-05T14:03:00 or M/D/YYYY h:mm AM)';
