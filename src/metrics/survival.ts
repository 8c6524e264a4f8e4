/**
 * Kaplan–Meier estimation of time to reply (SPEC 2.3 "Censoring"), with
 * Greenwood variance and log-log confidence limits, and Wilson score
 * intervals for shares — each small function checked against R
 * (`test/r/reference.R`, its output committed in `test/r/reference.json`).
 *
 * No npm statistics library computes these as `survival::survfit` does
 * (simple-statistics has no Kaplan–Meier and its `probit(0.975)` is
 * 1.95716, not 1.95996), so they are written here, small and tested.
 */

/** √(2π). */
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * The standard normal distribution function Φ(x), by Marsaglia's series
 * (J. Stat. Softw. 11(4), 2004): Φ(x) = ½ + φ(x)(x + x³/3 + x⁵/15 + …), all
 * terms of one sign, absolute error about 1e-15.
 *
 * @example normalCdf(1.959963984540054) // 0.975
 */
export function normalCdf(x: number): number {
  if (x < -37) return 0;
  if (x > 37) return 1;
  let sum = x;
  let term = x;
  const x2 = x * x;
  for (let i = 3; i < 1000; i += 2) {
    term = (term * x2) / i;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + (sum * Math.exp(-x2 / 2)) / SQRT_2PI;
}

/**
 * The standard normal quantile Φ⁻¹(p): Newton's method on `normalCdf` from
 * a logistic start, to full double precision (R: `qnorm`).
 *
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  let x = Math.log(p / (1 - p)) * 0.6;
  for (let i = 0; i < 100; i++) {
    const density = Math.exp(-x * x / 2) / SQRT_2PI;
    const step = (normalCdf(x) - p) / density;
    x -= Math.max(-1, Math.min(1, step));
    if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** z for a two-sided confidence level in percent (95 → 1.959963984540054). */
export function zForLevel(levelPercent: number): number {
  return normalQuantile(1 - (1 - levelPercent / 100) / 2);
}

/**
 * Wilson score interval for x successes of n, in percent (R:
 * `prop.test(x, n, correct = FALSE)$conf.int × 100`); null when n is 0.
 *
 * @example wilsonInterval(8, 10, 1.959963984540054) // [49.0162…, 94.3317…]
 */
export function wilsonInterval(x: number, n: number, z: number): [number, number] | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return [100 * Math.max(0, center - half), 100 * Math.min(1, center + half)];
}

/** A Kaplan–Meier curve: at each distinct event time, S just after it and Greenwood's Σ d/(n(n−d)). */
export interface SurvivalCurve {
  times: Float64Array;
  survival: Float64Array;
  greenwood: Float64Array;
}

/**
 * The Kaplan–Meier estimate from event times (replies) and censoring times
 * (unanswered, watched until the as-of time). Ties: events at a time come
 * before censorings at that time (a censoring at t is still at risk at t).
 *
 * @example kaplanMeier([1, 2, 2], [2]): at risk 4 at 1 → S 0.75; at risk 3 at 2 with 2 events → S 0.25
 */
export function kaplanMeier(events: ArrayLike<number>, censored: ArrayLike<number>): SurvivalCurve {
  const e = ascending(events);
  const c = ascending(censored);
  let steps = 0;
  for (let i = 0; i < e.length; i++) if (i === 0 || e[i] !== e[i - 1]) steps++;
  const times = new Float64Array(steps);
  const survival = new Float64Array(steps);
  const greenwood = new Float64Array(steps);
  let atRisk = e.length + c.length;
  let s = 1;
  let g = 0;
  let ci = 0;
  let step = 0;
  for (let i = 0; i < e.length; ) {
    const t = e[i]!;
    while (ci < c.length && c[ci]! < t) {
      ci++;
      atRisk--;
    }
    let d = 0;
    while (i < e.length && e[i] === t) {
      d++;
      i++;
    }
    s *= 1 - d / atRisk;
    g += atRisk === d ? Infinity : d / (atRisk * (atRisk - d));
    times[step] = t;
    survival[step] = s;
    greenwood[step] = g;
    step++;
    atRisk -= d;
  }
  return { times, survival, greenwood };
}

/** The values in ascending order: as given when they already are (latency sorts its hours), else a sorted copy. */
function ascending(values: ArrayLike<number>): ArrayLike<number> {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1]! <= values[i]!)) return Float64Array.from(values).sort();
  return values;
}

/** Index of the last event time ≤ t, or -1. */
function stepAt(curve: SurvivalCurve, t: number): number {
  let lo = 0, hi = curve.times.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (curve.times[mid]! <= t) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at;
}

/**
 * S(t): the estimated share still waiting for a reply at t (inclusive).
 *
 * @example survivalAt(kaplanMeier([1, 2, 2], [2]), 1.5) // 0.75
 */
export function survivalAt(curve: SurvivalCurve, t: number): number {
  const at = stepAt(curve, t);
  return at < 0 ? 1 : curve.survival[at]!;
}

/**
 * The log-log confidence limits of S at a step (R: `conf.type = "log-log"`):
 * exp(−exp(log(−log S) ± z·σ/log S)) with σ² Greenwood's sum; null where S is
 * 0 or 1 (the limits are undefined there).
 */
function logLogLimits(s: number, greenwood: number, z: number): [number, number] | null {
  if (!(s > 0 && s < 1) || !Number.isFinite(greenwood)) return null;
  const sigma = Math.sqrt(greenwood);
  const logS = Math.log(s);
  const a = Math.exp(-Math.exp(Math.log(-logS) + (z * sigma) / logS));
  const b = Math.exp(-Math.exp(Math.log(-logS) - (z * sigma) / logS));
  return [Math.min(a, b), Math.max(a, b)];
}

/**
 * 100 × (1 − S(t)) and its log-log interval ([lower, upper] of the share
 * answered by t; null limits where undefined).
 *
 * @example sharePercentAt(kaplanMeier([1, 2, 2], [2]), 1.5, 1.96).share // 25
 */
export function sharePercentAt(curve: SurvivalCurve, t: number, z: number): { share: number; interval: [number, number] | null } {
  const at = stepAt(curve, t);
  if (at < 0) return { share: 0, interval: null };
  const s = curve.survival[at]!;
  const limits = logLogLimits(s, curve.greenwood[at]!, z);
  return { share: 100 * (1 - s), interval: limits ? [100 * (1 - limits[1]), 100 * (1 - limits[0])] : null };
}

/**
 * The first time at which a step curve y (non-increasing, at `times`)
 * reaches ≤ 0.5, with R's rule for a flat at exactly 0.5: the midpoint
 * between where it reaches 0.5 and where it next drops; null when it never
 * reaches 0.5.
 */
function firstAtOrBelowHalf(times: Float64Array, y: ArrayLike<number>): number | null {
  const tolerance = Math.sqrt(Number.EPSILON);
  for (let i = 0; i < times.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v) || v >= 0.5 + tolerance) continue;
    if (Math.abs(v - 0.5) < tolerance) {
      for (let j = i + 1; j < times.length; j++) {
        if (y[j]! < v - tolerance) return (times[i]! + times[j]!) / 2;
      }
    }
    return times[i]!;
  }
  return null;
}

/**
 * The Kaplan–Meier median: the smallest time at which S ≤ 0.5 (R's
 * `survfit` median, midpoint rule included); null when S never reaches 0.5.
 *
 * @example kaplanMedian(kaplanMeier([1, 2, 3, 4], [])) // 2.5 (S is 0.5 from 2 to 3)
 */
export function kaplanMedian(curve: SurvivalCurve): number | null {
  return firstAtOrBelowHalf(curve.times, curve.survival);
}

/**
 * The interval of the median from the curve's log-log confidence band at
 * 0.5, as `survfit` reports it: the lower limit where the band's lower curve
 * reaches 0.5, the upper where its upper curve does (null when it does not).
 */
export function kaplanMedianInterval(curve: SurvivalCurve, z: number): [number | null, number | null] {
  const lower = new Float64Array(curve.times.length);
  const upper = new Float64Array(curve.times.length);
  for (let i = 0; i < curve.times.length; i++) {
    const s = curve.survival[i]!;
    const limits = logLogLimits(s, curve.greenwood[i]!, z);
    // Where the limits are undefined (S = 0 or 1) the band has no value, as in survfit (NA).
    lower[i] = limits ? limits[0] : NaN;
    upper[i] = limits ? limits[1] : NaN;
  }
  return [firstAtOrBelowHalf(curve.times, lower), firstAtOrBelowHalf(curve.times, upper)];
}
