// Prometheus: model/histogram/float_histogram.go FloatHistogram (Add, Sub, Mul, Div, Compact,
// DetectReset, Equals, String, Validate)
import { CounterResetHint, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import { exponentialBound, isCustomBucketsSchema } from './bounds.js';
import { BucketIterator } from './bucket-iterator.js';
import {
  addBuckets,
  type BucketLayout,
  compactBuckets,
  forEachBucket,
  LayoutBuilder,
  reduceResolution,
} from './buckets.js';
import {
  customBucketBoundsMatch,
  denseToLayout,
  intersectCustomBucketBounds,
  mapCustomBuckets,
} from './custom-buckets.js';
import { IncompatibleSchemaError } from './errors.js';
import { formatG } from './format-g.js';
import { cursorsDetectReset, TargetBucketCursor } from './reset-cursor.js';
import { alreadyCompact, sameCanonicalLayout } from './same-layout.js';
import { reconcileZeroBuckets, zeroCountForLargerThreshold } from './zero-bucket.js';

/** What `addFloatHistogram`/`subFloatHistogram` noticed besides the result. */
export interface HistogramOpResult {
  /** Prometheus: counterResetCollision. One side said "counter reset", the other "not a reset". */
  counterResetCollision: boolean;
  /** Prometheus: nhcbBoundsReconciled. Custom bounds differed; the result has their intersection. */
  nhcbBoundsReconciled: boolean;
}

/** Prometheus: FloatHistogram.UsesCustomBuckets. */
export function usesCustomBuckets(h: FloatHistogram): boolean {
  return isCustomBucketsSchema(h.schema);
}

/** Prometheus: FloatHistogram.adjustCounterReset. Returns true on a CounterReset/NotCounterReset collision. */
function adjustCounterReset(h: FloatHistogram, other: FloatHistogram): boolean {
  const a = h.counterResetHint;
  const b = other.counterResetHint;
  if (a === b || a === CounterResetHint.Gauge) return false;
  if (b === CounterResetHint.Gauge) {
    h.counterResetHint = CounterResetHint.Gauge;
    return false;
  }
  if (a === CounterResetHint.Unknown) return false;
  h.counterResetHint = CounterResetHint.Unknown;
  return b !== CounterResetHint.Unknown;
}

/** Drops the buckets of an exponential layout whose upper bound is within the zero bucket. */
function dropInZeroBucket(
  spans: readonly Span[],
  buckets: readonly number[],
  schema: number,
  threshold: number,
): BucketLayout {
  if (threshold === 0 && (spans.length === 0 || buckets.length === 0))
    return { spans: [...spans], buckets: [...buckets] };
  const out = new LayoutBuilder();
  let below = true;
  forEachBucket(spans, buckets, (idx, count) => {
    if (below && exponentialBound(idx, schema) <= threshold) return;
    below = false;
    out.push(idx, count);
  });
  return { spans: out.spans, buckets: out.buckets };
}

/**
 * Whether `other` adds to `h` bucket by bucket in `h`'s own layout: one schema, zero bucket and
 * custom bounds, the same canonical spans, and none of `other`'s buckets within the zero bucket.
 */
function sameLayout(h: FloatHistogram, other: FloatHistogram): boolean {
  if (h.schema !== other.schema) return false;
  if (usesCustomBuckets(h)) {
    return (
      customBucketBoundsMatch(h.customValues, other.customValues) &&
      sameCanonicalLayout(h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets)
    );
  }
  const threshold = h.zeroThreshold;
  return (
    other.zeroThreshold === threshold &&
    sameCanonicalLayout(h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets) &&
    sameCanonicalLayout(h.negativeSpans, h.negativeBuckets, other.negativeSpans, other.negativeBuckets) &&
    (other.positiveSpans.length === 0 || exponentialBound(other.positiveSpans[0]!.offset, h.schema) > threshold) &&
    (other.negativeSpans.length === 0 || exponentialBound(other.negativeSpans[0]!.offset, h.schema) > threshold)
  );
}

/** `a[i] += b[i]` (or `-=` with `negate`), summed in the order the layout merge sums them. */
function addInPlace(a: number[], b: readonly number[], negate: boolean): void {
  if (negate) for (let i = 0; i < a.length; i++) a[i] = 0 + a[i]! + -b[i]!;
  else for (let i = 0; i < a.length; i++) a[i] = 0 + a[i]! + b[i]!;
}

function combine(h: FloatHistogram, other: FloatHistogram, negate: boolean): HistogramOpResult {
  if (usesCustomBuckets(h) !== usesCustomBuckets(other)) throw new IncompatibleSchemaError(h.schema, other.schema);
  const counterResetCollision = adjustCounterReset(h, other);
  const sign = negate ? -1 : 1;
  if (sameLayout(h, other)) {
    // No allocation: the result has h's layout, so h's bucket arrays take it.
    if (!usesCustomBuckets(h)) h.zeroCount += sign * other.zeroCount;
    h.count += sign * other.count;
    h.sum += sign * other.sum;
    addInPlace(h.positiveBuckets, other.positiveBuckets, negate);
    if (!usesCustomBuckets(h)) addInPlace(h.negativeBuckets, other.negativeBuckets, negate);
    return { counterResetCollision, nhcbBoundsReconciled: false };
  }
  if (!usesCustomBuckets(h)) h.zeroCount += sign * reconcileZeroBuckets(h, other);
  h.count += sign * other.count;
  h.sum += sign * other.sum;
  if (usesCustomBuckets(h)) {
    if (customBucketBoundsMatch(h.customValues, other.customValues)) {
      const p = addBuckets(h.positiveSpans, h.positiveBuckets, other.positiveSpans, other.positiveBuckets, negate);
      h.positiveSpans = p.spans;
      h.positiveBuckets = p.buckets;
      return { counterResetCollision, nhcbBoundsReconciled: false };
    }
    const hb = h.customValues ?? [];
    const ob = other.customValues ?? [];
    const bounds = intersectCustomBucketBounds(hb, ob);
    const dense: number[] = [];
    mapCustomBuckets(h.positiveSpans, h.positiveBuckets, hb, bounds, dense, 1);
    mapCustomBuckets(other.positiveSpans, other.positiveBuckets, ob, bounds, dense, sign);
    const p = denseToLayout(dense);
    h.positiveSpans = p.spans;
    h.positiveBuckets = p.buckets;
    h.customValues = bounds;
    return { counterResetCollision, nhcbBoundsReconciled: true };
  }
  let hp: BucketLayout = { spans: h.positiveSpans, buckets: h.positiveBuckets };
  let hn: BucketLayout = { spans: h.negativeSpans, buckets: h.negativeBuckets };
  let op: BucketLayout = { spans: other.positiveSpans, buckets: other.positiveBuckets };
  let on: BucketLayout = { spans: other.negativeSpans, buckets: other.negativeBuckets };
  if (other.schema < h.schema) {
    hp = reduceResolution(hp.spans, hp.buckets, h.schema, other.schema);
    hn = reduceResolution(hn.spans, hn.buckets, h.schema, other.schema);
    h.schema = other.schema;
  } else if (other.schema > h.schema) {
    op = reduceResolution(op.spans, op.buckets, other.schema, h.schema);
    on = reduceResolution(on.spans, on.buckets, other.schema, h.schema);
  }
  op = dropInZeroBucket(op.spans, op.buckets, h.schema, h.zeroThreshold);
  on = dropInZeroBucket(on.spans, on.buckets, h.schema, h.zeroThreshold);
  const p = addBuckets(hp.spans, hp.buckets, op.spans, op.buckets, negate);
  const n = addBuckets(hn.spans, hn.buckets, on.spans, on.buckets, negate);
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
  return { counterResetCollision, nhcbBoundsReconciled: false };
}

/**
 * Prometheus: FloatHistogram.Add. Adds `other` to `h` in place: the result has the lower of the two
 * schemas and the wider zero bucket; custom buckets with different bounds are reconciled to the
 * bounds both have. Throws IncompatibleSchemaError when one uses custom buckets and the other not.
 */
export function addFloatHistogram(h: FloatHistogram, other: FloatHistogram): HistogramOpResult {
  return combine(h, other, false);
}

/** Prometheus: FloatHistogram.Sub. Subtracts `other` from `h` in place (see addFloatHistogram). */
export function subFloatHistogram(h: FloatHistogram, other: FloatHistogram): HistogramOpResult {
  return combine(h, other, true);
}

/** Prometheus: FloatHistogram.Mul. Scales count, sum, zero count and every bucket of `h` in place. */
export function mulFloatHistogram(h: FloatHistogram, factor: number): FloatHistogram {
  h.zeroCount *= factor;
  h.count *= factor;
  h.sum *= factor;
  for (let i = 0; i < h.positiveBuckets.length; i++) h.positiveBuckets[i]! *= factor;
  for (let i = 0; i < h.negativeBuckets.length; i++) h.negativeBuckets[i]! *= factor;
  return h;
}

/**
 * Prometheus: FloatHistogram.Div. Divides count, sum, zero count and every bucket of `h` in place.
 * Division by zero removes all buckets (only the zero bucket keeps the ±Inf or NaN count).
 */
export function divFloatHistogram(h: FloatHistogram, scalar: number): FloatHistogram {
  h.zeroCount /= scalar;
  h.count /= scalar;
  h.sum /= scalar;
  if (scalar === 0) {
    h.positiveSpans = [];
    h.negativeSpans = [];
    h.positiveBuckets = [];
    h.negativeBuckets = [];
    return h;
  }
  for (let i = 0; i < h.positiveBuckets.length; i++) h.positiveBuckets[i]! /= scalar;
  for (let i = 0; i < h.negativeBuckets.length; i++) h.negativeBuckets[i]! /= scalar;
  return h;
}

/**
 * Prometheus: FloatHistogram.Compact. Drops empty buckets at the edges and runs of more than
 * `maxEmptyBuckets` inside, merging spans separated by at most that many (in place).
 */
export function compactFloatHistogram(h: FloatHistogram, maxEmptyBuckets: number): FloatHistogram {
  if (
    alreadyCompact(h.positiveSpans, h.positiveBuckets, maxEmptyBuckets) &&
    alreadyCompact(h.negativeSpans, h.negativeBuckets, maxEmptyBuckets)
  ) {
    return h;
  }
  const p = compactBuckets(h.positiveSpans, h.positiveBuckets, maxEmptyBuckets);
  const n = compactBuckets(h.negativeSpans, h.negativeBuckets, maxEmptyBuckets);
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
  return h;
}

// Reused by every detectReset: it runs for each sample pair of every range and allocates nothing.
const curCursor = new TargetBucketCursor();
const prevCursor = new TargetBucketCursor();

function sideDetectReset(h: FloatHistogram, previous: FloatHistogram, positive: boolean, threshold: number): boolean {
  curCursor.reset(h, positive, h.schema, threshold);
  prevCursor.reset(previous, positive, h.schema, threshold);
  return cursorsDetectReset(curCursor, prevCursor);
}

/**
 * Prometheus: FloatHistogram.DetectReset. True when `h` cannot follow `previous` without a counter
 * reset: an explicit hint, a lower count, a higher schema, a narrower zero bucket, or any bucket
 * (mapped to `h`'s layout) that went down.
 */
export function detectReset(h: FloatHistogram, previous: FloatHistogram): boolean {
  if (h.counterResetHint === CounterResetHint.CounterReset) return true;
  if (h.counterResetHint === CounterResetHint.NotCounterReset) return false;
  if (h.count < previous.count) return true;
  if (usesCustomBuckets(h) || usesCustomBuckets(previous)) {
    if (!usesCustomBuckets(h) || !usesCustomBuckets(previous)) return true;
    const hb = h.customValues ?? [];
    const pb = previous.customValues ?? [];
    if (!customBucketBoundsMatch(hb, pb)) {
      const bounds = intersectCustomBucketBounds(hb, pb);
      const cur: number[] = [];
      const prev: number[] = [];
      mapCustomBuckets(h.positiveSpans, h.positiveBuckets, hb, bounds, cur, 1);
      mapCustomBuckets(previous.positiveSpans, previous.positiveBuckets, pb, bounds, prev, 1);
      for (let i = 0; i < prev.length; i++) if ((cur[i] ?? 0) < (prev[i] ?? 0)) return true;
      return false;
    }
    return sideDetectReset(h, previous, true, 0);
  }
  if (h.schema > previous.schema) return true;
  if (h.zeroThreshold < previous.zeroThreshold) return true;
  const z = zeroCountForLargerThreshold(previous, h.zeroThreshold);
  if (z.threshold !== h.zeroThreshold) return true;
  if (h.zeroCount < z.count) return true;
  const t = h.zeroThreshold;
  if (sideDetectReset(h, previous, true, t)) return true;
  return sideDetectReset(h, previous, false, t);
}

function sameFloat(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function sameBuckets(sa: readonly Span[], ba: readonly number[], sb: readonly Span[], bb: readonly number[]): boolean {
  const a: number[] = [];
  const b: number[] = [];
  forEachBucket(sa, ba, (i, c) => a.push(i, c));
  forEachBucket(sb, bb, (i, c) => b.push(i, c));
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameFloat(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * Prometheus: FloatHistogram.Equals. Same schema, zero bucket, count, sum (NaN equals NaN), custom
 * bounds and buckets (the same buckets, however the spans cut them). The counter-reset hint is not
 * compared.
 */
export function floatHistogramEquals(a: FloatHistogram, b: FloatHistogram): boolean {
  if (a.schema !== b.schema || !sameFloat(a.count, b.count) || !sameFloat(a.sum, b.sum)) return false;
  if (usesCustomBuckets(a)) {
    if (!customBucketBoundsMatch(a.customValues, b.customValues)) return false;
  } else {
    if (a.zeroThreshold !== b.zeroThreshold || !sameFloat(a.zeroCount, b.zeroCount)) return false;
    if (!sameBuckets(a.negativeSpans, a.negativeBuckets, b.negativeSpans, b.negativeBuckets)) return false;
  }
  return sameBuckets(a.positiveSpans, a.positiveBuckets, b.positiveSpans, b.positiveBuckets);
}

function bucketString(
  lower: number,
  upper: number,
  count: number,
  lowerInclusive: boolean,
  upperInclusive: boolean,
): string {
  const l = lower < 0 || lowerInclusive ? '[' : '(';
  const u = upper > 0 || upperInclusive ? ']' : ')';
  return `${l}${formatG(lower)},${formatG(upper)}${u}:${formatG(count)}`;
}

/** Prometheus: FloatHistogram.String, e.g. `{count:5, sum:10, [-1,-0.5):1, [-0.001,0.001]:2, (1,2]:2}`. */
export function floatHistogramString(h: FloatHistogram): string {
  let s = `{count:${formatG(h.count)}, sum:${formatG(h.sum)}`;
  const neg: string[] = [];
  const n = new BucketIterator(h, false);
  while (n.next()) if (n.count !== 0) neg.push(bucketString(n.lower, n.upper, n.count, true, false));
  for (let i = neg.length - 1; i >= 0; i--) s += `, ${neg[i]}`;
  if (h.zeroCount !== 0) s += `, ${bucketString(-h.zeroThreshold, h.zeroThreshold, h.zeroCount, true, true)}`;
  const p = new BucketIterator(h, true);
  while (p.next()) if (p.count !== 0) s += `, ${bucketString(p.lower, p.upper, p.count, false, true)}`;
  return `${s}}`;
}
