// Prometheus: promql/quantile.go BucketQuantile, coalesceBuckets, ensureMonotonicAndIgnoreSmallDeltas

/** A classic histogram bucket: upper bound and cumulative count. */
export interface Bucket {
  upperBound: number;
  count: number;
}

const minNormal = 2.2250738585072014e-308;
const smallDeltaTolerance = 1e-12;

/** Prometheus `almost.Equal`: relative comparison with a tolerance, NaN equal to NaN. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Result flags of {@link bucketQuantile}. */
export const bucketQuantileFlags = { forcedMonotonic: false, fixedPrecision: false };

/**
 * The q-quantile from classic buckets (sorted here, coalesced, forced monotonic). Sets
 * {@link bucketQuantileFlags}. Returns NaN without a +Inf bucket or observations.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): number {
  bucketQuantileFlags.forcedMonotonic = false;
  bucketQuantileFlags.fixedPrecision = false;
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (buckets[buckets.length - 1]!.upperBound !== Number.POSITIVE_INFINITY) return Number.NaN;
  buckets = coalesce(buckets);
  ensureMonotonic(buckets);
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  // sort.Search over the first len-1 buckets
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid]!.count >= rank) hi = mid;
    else lo = mid + 1;
  }
  const b = lo;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

function coalesce(buckets: Bucket[]): Bucket[] {
  let last = { ...buckets[0]! };
  const out: Bucket[] = [];
  for (let i = 1; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (b.upperBound === last.upperBound) last.count += b.count;
    else {
      out.push(last);
      last = { ...b };
    }
  }
  out.push(last);
  return out;
}

function ensureMonotonic(buckets: Bucket[]): void {
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, smallDeltaTolerance)) {
      buckets[i]!.count = prev;
      bucketQuantileFlags.fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      buckets[i]!.count = prev;
      bucketQuantileFlags.forcedMonotonic = true;
      continue;
    }
    prev = curr;
  }
}

/**
 * The fraction of observations between `lower` and `upper` from classic buckets. Buckets are
 * interpolated linearly; a bucket of infinite width counts only when wholly inside the range. The
 * lowest bucket starts at 0 when its upper bound is positive, else at -Inf.
 */
export function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
  if (buckets[buckets.length - 1]!.upperBound !== Number.POSITIVE_INFINITY) return Number.NaN;
  buckets = coalesce(buckets);
  ensureMonotonic(buckets);
  const total = buckets[buckets.length - 1]!.count;
  if (total === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;
  let sum = 0;
  let prevCount = 0;
  for (let i = 0; i < buckets.length; i++) {
    const hi = buckets[i]!.upperBound;
    const lo = i === 0 ? (hi > 0 ? 0 : Number.NEGATIVE_INFINITY) : buckets[i - 1]!.upperBound;
    const c = buckets[i]!.count - prevCount;
    prevCount = buckets[i]!.count;
    if (hi <= lower || lo >= upper) continue;
    if (lower <= lo && hi <= upper) {
      sum += c;
      continue;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      // No interpolation in an infinite bucket; it counts whole when the range is infinite there too.
      if ((hi === Number.POSITIVE_INFINITY && upper === hi) || (lo === Number.NEGATIVE_INFINITY && lower === lo))
        sum += c;
      continue;
    }
    sum += (c * (Math.min(hi, upper) - Math.max(lo, lower))) / (hi - lo);
  }
  return sum / total;
}
