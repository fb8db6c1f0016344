// Prometheus: promql/engine.go the histogram trim operators `</` (TRIM_UPPER) and `>/` (TRIM_LOWER)
import { BucketIterator, compactFloatHistogram, usesCustomBuckets } from '@tsprom/histogram';
import { copyFloatHistogram, type FloatHistogram } from '@tsprom/storage-interfaces';

/**
 * The share of a bucket [lower, upper] below `x`: interpolated linearly (custom buckets, zero
 * bucket) or on a logarithmic scale (exponential buckets), as histogram_quantile interpolates.
 */
function shareBelow(lower: number, upper: number, x: number, linear: boolean): number {
  if (x <= lower) return 0;
  if (x >= upper) return 1;
  if (linear) return (x - lower) / (upper - lower);
  const ll = Math.log2(Math.abs(lower));
  const lu = Math.log2(Math.abs(upper));
  const lx = Math.log2(Math.abs(x));
  return upper > 0 ? (lx - ll) / (lu - ll) : (ll - lx) / (ll - lu);
}

/** The estimated value of each observation of a bucket, for the sum of a trimmed histogram. */
function bucketMean(lower: number, upper: number, kind: 'exp' | 'zero' | 'custom'): number {
  if (kind === 'custom') {
    if (lower === Number.NEGATIVE_INFINITY && upper === Number.POSITIVE_INFINITY) return 0;
    if (lower === Number.NEGATIVE_INFINITY) return upper;
    if (upper === Number.POSITIVE_INFINITY) return lower;
    return (lower + upper) / 2;
  }
  if (kind === 'zero') return (lower + upper) / 2;
  if (upper === Number.MAX_VALUE || upper === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (lower === -Number.MAX_VALUE || lower === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const g = Math.sqrt(lower * upper);
  return upper < 0 ? -g : g;
}

/**
 * The share of a custom bucket kept. Its open ends hold observations at -Inf/+Inf, except that
 * the lowest bucket with a positive upper bound starts at 0; the only bucket (-Inf, +Inf] is kept
 * only by a cutoff at its far end.
 */
function customKept(lower: number, upper: number, x: number, keepAbove: boolean): number {
  if (lower === Number.NEGATIVE_INFINITY && upper === Number.POSITIVE_INFINITY) {
    return (keepAbove ? x === Number.NEGATIVE_INFINITY : x === Number.POSITIVE_INFINITY) ? 1 : 0;
  }
  let below: number;
  if (lower === Number.NEGATIVE_INFINITY) below = x > Number.NEGATIVE_INFINITY ? 1 : 0;
  else if (upper === Number.POSITIVE_INFINITY) below = x === Number.POSITIVE_INFINITY ? 1 : x <= lower ? 0 : 0;
  else below = shareBelow(lower, upper, x, true);
  if (upper === Number.POSITIVE_INFINITY && lower !== Number.NEGATIVE_INFINITY) {
    // At +Inf: all above any finite cutoff.
    return keepAbove ? (x === Number.POSITIVE_INFINITY ? 0 : 1) : below;
  }
  if (lower === Number.NEGATIVE_INFINITY)
    return keepAbove ? (x === Number.NEGATIVE_INFINITY ? 1 : x >= upper ? 0 : 0) : below;
  return keepAbove ? 1 - below : below;
}

/**
 * `h </ x` (keepAbove false: observations above x are removed) or `h >/ x` (keepAbove true:
 * observations below x are removed). Partially removed buckets are interpolated; when anything
 * was removed, the sum is estimated from the remaining buckets.
 */
export function trimHistogram(h: FloatHistogram, x: number, keepAbove: boolean): FloatHistogram {
  const r = copyFloatHistogram(h);
  const custom = usesCustomBuckets(h);
  let removed = false;
  let count = 0;
  let sum = 0;
  const hasNeg = h.negativeBuckets.some((c) => c > 0);
  const hasPos = h.positiveBuckets.some((c) => c > 0);
  const visit = (lower: number, upper: number, c: number, kind: 'exp' | 'zero' | 'custom'): number => {
    let negativeCut = false;
    if (kind === 'custom' && lower === Number.NEGATIVE_INFINITY && upper > 0 && upper !== Number.POSITIVE_INFINITY) {
      // The lowest bucket with a positive upper bound counts from 0; a negative cutoff removes it
      // whichever way it trims (as Prometheus's tests have it).
      lower = 0;
      negativeCut = x < 0 && x !== Number.NEGATIVE_INFINITY;
    }
    const keep = negativeCut
      ? 0
      : kind === 'custom'
        ? customKept(lower, upper, x, keepAbove)
        : keepAbove
          ? 1 - shareBelow(lower, upper, x, kind !== 'exp')
          : shareBelow(lower, upper, x, kind !== 'exp');
    const kept = c * keep;
    if (kept !== c) removed = true;
    if (kept > 0) {
      let l = lower;
      let u = upper;
      if (x > lower && x < upper) {
        if (keepAbove) l = x;
        else u = x;
      }
      sum += kept * bucketMean(l, u, kind);
    }
    count += kept;
    return kept;
  };
  const walk = (positive: boolean, buckets: number[]): void => {
    const it = new BucketIterator(h, positive);
    let i = 0;
    while (it.next()) {
      buckets[i] = visit(it.lower, it.upper, it.count, custom ? 'custom' : 'exp');
      i++;
    }
  };
  walk(false, r.negativeBuckets);
  if (h.zeroCount > 0) {
    const zl = hasNeg || !hasPos ? -h.zeroThreshold : 0;
    const zu = hasPos || !hasNeg ? h.zeroThreshold : 0;
    r.zeroCount = visit(zl, zu, h.zeroCount, 'zero');
  }
  walk(true, r.positiveBuckets);
  if (!removed) return r;
  r.count = count;
  r.sum = sum;
  return compactFloatHistogram(r, 0);
}
