// Prometheus: promql/functions.go extrapolatedRate/histogramRate, instantValue, funcResets,
// funcChanges, funcSumOverTime/funcAvgOverTime (aggrHistOverTime), funcLastOverTime,
// funcFirstOverTime: the range functions over windows holding native histograms
import {
  addFloatHistogram,
  compactFloatHistogram,
  detectReset,
  divFloatHistogram,
  floatHistogramEquals,
  IncompatibleSchemaError,
  mulFloatHistogram,
  subFloatHistogram,
  usesCustomBuckets,
} from '@tsprom/histogram';
import { CounterResetHint, copyFloatHistogram, type FloatHistogram } from '@tsprom/storage-interfaces';
import { mixedFloatsHistogramsWarning } from '../annotations.js';
import {
  histogramCounterResetCollisionWarning,
  mismatchedCustomBucketsHistogramsInfo,
  mixedExponentialCustomHistogramsWarning,
  nativeHistogramNotCounterWarning,
  nativeHistogramNotGaugeWarning,
} from '../histogram-annotations.js';
import { HistogramKahanSum } from '../histogram-kahan.js';
import { pairReset } from './histogram-pair-reset.js';
import { histogramResetAt, stHistogramRate } from './histogram-start-timestamps.js';
import type { RangeCtx } from './range-context.js';
import { checkOverlap, stReset } from './start-timestamps.js';

/** The result of the last {@link histogramRange}: a histogram `h`, else the float `v`; or `skip`. */
export const hres: { v: number; h: FloatHistogram | null; skip: boolean } = { v: 0, h: null, skip: false };

type Hs = readonly (FloatHistogram | undefined)[];

/** The functions that read histograms (the others see the float points of a window only). */
export const histogramRangeFns: ReadonlySet<string> = new Set([
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
  'resets',
  'changes',
  'sum_over_time',
  'avg_over_time',
  'last_over_time',
  'first_over_time',
]);

/** The functions that only count or time the points, histograms included. */
export const countingRangeFns: ReadonlySet<string> = new Set([
  'count_over_time',
  'present_over_time',
  'absent_over_time',
  'ts_of_last_over_time',
  'ts_of_first_over_time',
]);

function emitH(h: FloatHistogram): void {
  hres.h = h;
  hres.skip = false;
}
function emitF(v: number): void {
  hres.h = null;
  hres.v = v;
  hres.skip = false;
}

/** Runs `f`, turning a mix of exponential and custom buckets into a warning and no result. */
function guarded(c: RangeCtx, f: () => void): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof IncompatibleSchemaError)) throw err;
    c.annos.add(mixedExponentialCustomHistogramsWarning(c.metricName, c.pos));
    hres.skip = true;
  }
}

/**
 * Evaluates range function `name` (one of {@link histogramRangeFns}) over the window [lo, hi) of
 * points, some of which are histograms (`hs[i]` set). The outcome is in {@link hres}.
 */
export function histogramRange(
  name: string,
  ts: Float64Array,
  vs: Float64Array,
  hs: Hs,
  lo: number,
  hi: number,
  c: RangeCtx,
): void {
  hres.skip = true;
  hres.h = null;
  let nh = 0;
  for (let i = lo; i < hi; i++) if (hs[i] !== undefined) nh++;
  const nf = hi - lo - nh;
  switch (name) {
    case 'last_over_time': {
      const h = hs[hi - 1];
      if (h !== undefined) emitH(h);
      else emitF(vs[hi - 1]!);
      return;
    }
    case 'first_over_time': {
      const h = hs[lo];
      if (h !== undefined) emitH(h);
      else emitF(vs[lo]!);
      return;
    }
    case 'resets':
    case 'changes': {
      const sts = name === 'resets' ? c.sts : null;
      let n = 0;
      for (let i = lo + 1; i < hi; i++) {
        const p = hs[i - 1];
        const q = hs[i];
        if (p === undefined && q === undefined) {
          const a = vs[i - 1]!;
          const b = vs[i]!;
          if (
            name === 'resets'
              ? b < a || (sts !== null && stReset(ts, sts, i))
              : a !== b && !(Number.isNaN(a) && Number.isNaN(b))
          )
            n++;
        } else if (p === undefined || q === undefined) n++;
        else if (
          name === 'resets'
            ? sts !== null
              ? histogramResetAt(ts, sts, hs, i, c)
              : pairReset(hs, i, c)
            : !floatHistogramEquals(q, p)
        )
          n++;
      }
      emitF(n);
      return;
    }
    default:
      break;
  }
  if (nf > 0 && name !== 'irate' && name !== 'idelta') {
    c.annos.add(mixedFloatsHistogramsWarning(c.metricName, c.pos));
    return;
  }
  switch (name) {
    case 'rate':
    case 'increase':
      if (c.sts !== null) {
        const sts = c.sts;
        guarded(c, () => {
          const h = stHistogramRate(ts, hs, sts, lo, hi, c, name === 'rate');
          if (h !== null) emitH(h);
        });
        return;
      }
      if (nh < 2) return;
      guarded(c, () => extrapolatedHistogramRate(ts, hs, lo, hi, c, true, name === 'rate'));
      return;
    case 'delta':
      if (nh < 2) return;
      guarded(c, () => extrapolatedHistogramRate(ts, hs, lo, hi, c, false, false));
      return;
    case 'irate':
    case 'idelta':
      if (name === 'irate' && c.sts !== null) checkOverlap(ts, c.sts, lo, hi, c);
      guarded(c, () => instantValue(ts, vs, hs, lo, hi, c, name === 'irate'));
      return;
    case 'sum_over_time':
    case 'avg_over_time':
      guarded(c, () => sumOverTime(hs, lo, hi, c, name === 'avg_over_time'));
      return;
    default:
      return;
  }
}

function sumOverTime(hs: Hs, lo: number, hi: number, c: RangeCtx, avg: boolean): void {
  let reset = false;
  let notReset = false;
  const acc = new HistogramKahanSum();
  for (let i = lo; i < hi; i++) {
    const h = hs[i]!;
    if (h.counterResetHint === CounterResetHint.CounterReset) reset = true;
    else if (h.counterResetHint === CounterResetHint.NotCounterReset) notReset = true;
    acc.add(h, avg);
  }
  if (reset && notReset) c.annos.add(histogramCounterResetCollisionWarning(c.pos, 'aggregation'));
  if (acc.nhcbBoundsReconciled) c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'aggregation'));
  emitH(acc.value(avg));
}

// Prometheus: promql/functions.go histogramRate
function histogramRate(hs: Hs, lo: number, hi: number, c: RangeCtx, isCounter: boolean): FloatHistogram | null {
  let prev = hs[lo]!;
  const last = hs[hi - 1]!;
  let custom = usesCustomBuckets(prev);
  if (
    isCounter &&
    (prev.counterResetHint === CounterResetHint.Gauge || last.counterResetHint === CounterResetHint.Gauge)
  ) {
    c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
  }
  if (isCounter && hi - lo > 1) {
    const second = hs[lo + 1]!;
    if (pairReset(hs, lo + 1, c)) {
      prev = {
        counterResetHint: CounterResetHint.Unknown,
        schema: second.schema,
        zeroThreshold: 0,
        zeroCount: 0,
        count: 0,
        sum: 0,
        positiveSpans: [],
        negativeSpans: [],
        positiveBuckets: [],
        negativeBuckets: [],
      };
      if (second.customValues !== undefined) prev.customValues = second.customValues;
      custom = usesCustomBuckets(second);
    }
  }
  if (usesCustomBuckets(last) !== custom) {
    c.annos.add(mixedExponentialCustomHistogramsWarning(c.metricName, c.pos));
    return null;
  }
  for (let i = lo + 1; i < hi - 1; i++) {
    const cur = hs[i]!;
    if (!isCounter) continue;
    if (cur.counterResetHint === CounterResetHint.Gauge)
      c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
    if (usesCustomBuckets(cur) !== custom) {
      c.annos.add(mixedExponentialCustomHistogramsWarning(c.metricName, c.pos));
      return null;
    }
  }
  const h = copyFloatHistogram(last);
  if (subFloatHistogram(h, prev).nhcbBoundsReconciled)
    c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'subtraction'));
  if (isCounter) {
    for (let i = lo + 1; i < hi; i++) {
      const cur = hs[i]!;
      // prev is point i-1 except at the first pair when it was replaced by an empty histogram.
      if (prev === hs[i - 1] ? pairReset(hs, i, c) : detectReset(cur, prev)) {
        if (addFloatHistogram(h, prev).nhcbBoundsReconciled)
          c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'addition'));
      }
      prev = cur;
    }
  } else if (hs[lo]!.counterResetHint !== CounterResetHint.Gauge || last.counterResetHint !== CounterResetHint.Gauge) {
    c.annos.add(nativeHistogramNotGaugeWarning(c.metricName, c.pos));
  }
  h.counterResetHint = CounterResetHint.Gauge;
  return compactFloatHistogram(h, 0);
}

// Prometheus: promql/functions.go extrapolatedRate (histograms)
function extrapolatedHistogramRate(
  ts: Float64Array,
  hs: Hs,
  lo: number,
  hi: number,
  c: RangeCtx,
  isCounter: boolean,
  isRate: boolean,
): void {
  const h = histogramRate(hs, lo, hi, c, isCounter);
  if (h === null) return;
  const n1 = hi - lo - 1;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  let durationToStart = (firstT - c.rangeStart) / 1000;
  let durationToEnd = (c.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avgBetween = sampledInterval / n1;
  const threshold = avgBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = avgBetween / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    const first = hs[lo]!;
    if (h.count > 0 && first.count >= 0) durationToZero = sampledInterval * (first.count / h.count);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avgBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= c.rangeMs / 1000;
  emitH(mulFloatHistogram(h, factor));
}

// Prometheus: promql/functions.go instantValue
function instantValue(
  ts: Float64Array,
  vs: Float64Array,
  hs: Hs,
  lo: number,
  hi: number,
  c: RangeCtx,
  isRate: boolean,
): void {
  if (hi - lo < 2) return;
  // The last two float points and the last two histogram points, merged by time.
  const pick: number[] = [];
  let nf = 0;
  let nh = 0;
  for (let i = hi - 1; i >= lo && (nf < 2 || nh < 2); i--) {
    if (hs[i] === undefined) {
      if (nf < 2) pick.push(i);
      nf++;
    } else {
      if (nh < 2) pick.push(i);
      nh++;
    }
  }
  pick.sort((a, b) => a - b);
  const i0 = pick[pick.length - 2]!;
  const i1 = pick[pick.length - 1]!;
  const interval = ts[i1]! - ts[i0]!;
  if (interval === 0) return;
  const h0 = hs[i0];
  const h1 = hs[i1];
  if (h0 === undefined && h1 === undefined) {
    let v = vs[i1]!;
    if (!isRate || !(vs[i1]! < vs[i0]!)) v = vs[i1]! - vs[i0]!;
    emitF(isRate ? v / (interval / 1000) : v);
    return;
  }
  if (h0 === undefined || h1 === undefined) {
    c.annos.add(mixedFloatsHistogramsWarning(c.metricName, c.pos));
    return;
  }
  const r = copyFloatHistogram(h1);
  if (isRate && (h1.counterResetHint === CounterResetHint.Gauge || h0.counterResetHint === CounterResetHint.Gauge)) {
    c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
  }
  if (!isRate && (h1.counterResetHint !== CounterResetHint.Gauge || h0.counterResetHint !== CounterResetHint.Gauge)) {
    c.annos.add(nativeHistogramNotGaugeWarning(c.metricName, c.pos));
  }
  // Both points are histograms, so they are neighbours: i0 is i1 - 1.
  if (!isRate || !(detectReset(h1, h0) || (c.sts !== null && stReset(ts, c.sts, i1)))) {
    if (subFloatHistogram(r, h0).nhcbBoundsReconciled)
      c.annos.add(mismatchedCustomBucketsHistogramsInfo(c.pos, 'subtraction'));
  }
  r.counterResetHint = CounterResetHint.Gauge;
  compactFloatHistogram(r, 0);
  emitH(isRate ? divFloatHistogram(r, interval / 1000) : r);
}
