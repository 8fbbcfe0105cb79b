/** Small statistics for the benchmarks: medians of repeats and latency percentiles. */

/** The median of `values` (the mean of the two middle values for an even count); throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values; measure at least once');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The `p`-th percentile (0-100) by the nearest-rank method, as latency tools report it:
 * the smallest value with at least p% of the values at or below it.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile: no values; measure at least once');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile: p = ${p} is outside 0-100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Rounds to `digits` decimals, for stable JSON and tables. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
