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
  const h = type7Rank('quantileSorted', n, p);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The type-7 rank (n − 1)·p whose neighbouring order statistics are
 * interpolated, after the checks every quantile function makes (values, p).
 *
 * @example type7Rank('quantileSorted', 5, 0.9) // 3.6
 */
function type7Rank(name: string, n: number, p: number): number {
  if (n === 0) throw new Error(`${name}: no values`);
  if (!(p >= 0 && p <= 1)) throw new Error(`${name}: p must be in [0, 1], got ${p}`);
  return (n - 1) * p;
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

/**
 * Type-7 quantile of values, by selection instead of a full sort: the same
 * number quantileSorted gives on the sorted values (the order statistics it
 * interpolates are found exactly), in linear expected time. Reorders
 * `values` (pass a scratch copy). On the benchmark export, medians by sort
 * took a second of the report (issue 16).
 *
 * @example quantileBySelection(Float64Array.of(5, 1, 4, 2, 3), 0.9) → 4.6 (as quantileSorted([1, 2, 3, 4, 5], 0.9))
 */
export function quantileBySelection(values: Float64Array, p: number): number {
  const n = values.length;
  const h = type7Rank('quantileBySelection', n, p);
  const lo = Math.floor(h);
  const low = selectInPlace(values, lo);
  let high = low;
  if (lo + 1 < n) {
    high = Infinity;
    for (let i = lo + 1; i < n; i++) if (values[i]! < high) high = values[i]!;
  }
  return low + (h - lo) * (high - low);
}

/**
 * Type-7 quantile of `n` whole numbers given by their counts: counts[at + v]
 * values equal v, for v from 0 to `size` − 1. The same number
 * quantileSorted gives on the values sorted (the two order statistics are
 * read off the running count), without the values: for rounds per thread,
 * a few dozen counts a group instead of a million values to select from.
 *
 * @example quantileOfCounts(Int32Array.of(1, 3, 0, 1), 0, 4, 5, 0.9) → 2.2 (as quantileSorted([0, 1, 1, 1, 3], 0.9))
 */
export function quantileOfCounts(counts: ArrayLike<number>, at: number, size: number, n: number, p: number): number {
  const h = type7Rank('quantileOfCounts', n, p);
  const lo = Math.floor(h);
  // The values of ranks lo and lo + 1 (0-based; the last rank when there is none after): the first whose running count passes each.
  const next = Math.min(lo + 1, n - 1);
  let low = -1, high = -1;
  for (let v = 0, seen = 0; v < size; v++) {
    seen += counts[at + v]!;
    if (low < 0 && seen > lo) low = v;
    if (seen > next) {
      high = v;
      break;
    }
  }
  return low + (h - lo) * (high - low);
}

/**
 * Rearranges `a` so that a[k] is its k-th smallest value, everything before
 * it no larger and everything after no smaller (Hoare partitions around a
 * median of three; runs of equal values split evenly). Falls back to sorting
 * the part left after 64 rounds, so no input makes it quadratic.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  for (let round = 0; hi > lo; round++) {
    if (round === 64) {
      a.subarray(lo, hi + 1).sort();
      break;
    }
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
