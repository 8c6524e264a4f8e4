import { TZDate, tzOffset } from '@date-fns/tz';
import { UsageError } from '../errors.js';

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** The machine's IANA zone (used when --timezone is not given). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Throws a UsageError unless `name` is an IANA zone this runtime knows. */
export function checkTimeZone(name: string, source = '--timezone'): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    if (Number.isNaN(tzOffset(name, new Date(0)))) throw new RangeError(name);
    return name;
  } catch {
    throw new UsageError(`${source}: unknown time zone "${name}" (expected an IANA name such as America/New_York or UTC)`);
  }
}

/**
 * Offsets by hour number (hours since 1970), NaN where none is cached: a
 * dense array over the span of hours seen, instead of a Map (two look-ups a
 * row in the loader, two per reply in the metrics), and a Map past a span
 * of 2^21 hours (239 years).
 */
class HourCache {
  private base = 0;
  private values = new Float64Array(0);
  private readonly far = new Map<number, number>();

  get(hour: number): number {
    const at = hour - this.base;
    if (at >= 0 && at < this.values.length) return this.values[at]!;
    return this.far.get(hour) ?? NaN;
  }

  set(hour: number, offset: number): void {
    if (hour - this.base < 0 || hour - this.base >= this.values.length) {
      if (!this.cover(hour)) {
        this.far.set(hour, offset);
        return;
      }
    }
    this.values[hour - this.base] = offset;
  }

  /** Grows the array to hold `hour`, with room around it; false when the span would be too long. */
  private cover(hour: number): boolean {
    if (!Number.isSafeInteger(hour)) return false;
    const length = this.values.length;
    const from = length === 0 ? hour - 4096 : Math.min(this.base, hour - 4096);
    const to = length === 0 ? hour + 4096 : Math.max(this.base + length, hour + 4096);
    if (to - from > 1 << 21) return false;
    const values = new Float64Array(to - from).fill(NaN);
    if (length > 0) values.set(this.values, this.base - from);
    this.base = from;
    this.values = values;
    return true;
  }
}

/**
 * Conversions between UTC instants and wall-clock time in one IANA zone.
 *
 * The zone rules come from `@date-fns/tz` (which reads the runtime's Intl
 * time-zone data). Offsets are cached, per local hour for wall→UTC and per
 * UTC hour for UTC→local (except hours holding a transition), because the
 * per-row path of a multi-million row export cannot afford an Intl call per
 * row. `zone.test.ts` checks the cached answers against TZDate on every half
 * hour of a year in six zones, DST changes included.
 *
 * Non-existent wall times (the spring-forward gap) move forward by the gap,
 * and ambiguous ones (the fall-back hour) take the earlier instant, as TZDate does.
 */
export class Zone {
  readonly name: string;
  private readonly wallCache = new HourCache();
  private readonly utcCache = new HourCache();
  /** Wall times read that fell in a spring-forward gap (moved forward by the gap). */
  gapTimes = 0;
  /** Wall times read that fell in a fall-back overlap (the earlier instant taken). */
  ambiguousTimes = 0;

  constructor(name: string) {
    this.name = checkTimeZone(name);
  }

  /** UTC epoch milliseconds of a wall-clock time in this zone (month 1-12). */
  wallToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
    return this.naiveToUtc(utcOfFields(year, month, day, hour, minute, second, ms));
  }

  /** `wallToUtc` of a wall-clock time given as milliseconds as if it were UTC (`utcOfFields`). */
  naiveToUtc(naive: number): number {
    const key = Math.floor(naive / MS_PER_HOUR);
    let offset = this.wallCache.get(key);
    if (Number.isNaN(offset)) {
      if (!this.fillWallDay(Math.floor(key / 24))) {
        const start = key * MS_PER_HOUR;
        offset = start - this.exactWallToUtc(start);
        if (start + MS_PER_HOUR - this.exactWallToUtc(start + MS_PER_HOUR) !== offset) {
          // A transition inside this local hour (DST gaps and overlaps): no cache.
          return this.transitionWallToUtc(naive);
        }
        this.wallCache.set(key, offset);
      } else offset = this.wallCache.get(key);
    }
    return naive - offset;
  }

  /** A wall time in an hour that holds a transition, counted when it is in the gap or the overlap. */
  private transitionWallToUtc(naive: number): number {
    const utc = this.exactWallToUtc(naive);
    const offset = this.offsetAt(utc);
    if (utc + offset !== naive) this.gapTimes++;
    else {
      // The other offset in force around here: does it give the same wall time too?
      for (const probe of [utc - 3 * MS_PER_HOUR, utc + 3 * MS_PER_HOUR]) {
        const other = this.offsetAt(probe);
        if (other !== offset && naive - other !== utc && naive - other + this.offsetAt(naive - other) === naive) {
          this.ambiguousTimes++;
          break;
        }
      }
    }
    return utc;
  }

  /** Caches all 24 local hours of a day whose offset is the same at both ends (no transition). */
  private fillWallDay(day: number): boolean {
    const start = day * MS_PER_DAY;
    const offset = start - this.exactWallToUtc(start);
    if (start + MS_PER_DAY - this.exactWallToUtc(start + MS_PER_DAY) !== offset) return false;
    for (let h = 0; h < 24; h++) this.wallCache.set(day * 24 + h, offset);
    return true;
  }

  private exactWallToUtc(naive: number): number {
    const d = new Date(naive);
    return new TZDate(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds(), this.name).getTime();
  }

  /** Offset from UTC in milliseconds at a UTC instant (local = utc + offset). */
  offsetAt(utcMs: number): number {
    const key = Math.floor(utcMs / MS_PER_HOUR);
    let offset = this.utcCache.get(key);
    if (Number.isNaN(offset)) {
      // One look-up per UTC day when the day holds no transition.
      const dayStart = Math.floor(utcMs / MS_PER_DAY) * MS_PER_DAY;
      const dayOffset = tzOffset(this.name, new Date(dayStart));
      if (tzOffset(this.name, new Date(dayStart + MS_PER_DAY - 1)) === dayOffset) {
        const first = dayStart / MS_PER_HOUR;
        for (let h = 0; h < 24; h++) this.utcCache.set(first + h, dayOffset * MS_PER_MINUTE);
        return dayOffset * MS_PER_MINUTE;
      }
      const start = key * MS_PER_HOUR;
      const a = tzOffset(this.name, new Date(start)) * MS_PER_MINUTE;
      const b = tzOffset(this.name, new Date(start + MS_PER_HOUR - 1)) * MS_PER_MINUTE;
      if (a !== b) {
        // A transition inside this UTC hour (zones with :30/:45 changes): no cache.
        return tzOffset(this.name, new Date(utcMs)) * MS_PER_MINUTE;
      }
      offset = a;
      this.utcCache.set(key, offset);
    }
    return offset;
  }

  /** Local wall-clock time as "naive" epoch ms (UTC fields = local fields). */
  toLocalMs(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /** UTC instant of local midnight starting local day number `day` (days since 1970-01-01). */
  startOfLocalDay(day: number): number {
    const d = new Date(day * MS_PER_DAY);
    return this.wallToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0, 0);
  }

  /** UTC instant of a local day number plus minutes after midnight (wall-clock). */
  localDayMinuteToUtc(day: number, minuteOfDay: number): number {
    const d = new Date(day * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE);
    return this.wallToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), 0, 0);
  }
}

/**
 * `Date.UTC(year, month - 1, day, hour, minute, second, ms)` for whole
 * numbers, by arithmetic (days from the civil date, Howard Hinnant's
 * algorithm) for years from 100 on and months 1–12, else by Date.UTC itself
 * (which reads years 0–99 as 1900–1999 and carries months over). Like it, it
 * carries days, hours, minutes and seconds over (30 February 2023 is
 * 2 March). About three times faster than Date.UTC: it is called for every row
 * read (issue 16). `zone.test.ts` checks them against each other.
 *
 * @example utcOfFields(2024, 3, 10, 7, 30, 0, 0) // Date.UTC(2024, 2, 10, 7, 30) = 1710055800000
 */
export function utcOfFields(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (year < 100 || month < 1 || month > 12) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return ((days * 24 + hour) * 60 + minute) * MS_PER_MINUTE + second * 1000 + ms;
}

/** Day number of a calendar date (month 1-12). */
export function dayNumberOf(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** ISO weekday index of a day number: 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday (index 3).
  return (((day + 3) % 7) + 7) % 7;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
