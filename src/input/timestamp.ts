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

const D0 = 48;

function digits(b: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = b[at + i]! - D0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The common forms straight from UTF-8 bytes, without making a string:
 * `YYYY-MM-DD[T ]HH:MM[:SS]` (no fraction, no offset, or `Z`) and
 * `M/D/YYYY h:mm[:ss] AM|PM`. Anything else, or anything odd, goes to
 * `parseTimestamp` on the decoded text, so both paths accept exactly the
 * same inputs (`timestamp.test.ts` checks them against each other).
 */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number, zone: Zone, fallback: () => string): number {
  const length = end - start;
  if ((length === 16 || length === 19 || length === 20) && b[start + 4] === 45 && b[start + 7] === 45 && (b[start + 10] === 84 || b[start + 10] === 32) && b[start + 13] === 58) {
    const year = digits(b, start, 4), month = digits(b, start + 5, 2), day = digits(b, start + 8, 2);
    const hour = digits(b, start + 11, 2), minute = digits(b, start + 14, 2);
    let second = 0;
    let utc = false;
    let ok = year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0;
    if (length >= 19) {
      ok = ok && b[start + 16] === 58;
      second = digits(b, start + 17, 2);
      if (length === 20) {
        utc = b[start + 19] === 90;
        ok = ok && utc;
      }
    }
    if (ok && second >= 0 && validDate(year, month, day) && hour <= 23 && minute <= 59 && second <= 59) {
      return utc ? Date.UTC(year, month - 1, day, hour, minute, second) : zone.wallToUtc(year, month, day, hour, minute, second, 0);
    }
  } else if (length >= 14 && length <= 22) {
    // M/D/YYYY h:mm[:ss] AM|PM
    let p = start;
    const number = (max: number) => {
      let v = 0, n = 0;
      while (n < max && p < end && b[p]! >= D0 && b[p]! <= D0 + 9) {
        v = v * 10 + b[p]! - D0;
        p++;
        n++;
      }
      return n === 0 ? -1 : v;
    };
    const month = number(2);
    if (month >= 0 && b[p] === 47) {
      p++;
      const day = number(2);
      if (day >= 0 && b[p] === 47) {
        p++;
        const yearStart = p;
        const year = number(4);
        if (p - yearStart === 4 && b[p] === 32) {
          p++;
          let hour = number(2);
          if (hour >= 0 && b[p] === 58) {
            p++;
            const minuteStart = p;
            const minute = number(2);
            let second = 0;
            let ok = p - minuteStart === 2;
            if (b[p] === 58) {
              p++;
              const secondStart = p;
              second = number(2);
              ok = ok && p - secondStart === 2;
            }
            if (ok && b[p] === 32 && p + 3 === end && (b[p + 2] === 77 || b[p + 2] === 109)) {
              const m = b[p + 1];
              const pm = m === 80 || m === 112;
              if ((pm || m === 65 || m === 97) && hour >= 1 && hour <= 12 && minute <= 59 && second <= 59 && validDate(year, month, day)) {
                hour = (hour % 12) + (pm ? 12 : 0);
                return zone.wallToUtc(year, month, day, hour, minute, second, 0);
              }
            }
          }
        }
      }
    }
  }
  return parseTimestamp(fallback(), zone);
}
