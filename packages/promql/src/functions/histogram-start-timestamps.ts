// Prometheus: promql/functions.go histogramRate and extrapolatedRate (native histograms, with
// start timestamps)
import {
  addFloatHistogram,
  compactFloatHistogram,
  mulFloatHistogram,
  subFloatHistogram,
  usesCustomBuckets,
} from '@tsprom/histogram';
import { CounterResetHint, copyFloatHistogram, type FloatHistogram } from '@tsprom/storage-interfaces';
import {
  mismatchedCustomBucketsHistogramsInfo,
  mixedExponentialCustomHistogramsWarning,
  nativeHistogramNotCounterWarning,
} from '../histogram-annotations.js';
import { pairReset } from './histogram-pair-reset.js';
import type { RangeCtx } from './range-context.js';
import { checkOverlap, stReset, validST } from './start-timestamps.js';

type Hs = readonly (FloatHistogram | undefined)[];

/**
 * Whether histogram point `i` starts a new counter lifetime: its buckets went down against point
 * `i-1`, or its start timestamp says so.
 */
export function histogramResetAt(ts: Float64Array, sts: Float64Array, hs: Hs, i: number, c: RangeCtx): boolean {
  return pairReset(hs, i, c) || stReset(ts, sts, i);
}

/**
 * `rate`/`increase` over the window [lo, hi) of histogram points with start timestamps: resets are
 * also detected from them, and when the first point's start lies inside the range the counter is
 * taken to be 0 then instead of extrapolating to the left (as the float `stExtrapolatedRate`).
 * Returns the result, or null for no output at this step. May throw IncompatibleSchemaError.
 */
export function stHistogramRate(
  ts: Float64Array,
  hs: Hs,
  sts: Float64Array,
  lo: number,
  hi: number,
  c: RangeCtx,
  isRate: boolean,
): FloatHistogram | null {
  checkOverlap(ts, sts, lo, hi, c);
  const n = hi - lo;
  const firstST = validST(ts, sts, lo);
  const zeroPoint = firstST > c.rangeStart;
  if (n < 2 && !zeroPoint) return null;
  const first = hs[lo]!;
  const last = hs[hi - 1]!;
  if (first.counterResetHint === CounterResetHint.Gauge || last.counterResetHint === CounterResetHint.Gauge) {
    c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
  }
  // After a reset between the first two points the first one is not subtracted (its layout does
  // not matter then); with a zero point it is not subtracted either: the counter was 0 at its start.
  const firstReset = n > 1 && histogramResetAt(ts, sts, hs, lo + 1, c);
  const subtractFirst = !zeroPoint && !firstReset;
  const custom = usesCustomBuckets(firstReset && !zeroPoint ? hs[lo + 1]! : first);
  for (let i = lo + 1; i < hi; i++) {
    const cur = hs[i]!;
    if (i < hi - 1 && cur.counterResetHint === CounterResetHint.Gauge) {
      c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
    }
    if (usesCustomBuckets(cur) !== custom) {
      c.annos.add(mixedExponentialCustomHistogramsWarning(c.metricName, c.pos));
      return null;
    }
  }
  const h = copyFloatHistogram(last);
  if (subtractFirst && subFloatHistogram(h, first).nhcbBoundsReconciled) {
    c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'subtraction'));
  }
  for (let i = lo + 1; i < hi; i++) {
    // A reset at the first pair only adds the first point when it was not subtracted for it.
    if ((i > lo + 1 || zeroPoint) && histogramResetAt(ts, sts, hs, i, c)) {
      if (addFloatHistogram(h, hs[i - 1]!).nhcbBoundsReconciled) {
        c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'addition'));
      }
    }
  }
  h.counterResetHint = CounterResetHint.Gauge;
  compactFloatHistogram(h, 0);

  const lastT = ts[hi - 1]!;
  let firstT = ts[lo]!;
  let durationToStart = 0;
  if (zeroPoint) firstT = firstST;
  else durationToStart = (firstT - c.rangeStart) / 1000;
  let durationToEnd = (c.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = n > 1 ? (lastT - ts[lo]!) / 1000 / (n - 1) : 0;
  const threshold = averageDurationBetweenSamples * 1.1;
  if (!zeroPoint) {
    if (durationToStart >= threshold) durationToStart = averageDurationBetweenSamples / 2;
    let durationToZero = durationToStart;
    if (h.count > 0 && first.count >= 0) durationToZero = sampledInterval * (first.count / h.count);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= c.rangeMs / 1000;
  return mulFloatHistogram(h, factor);
}
