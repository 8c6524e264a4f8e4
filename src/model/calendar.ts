// Subpath imports: the date-fns root module takes ~250 ms to load.
import { addDays } from 'date-fns/addDays';
import { endOfMonth } from 'date-fns/endOfMonth';
import { endOfWeek } from 'date-fns/endOfWeek';
import { getISOWeeksInYear } from 'date-fns/getISOWeeksInYear';
import { setISOWeek } from 'date-fns/setISOWeek';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { startOfMonth } from 'date-fns/startOfMonth';
import { subDays } from 'date-fns/subDays';
import { subMonths } from 'date-fns/subMonths';
import { subWeeks } from 'date-fns/subWeeks';
import { InputError, UsageError } from '../errors.js';
import { readProblem, readSmallFile } from '../input/limits.js';
import { dayNumberOf, formatDay, MS_PER_DAY, weekdayOf, WEEKDAY_NAMES, type Zone } from './zone.js';

/** Minutes after midnight, `[start, end)`. */
export interface TimeRange {
  start: number;
  end: number;
}

/** The work window of SPEC 1.4: work hours on work days that are not holidays. */
export interface WorkWindow {
  hours: TimeRange;
  /** Indexed by ISO weekday 0 = Monday … 6 = Sunday. */
  days: readonly boolean[];
  /** Local day numbers that are holidays. */
  holidays: ReadonlySet<number>;
}

/** Is a local day (number) a work day of the window? */
export function isWorkDay(window: WorkWindow, day: number): boolean {
  return window.days[weekdayOf(day)] === true && !window.holidays.has(day);
}

/** Is a local time (day number, minute of day) inside the work window? */
export function isWorkTime(window: WorkWindow, day: number, minute: number): boolean {
  return minute >= window.hours.start && minute < window.hours.end && isWorkDay(window, day);
}

function parseClock(text: string): number | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const h = +m[1]!, min = m[2] ? +m[2] : 0;
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return undefined;
  return h * 60 + min;
}

/** Parses `HH:MM-HH:MM` (e.g. `07:00-17:00`); the start must precede the end. */
export function parseTimeRange(text: string, option: string): TimeRange {
  const parts = text.split('-');
  const start = parts.length === 2 ? parseClock(parts[0]!) : undefined;
  const end = parts.length === 2 ? parseClock(parts[1]!) : undefined;
  if (start === undefined || end === undefined) {
    throw new UsageError(`${option}: "${text}" is not a time range like 07:00-17:00 (24-hour HH:MM-HH:MM)`);
  }
  if (start >= end) {
    throw new UsageError(`${option}: "${text}" must start before it ends (ranges across midnight are not supported)`);
  }
  return { start, end };
}

/** Parses work days: `mon-fri`, `mon,wed,fri`, `sun-thu`, `mon-fri,sat`. */
export function parseWorkDays(text: string, option = '--work-days'): boolean[] {
  const days = new Array<boolean>(7).fill(false);
  const index = (name: string): number => {
    const i = WEEKDAY_NAMES.indexOf(name.trim().toLowerCase().slice(0, 3) as (typeof WEEKDAY_NAMES)[number]);
    if (i < 0 || name.trim().length < 3) {
      throw new UsageError(`${option}: "${name.trim()}" is not a weekday (use mon, tue, wed, thu, fri, sat, sun)`);
    }
    return i;
  };
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const range = part.split('-');
    if (range.length === 1) days[index(range[0]!)] = true;
    else if (range.length === 2) {
      const a = index(range[0]!), b = index(range[1]!);
      for (let i = a; ; i = (i + 1) % 7) {
        days[i] = true;
        if (i === b) break;
      }
    } else throw new UsageError(`${option}: "${part}" is not a day or a range of days like mon-fri`);
  }
  if (!days.includes(true)) throw new UsageError(`${option}: no work days given`);
  return days;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a `YYYY-MM-DD` date, or undefined. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  const day = dayNumberOf(y, mo, d);
  return formatDay(day) === `${m[1]}-${m[2]}-${m[3]}` ? day : undefined;
}

/** Parses a `YYYY-MM-DD` option value. */
export function parseDateOption(text: string, option: string): number {
  const day = parseDate(text);
  if (day === undefined) throw new UsageError(`${option}: "${text}" is not a date (YYYY-MM-DD)`);
  return day;
}

/**
 * Holidays: `us-federal` (observed US federal holidays, from
 * @18f/us-federal-holidays, for the years `fromYear`–`toYear`) or a file with
 * one `YYYY-MM-DD` a line (blank lines and `#` comments allowed).
 */
export async function loadHolidays(spec: string, fromYear: number, toYear: number): Promise<Set<number>> {
  const days = new Set<number>();
  if (spec.trim().toLowerCase() === 'us-federal') {
    const { default: federal } = await import('@18f/us-federal-holidays');
    // A year's New Year's Day may be observed on the previous 31 December.
    for (let year = fromYear; year <= toYear + 1; year++) {
      for (const holiday of federal.allForYear(year)) {
        const day = parseDate(holiday.dateString.replace(/-(\d)(?=-|$)/g, '-0$1'));
        if (day !== undefined) days.add(day);
      }
    }
    return days;
  }
  let text: string;
  try {
    text = readSmallFile(spec).toString('utf8');
  } catch (error) {
    throw new InputError(`--holidays: cannot read ${spec}: ${readProblem(error)} (give a file of YYYY-MM-DD lines, or us-federal)`);
  }
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const first = line.split(/[,\t ]/)[0]!;
    const day = parseDate(first);
    if (day === undefined) throw new InputError(`${spec}:${i + 1}: holiday: not a date; expected YYYY-MM-DD`);
    days.add(day);
  });
  return days;
}

/** An inclusive range of local day numbers. */
export interface DayRange {
  since: number;
  until: number;
}

function toDay(date: Date): number {
  return dayNumberOf(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

function fromDay(day: number): Date {
  const d = new Date(day * MS_PER_DAY);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/**
 * Resolves `--period` (SPEC 1.4): `YYYY-MM`, `YYYY-Www`, `last-month`,
 * `last-week` (the previous ISO week, Monday–Sunday), `last-N-days` (the N
 * days before today). `today` is the local day number in the run's zone.
 */
export function resolvePeriod(text: string, today: number): DayRange {
  const value = text.trim().toLowerCase();
  let m = /^(\d{4})-(\d{2})$/.exec(value);
  if (m) {
    const month = +m[2]!;
    if (month >= 1 && month <= 12) {
      const first = new Date(+m[1]!, month - 1, 1);
      return { since: toDay(first), until: toDay(endOfMonth(first)) };
    }
  }
  m = /^(\d{4})-w(\d{2})$/.exec(value);
  if (m) {
    const year = +m[1]!, week = +m[2]!;
    const jan4 = new Date(year, 0, 4);
    if (week >= 1 && week <= getISOWeeksInYear(jan4)) {
      const monday = startOfISOWeek(setISOWeek(jan4, week));
      return { since: toDay(monday), until: toDay(addDays(monday, 6)) };
    }
  }
  const now = fromDay(today);
  if (value === 'last-month') {
    const first = startOfMonth(subMonths(now, 1));
    return { since: toDay(first), until: toDay(endOfMonth(first)) };
  }
  if (value === 'last-week') {
    const monday = startOfISOWeek(subWeeks(now, 1));
    return { since: toDay(monday), until: toDay(endOfWeek(monday, { weekStartsOn: 1 })) };
  }
  m = /^last-(\d{1,4})-days?$/.exec(value);
  if (m && +m[1]! >= 1) {
    return { since: toDay(subDays(now, +m[1]!)), until: toDay(subDays(now, 1)) };
  }
  throw new UsageError(
    `--period: "${text}" is not a period (use YYYY-MM, YYYY-Www, last-month, last-week or last-N-days)`,
  );
}

/** Today's local day number in a zone; `MSGWORK_TODAY=YYYY-MM-DD` pins it (tests, reruns). */
export function todayIn(zone: Zone, now: Date = new Date()): number {
  const pinned = process.env.MSGWORK_TODAY;
  if (pinned) {
    const day = parseDate(pinned);
    if (day === undefined) throw new UsageError(`MSGWORK_TODAY: "${pinned}" is not a date (YYYY-MM-DD)`);
    return day;
  }
  return Math.floor(zone.toLocalMs(now.getTime()) / MS_PER_DAY);
}
