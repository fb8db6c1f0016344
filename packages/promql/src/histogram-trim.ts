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
function bucketMean(
  lower: number,
  upper: number,
  kind: 'exp' | 'zero' | 'custom',
  first: boolean,
  last: boolean,
): number {
  if (kind === 'custom') {
    if (first && lower === Number.NEGATIVE_INFINITY) {
      if (upper <= 0) return upper;
      lower = 0;
    }
    if (last && upper === Number.POSITIVE_INFINITY) return lower;
    return (lower + upper) / 2;
  }
  if (kind === 'zero') return (lower + upper) / 2;
  if (upper === Number.MAX_VALUE || upper === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (lower === -Number.MAX_VALUE || lower === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const g = Math.sqrt(lower * upper);
  return upper < 0 ? -g : g;
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
  const visit = (
    lower: number,
    upper: number,
    c: number,
    kind: 'exp' | 'zero' | 'custom',
    first: boolean,
    last: boolean,
  ): number => {
    // Where an NHCB's open-ended bucket puts its observations (at -Inf/+Inf, or 0 for the only bucket).
    let share: number;
    if (
      kind === 'custom' &&
      first &&
      last &&
      lower === Number.NEGATIVE_INFINITY &&
      upper === Number.POSITIVE_INFINITY
    ) {
      share = x > 0 ? 1 : x < 0 ? 0 : 1;
    } else if (kind === 'custom' && first && lower === Number.NEGATIVE_INFINITY) {
      share = x > Number.NEGATIVE_INFINITY ? 1 : 0;
      if (upper < x) share = 1;
    } else if (kind === 'custom' && last && upper === Number.POSITIVE_INFINITY) {
      share = x >= Number.POSITIVE_INFINITY ? 1 : 0;
    } else share = shareBelow(lower, upper, x, kind !== 'exp');
    const keep = keepAbove ? 1 - share : share;
    const kept = c * keep;
    if (kept !== c) removed = true;
    if (kept > 0) {
      let l = lower;
      let u = upper;
      if (keep < 1) {
        if (keepAbove) l = x;
        else u = x;
      }
      sum += kept * bucketMean(l, u, kind, first, last);
    }
    count += kept;
    return kept;
  };
  const walk = (positive: boolean, buckets: number[]): void => {
    const it = new BucketIterator(h, positive);
    const n = buckets.length;
    let i = 0;
    while (it.next()) {
      buckets[i] = visit(it.lower, it.upper, it.count, custom ? 'custom' : 'exp', i === 0, i === n - 1);
      i++;
    }
  };
  walk(false, r.negativeBuckets);
  if (h.zeroCount > 0) {
    const zl = hasNeg || !hasPos ? -h.zeroThreshold : 0;
    const zu = hasPos || !hasNeg ? h.zeroThreshold : 0;
    r.zeroCount = visit(zl, zu, h.zeroCount, 'zero', false, false);
  }
  walk(true, r.positiveBuckets);
  if (!removed) return r;
  r.count = count;
  r.sum = sum;
  return compactFloatHistogram(r, 0);
}
