// Prometheus: model/histogram/float_histogram.go zeroCountForLargerThreshold, trimBucketsInZeroBucket,
// reconcileZeroBuckets
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { BucketIterator } from './bucket-iterator.js';
import { compactBuckets } from './buckets.js';

/**
 * Prometheus: FloatHistogram.zeroCountForLargerThreshold. The zero count `h` would have with a zero
 * bucket widened to `largerThreshold`, and the threshold actually needed: when the new threshold
 * falls inside a populated bucket, it grows to that bucket's bound.
 */
export function zeroCountForLargerThreshold(
  h: FloatHistogram,
  largerThreshold: number,
): { count: number; threshold: number } {
  if (largerThreshold === h.zeroThreshold) return { count: h.zeroCount, threshold: largerThreshold };
  if (largerThreshold < h.zeroThreshold) {
    throw new Error(`new threshold ${largerThreshold} is lower than old threshold ${h.zeroThreshold}`);
  }
  for (;;) {
    let count = h.zeroCount;
    let redo = false;
    const pos = new BucketIterator(h, true);
    while (pos.next()) {
      if (pos.lower >= largerThreshold) break;
      count += pos.count;
      if (pos.upper > largerThreshold) {
        if (pos.count !== 0) largerThreshold = pos.upper;
        break;
      }
    }
    const neg = new BucketIterator(h, false);
    while (neg.next()) {
      if (neg.upper <= -largerThreshold) break;
      count += neg.count;
      if (neg.lower < -largerThreshold) {
        if (neg.count !== 0) {
          largerThreshold = -neg.lower;
          redo = true;
        }
        break;
      }
    }
    if (!redo) return { count, threshold: largerThreshold };
  }
}

/** Prometheus: FloatHistogram.trimBucketsInZeroBucket. Empties and drops buckets inside the zero bucket. */
function trimBucketsInZeroBucket(h: FloatHistogram): void {
  const pos = new BucketIterator(h, true);
  let i = 0;
  while (pos.next()) {
    if (pos.lower >= h.zeroThreshold) break;
    h.positiveBuckets[i++] = 0;
  }
  const neg = new BucketIterator(h, false);
  i = 0;
  while (neg.next()) {
    if (neg.upper <= -h.zeroThreshold) break;
    h.negativeBuckets[i++] = 0;
  }
  const p = compactBuckets(h.positiveSpans, h.positiveBuckets, 0);
  const n = compactBuckets(h.negativeSpans, h.negativeBuckets, 0);
  h.positiveSpans = p.spans;
  h.positiveBuckets = p.buckets;
  h.negativeSpans = n.spans;
  h.negativeBuckets = n.buckets;
}

/**
 * Widens the zero bucket of `h` (in place) to at least `threshold`, moving the buckets it now covers
 * into the zero count.
 */
export function widenZeroBucket(h: FloatHistogram, threshold: number): void {
  const r = zeroCountForLargerThreshold(h, threshold);
  h.zeroCount = r.count;
  h.zeroThreshold = r.threshold;
  trimBucketsInZeroBucket(h);
}

/**
 * Prometheus: FloatHistogram.reconcileZeroBuckets. Widens the zero bucket of `h` (in place) and the
 * one of `other` (in the computation only) to the same threshold; returns `other`'s zero count for it.
 */
export function reconcileZeroBuckets(h: FloatHistogram, other: FloatHistogram): number {
  let otherZeroCount = other.zeroCount;
  let otherZeroThreshold = other.zeroThreshold;
  while (otherZeroThreshold !== h.zeroThreshold) {
    if (h.zeroThreshold > otherZeroThreshold) {
      const r = zeroCountForLargerThreshold(other, h.zeroThreshold);
      otherZeroCount = r.count;
      otherZeroThreshold = r.threshold;
    }
    if (otherZeroThreshold > h.zeroThreshold) widenZeroBucket(h, otherZeroThreshold);
  }
  return otherZeroCount;
}
