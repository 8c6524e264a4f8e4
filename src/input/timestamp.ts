import { utcOfFields, type Zone } from '../model/zone.js';

/**
 * Timestamp forms accepted in `sent_at` (SPEC 1.4):
 * - ISO 8601: `2024-03-05T14:03:00`, a space instead of `T`, optional seconds
 *   and fractional seconds, optional `Z` or `±hh:mm` / `±hhmm` / `±hh` offset;
 * - the US export form `M/D/YYYY h:mm[:ss] AM|PM` (24-hour when AM/PM is
 *   absent), two-digit years as 20YY;
 * - SQL Server's default text form `Mar  4 2022  4:09PM`;
 * - Oracle's `04-MAR-22 04.09.00.000000 PM`.
 * Times without an offset are wall-clock time in the zone given (the input
 * zone). Years outside 1990–2099 — sentinels such as 9999-12-31 or
 * 1900-01-01 — are IMPLAUSIBLE rather than bad: the row is skipped with its
 * own reason.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(?:([AaPp])\.?[Mm]\.?)?$/;
const SQL_SERVER = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.:](\d{1,9}))?)?\s*([AaPp])[Mm]$/;
const ORACLE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}|\d{2})\s+(\d{1,2})\.(\d{2})(?:\.(\d{2})(?:\.(\d{1,9}))?)?\s*(?:([AaPp])[Mm])?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Returned for a real date whose year is outside 1990–2099 (SPEC 1.4). */
export const IMPLAUSIBLE = -Infinity;
export const FIRST_YEAR = 1990;
export const LAST_YEAR = 2099;

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

/** 12-hour clock to 24-hour; -1 when the hour does not fit the meridiem. */
function hour24(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour > 23 ? -1 : hour;
  if (hour < 1 || hour > 12) return -1;
  return (hour % 12) + (meridiem === 'p' || meridiem === 'P' ? 12 : 0);
}

/** A wall-clock time checked and converted; NaN when impossible, IMPLAUSIBLE out of range. */
function wall(zone: Zone, year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (!validDate(year, month, day) || hour < 0 || hour > 23 || minute > 59 || second > 59) return NaN;
  if (year < FIRST_YEAR || year > LAST_YEAR) return IMPLAUSIBLE;
  return zone.wallToUtc(year, month, day, hour, minute, second, ms);
}

/**
 * Parses a timestamp to UTC epoch milliseconds; NaN when it is not one of the
 * accepted forms or names an impossible date or time, IMPLAUSIBLE when its
 * year is outside 1990–2099.
 *
 * @example parseTimestamp('2024-03-05 14:03:00', new Zone('UTC')) // 1709647380000
 * @example parseTimestamp('Mar  4 2022  4:09PM', new Zone('UTC')) // 1646410140000
 */
export function parseTimestamp(text: string, zone: Zone): number {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const year = +m[1]!, month = +m[2]!, day = +m[3]!, hour = +m[4]!, minute = +m[5]!;
    const second = m[6] ? +m[6] : 0;
    const ms = fractionToMs(m[7]);
    if (!m[8] && !m[9]) return wall(zone, year, month, day, hour, minute, second, ms);
    if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return NaN;
    if (year < FIRST_YEAR || year > LAST_YEAR) return IMPLAUSIBLE;
    const naive = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (m[8]) return naive;
    const offHours = +m[10]!, offMinutes = m[11] ? +m[11] : 0;
    if (offHours > 23 || offMinutes > 59) return NaN;
    const sign = m[9] === '-' ? -1 : 1;
    return naive - sign * (offHours * 60 + offMinutes) * 60_000;
  }
  m = US.exec(s);
  if (m) {
    const year = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
    return wall(zone, year, +m[1]!, +m[2]!, hour24(+m[4]!, m[8]), +m[5]!, m[6] ? +m[6] : 0, fractionToMs(m[7]));
  }
  m = SQL_SERVER.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    if (month === 0) return NaN;
    return wall(zone, +m[3]!, month, +m[2]!, hour24(+m[4]!, m[8]), +m[5]!, m[6] ? +m[6] : 0, fractionToMs(m[7]));
  }
  m = ORACLE.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    if (month === 0) return NaN;
    const year = m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!;
    return wall(zone, year, month, +m[1]!, hour24(+m[4]!, m[8]), +m[5]!, m[6] ? +m[6] : 0, fractionToMs(m[7]));
  }
  return NaN;
}

/**
 * Why a value is not a timestamp, with the fix: the text of the row error
 * (only computed for rows that fail).
 *
 * @example timestampProblem('2024-03-05') // 'a date without a time of day …'
 */
export function timestampProblem(text: string): string {
  const s = text.trim();
  if (/^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4})$/.test(s)) {
    return 'a date without a time of day; sent_at must say when the message was sent (map the date-and-time column)';
  }
  if (/^\d{4,5}(\.\d+)?$/.test(s) && +s > 20000 && +s < 80000) {
    return 'an Excel serial day number, not a date and time; format the column as a date and time before saving, or give msgwork the .xlsx file itself';
  }
  const dayFirst = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(:\d{2})?$/.exec(s);
  if (dayFirst && +dayFirst[1]! > 12) return `the day comes first (msgwork reads M/D/YYYY); give --time-format 'dd/MM/yyyy HH:mm${dayFirst[6] ? ':ss' : ''}'`;
  if (ISO.test(s) || US.test(s) || SQL_SERVER.test(s) || ORACLE.test(s)) {
    return 'no such date or time (month 1–12, a day the month has, hour 0–23 or 1–12 with AM/PM, minute and second 0–59, offset up to ±23:59)';
  }
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2})(:\d{2})?$/.exec(s);
  if (dotted) return `not a form msgwork reads by itself; give --time-format '${dotted[1]!.length === 2 ? 'dd' : 'd'}.${dotted[2]!.length === 2 ? 'MM' : 'M'}.yyyy ${dotted[4]!.length === 2 ? 'HH' : 'H'}:mm${dotted[6] ? ':ss' : ''}'`;
  return "not a date and time msgwork reads; expected ISO 8601 (2024-03-05 14:03:00), M/D/YYYY h:mm AM, or give --time-format (e.g. 'dd.MM.yyyy HH:mm')";
}

/**
 * A parser for `--time-format PATTERN` (Unicode date-field tokens as date-fns
 * `parse` reads them). A pattern with an offset token (`X`, `x`, `O`) gives the
 * instant; otherwise the fields are wall-clock time in the input zone.
 */
export async function customTimeParser(pattern: string): Promise<(text: string, zone: Zone) => number> {
  const { parse } = await import('date-fns');
  const { TZDate } = await import('@date-fns/tz');
  const unquoted = pattern.replace(/'[^']*'/g, '');
  const hasOffset = /[XxO]/.test(unquoted);
  const reference = new TZDate(2000, 0, 1, 'UTC');
  try {
    parse('', pattern, reference);
  } catch (error) {
    const { UsageError } = await import('../errors.js');
    throw new UsageError(`--time-format: "${pattern}" is not a date pattern (${(error as Error).message})`);
  }
  return (text, zone) => {
    const d = parse(text.trim(), pattern, reference);
    const t = d.getTime();
    if (Number.isNaN(t)) return NaN;
    const year = d.getFullYear();
    if (year < FIRST_YEAR || year > LAST_YEAR) return IMPLAUSIBLE;
    if (hasOffset) return t;
    return zone.wallToUtc(year, d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  };
}

const D0 = 48;

/** Per calendar date from FIRST_YEAR to LAST_YEAR (31 places a month): its midnight as if UTC, Infinity when no such date, NaN until seen. */
const dayStarts = new Float64Array((LAST_YEAR - FIRST_YEAR + 1) * 12 * 31).fill(NaN);

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
 * same inputs (`timestamp.test.ts` checks them against each other). The
 * commonest, `YYYY-MM-DD HH:MM:SS`, takes each date's midnight from
 * `dayStarts` after its first time: 75 → 50 ns a timestamp on the
 * benchmark, whose 4.8 million rows fall on 113 dates (issue 16).
 */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number, zone: Zone, fallback: () => string): number {
  const length = end - start;
  if (length === 19 && b[start + 4] === 45 && b[start + 7] === 45 && b[start + 10] === 32 && b[start + 13] === 58 && b[start + 16] === 58) {
    // The commonest form, `YYYY-MM-DD HH:MM:SS`: each date's midnight is worked out once (dayStarts).
    const year = digits(b, start, 4), month = digits(b, start + 5, 2), day = digits(b, start + 8, 2);
    const hour = digits(b, start + 11, 2), minute = digits(b, start + 14, 2), second = digits(b, start + 17, 2);
    if (year >= FIRST_YEAR && year <= LAST_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      const at = ((year - FIRST_YEAR) * 12 + month - 1) * 31 + day - 1;
      let midnight = dayStarts[at]!;
      if (Number.isNaN(midnight)) midnight = dayStarts[at] = validDate(year, month, day) ? utcOfFields(year, month, day, 0, 0, 0, 0) : Infinity;
      if (midnight !== Infinity) return zone.naiveToUtc(midnight + hour * 3_600_000 + minute * 60_000 + second * 1000);
    }
  }
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
      if (year < FIRST_YEAR || year > LAST_YEAR) return IMPLAUSIBLE;
      return utc ? utcOfFields(year, month, day, hour, minute, second, 0) : zone.wallToUtc(year, month, day, hour, minute, second, 0);
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
                if (year < FIRST_YEAR || year > LAST_YEAR) return IMPLAUSIBLE;
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
