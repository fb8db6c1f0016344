// Prometheus: promql/quantile.go HistogramQuantile, HistogramFraction; functions.go
// funcHistogramStdDev, funcHistogramStdVar (native histograms)
import { BucketIterator, usesCustomBuckets } from '@tsprom/histogram';
import type { FloatHistogram } from '@tsprom/storage-interfaces';

/** One bucket with its bounds, as Prometheus's AllBucketIterator gives them. */
interface FlatBucket {
  lower: number;
  upper: number;
  count: number;
}

/**
 * Prometheus: FloatHistogram.AllBucketIterator. Every bucket in ascending order of values:
 * negative buckets, the zero bucket (when populated), positive buckets.
 */
export function allBuckets(h: FloatHistogram): FlatBucket[] {
  const out: FlatBucket[] = [];
  const neg: FlatBucket[] = [];
  const n = new BucketIterator(h, false);
  while (n.next()) neg.push({ lower: n.lower, upper: n.upper, count: n.count });
  for (let i = neg.length - 1; i >= 0; i--) out.push(neg[i]!);
  if (h.zeroCount > 0) out.push({ lower: -h.zeroThreshold, upper: h.zeroThreshold, count: h.zeroCount });
  const p = new BucketIterator(h, true);
  while (p.next()) out.push({ lower: p.lower, upper: p.upper, count: p.count });
  return out;
}

/**
 * What the last native-histogram quantile or fraction noticed: NaN observations (a NaN sum) that
 * made the result NaN (`nanResult`) or skewed it (`nanSkewed`), or were left out of a fraction.
 */
export const nativeFlags = { nanResult: false, nanSkewed: false, nanExcluded: false };

/** Prometheus: HistogramQuantile. The q-quantile of the observations of a native histogram. */
export function nativeHistogramQuantile(q: number, h: FloatHistogram): number {
  nativeFlags.nanResult = false;
  nativeFlags.nanSkewed = false;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (h.count === 0 || Number.isNaN(q)) return Number.NaN;
  const v = quantileOf(q, h);
  if (Number.isNaN(h.sum)) {
    if (Number.isNaN(v)) nativeFlags.nanResult = true;
    else nativeFlags.nanSkewed = true;
  }
  return v;
}

function quantileOf(q: number, h: FloatHistogram): number {
  const forward = Number.isNaN(h.sum) || q < 0.5;
  const all = allBuckets(h);
  if (!forward) all.reverse();
  let rank = forward ? q * h.count : (1 - q) * h.count;
  let count = 0;
  let bucket: FlatBucket = { lower: 0, upper: 0, count: 0 };
  for (const b of all) {
    bucket = b;
    if (b.count === 0) continue;
    count += b.count;
    if (count >= rank) break;
  }
  let { lower, upper } = bucket;
  const custom = usesCustomBuckets(h);
  if (!custom && lower < 0 && upper > 0) {
    const hasNeg = h.negativeBuckets.length > 0;
    const hasPos = h.positiveBuckets.length > 0;
    if (!hasNeg && hasPos) lower = 0;
    else if (!hasPos && hasNeg) upper = 0;
  } else if (custom) {
    if (lower === Number.NEGATIVE_INFINITY) {
      if (upper <= 0) return upper;
      lower = 0;
    } else if (upper === Number.POSITIVE_INFINITY) return lower;
  }
  if (count > h.count) count = h.count;
  // Only NaN observations (counted, in no bucket) leave the rank unreached.
  if (count < rank) return Number.isNaN(h.sum) ? Number.NaN : upper;
  if (forward) rank -= count - bucket.count;
  else rank = count - rank;
  const fraction = rank / bucket.count;
  if (custom || (lower <= 0 && upper >= 0)) return lower + (upper - lower) * fraction;
  const logLower = Math.log2(Math.abs(lower));
  const logUpper = Math.log2(Math.abs(upper));
  if (lower > 0) return 2 ** (logLower + (logUpper - logLower) * fraction);
  return -(2 ** (logUpper + (logLower - logUpper) * (1 - fraction)));
}

/** Prometheus: HistogramFraction. The estimated share of observations in [lower, upper]. */
export function nativeHistogramFraction(lower: number, upper: number, h: FloatHistogram): number {
  nativeFlags.nanExcluded = false;
  if (h.count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (Number.isNaN(h.sum)) nativeFlags.nanExcluded = true;
  if (lower >= upper) return 0;
  const custom = usesCustomBuckets(h);
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (const b of allBuckets(h)) {
    let bl = b.lower;
    let bu = b.upper;
    let zeroBucket = false;
    if (custom && bl === Number.NEGATIVE_INFINITY && bu > 0) bl = 0;
    if (bl <= 0 && bu >= 0 && !custom) {
      zeroBucket = true;
      const hasNeg = h.negativeBuckets.length > 0;
      const hasPos = h.positiveBuckets.length > 0;
      if (!hasNeg && hasPos) bl = 0;
      else if (!hasPos && hasNeg) bu = 0;
    }
    // An open-ended bucket is not interpolated: its observations lie at -Inf or +Inf.
    const linear = (v: number): number =>
      bl === Number.NEGATIVE_INFINITY
        ? rank + b.count
        : bu === Number.POSITIVE_INFINITY
          ? rank
          : rank + (b.count * (v - bl)) / (bu - bl);
    const exponential = (v: number): number => {
      const logLower = Math.log2(Math.abs(bl));
      const logUpper = Math.log2(Math.abs(bu));
      const logV = Math.log2(Math.abs(v));
      const fraction =
        v > 0 ? (logV - logLower) / (logUpper - logLower) : 1 - (logV - logUpper) / (logLower - logUpper);
      return rank + b.count * fraction;
    };
    if (!lowerSet && bl >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && bl >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && bl < lower && bu > lower) {
      lowerRank = custom || zeroBucket ? linear(lower) : exponential(lower);
      lowerSet = true;
    }
    if (!upperSet && bl < upper && bu > upper) {
      upperRank = custom || zeroBucket ? linear(upper) : exponential(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank += b.count;
  }
  // NaN observations are in no bucket: past the last one, the rank is what the buckets hold.
  if (!lowerSet) lowerRank = rank;
  if (!upperSet) upperRank = rank;
  if (lowerRank > h.count) lowerRank = h.count;
  if (upperRank > h.count) upperRank = h.count;
  return (upperRank - lowerRank) / h.count;
}

/**
 * Prometheus: funcHistogramStdVar. The estimated variance of the observations: each bucket's
 * count at its midpoint (geometric for exponential buckets, arithmetic for custom ones, 0 in the
 * zero bucket).
 */
export function nativeHistogramStdVar(h: FloatHistogram): number {
  const mean = h.sum / h.count;
  // Prometheus: an infinite sum gives an infinite deviation.
  if (!Number.isFinite(mean) && !Number.isNaN(mean)) return Number.POSITIVE_INFINITY;
  let variance = 0;
  let c = 0;
  const custom = usesCustomBuckets(h);
  for (const b of allBuckets(h)) {
    if (b.count === 0) continue;
    let val: number;
    if (custom) val = (b.upper + b.lower) / 2;
    else if (b.lower <= 0 && b.upper >= 0) val = 0;
    else {
      val = Math.sqrt(b.upper * b.lower);
      if (b.upper < 0) val = -val;
    }
    const delta = val - mean;
    // Kahan summation, as Prometheus's kahanSumInc.
    const inc = b.count * delta * delta;
    const t = variance + inc;
    if (Math.abs(variance) >= Math.abs(inc)) c += variance - t + inc;
    else c += inc - t + variance;
    variance = t;
  }
  return (variance + c) / h.count;
}
