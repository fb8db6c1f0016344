// Prometheus: promql/quantile.go quantile

/**
 * The q-quantile of already sorted values (linear interpolation between closest ranks).
 * q < 0 gives -Inf, q > 1 +Inf, NaN or no values NaN.
 */
export function quantileSorted(q: number, sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/** Sorts in place as Go's `sort.Float64s` does: ascending, NaNs first. Returns `buf`. */
export function sortFloatsGo(buf: Float64Array): Float64Array {
  buf.sort(); // NaNs end up last
  let nan = 0;
  for (let i = buf.length - 1; i >= 0 && Number.isNaN(buf[i]!); i--) nan++;
  if (nan > 0 && nan < buf.length) {
    buf.copyWithin(nan, 0, buf.length - nan);
    buf.fill(Number.NaN, 0, nan);
  }
  return buf;
}
