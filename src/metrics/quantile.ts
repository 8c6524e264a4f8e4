/**
 * Quantile by linear interpolation between closest ranks: Hyndman–Fan type 7,
 * the default of R's `quantile()`, NumPy's `percentile` and DuckDB's
 * `quantile_cont` (SPEC 2.3). simple-statistics' `quantileSorted` uses another
 * rule, so it is not used here.
 *
 * @param sorted ascending values; must not be empty
 * @param p probability in [0, 1]
 * @example quantileSorted([1, 2, 3, 4, 10], 0.9) // 7.6, as R's quantile(c(1,2,3,4,10), 0.9)
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted: no values');
  if (!(p >= 0 && p <= 1)) throw new Error(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Type-7 quantile of unsorted values, or null when there are none (blank in outputs). */
export function quantile(values: Float64Array | number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return quantileSorted(sorted, p);
}

/** Arithmetic mean, or null when there are no values. */
export function meanOrNull(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
