// Prometheus: promql/functions.go extendedRate, interpolate, correctForCounterResets (native
// histograms in `anchored` and `smoothed` ranges)
import {
  addFloatHistogram,
  compactFloatHistogram,
  detectReset,
  divFloatHistogram,
  floatHistogramEquals,
  IncompatibleSchemaError,
  mulFloatHistogram,
  subFloatHistogram,
} from '@tsprom/histogram';
import { CounterResetHint, copyFloatHistogram, type FloatHistogram } from '@tsprom/storage-interfaces';
import { mixedFloatsHistogramsWarning } from '../annotations.js';
import {
  mixedExponentialCustomHistogramsWarning,
  nativeHistogramNotCounterWarning,
  nativeHistogramNotGaugeWarning,
} from '../histogram-annotations.js';
import type { ExtWindow } from './extended-range.js';
import { hres } from './histogram-range.js';
import type { RangeCtx } from './range-context.js';

type Hs = readonly (FloatHistogram | undefined)[];

function empty(like: FloatHistogram): FloatHistogram {
  const h: FloatHistogram = {
    counterResetHint: CounterResetHint.Unknown,
    schema: like.schema,
    zeroThreshold: like.zeroThreshold,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: [],
    negativeSpans: [],
    positiveBuckets: [],
    negativeBuckets: [],
  };
  if (like.customValues !== undefined) h.customValues = like.customValues;
  return h;
}

function interpolate(ts: Float64Array, hs: Hs, i: number, j: number, t: number, isCounter: boolean): FloatHistogram {
  let y1 = hs[i]!;
  const y2 = hs[j]!;
  if (isCounter && detectReset(y2, y1)) y1 = empty(y2);
  const frac = (t - ts[i]!) / (ts[j]! - ts[i]!);
  const d = copyFloatHistogram(y2);
  subFloatHistogram(d, y1);
  mulFloatHistogram(d, frac);
  const r = copyFloatHistogram(y1);
  addFloatHistogram(r, d);
  // An interpolated point says nothing about resets: later checks go by the counts.
  r.counterResetHint = CounterResetHint.Unknown;
  return r;
}

/** The histogram of a `smoothed` instant selector at `t`, between points `i` and `j` (a counter). */
export function interpolateHistogram(
  ti: number,
  hi: FloatHistogram,
  tj: number,
  hj: FloatHistogram,
  t: number,
): FloatHistogram {
  const ts = new Float64Array([ti, tj]);
  return interpolate(ts, [hi, hj], 0, 1, t, true);
}

/** The window's points are all histograms (from `before` to `after`); else warns and returns false. */
export function allHistograms(hs: Hs, w: ExtWindow, c: RangeCtx): boolean {
  const from = w.before >= 0 ? w.before : w.lo;
  const to = w.after >= 0 ? w.after + 1 : w.hi;
  let nh = 0;
  for (let i = from; i < to; i++) if (hs[i] !== undefined) nh++;
  if (nh === to - from) return true;
  c.annos.add(mixedFloatsHistogramsWarning(c.metricName, c.pos));
  return false;
}

/** `rate`/`increase`/`delta` of histograms over an anchored or smoothed range (result in hres). */
export function extendedHistogramRate(
  ts: Float64Array,
  hs: Hs,
  w: ExtWindow,
  c: RangeCtx,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): void {
  try {
    extendedRateOf(ts, hs, w, c, smoothed, isCounter, isRate);
  } catch (err) {
    if (!(err instanceof IncompatibleSchemaError)) throw err;
    c.annos.add(mixedExponentialCustomHistogramsWarning(c.metricName, c.pos));
    hres.skip = true;
  }
}

function extendedRateOf(
  ts: Float64Array,
  hs: Hs,
  w: ExtWindow,
  c: RangeCtx,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): void {
  hres.skip = true;
  hres.h = null;
  const hasInside = w.hi > w.lo;
  if (!hasInside && !(smoothed && w.before >= 0 && w.after >= 0)) return;
  let left: FloatHistogram;
  if (w.before >= 0) {
    left = smoothed
      ? interpolate(ts, hs, w.before, hasInside ? w.lo : w.after, c.rangeStart, isCounter)
      : hs[w.before]!;
  } else left = hs[w.lo]!;
  const last = hasInside ? w.hi - 1 : w.before;
  const right = smoothed && w.after >= 0 ? interpolate(ts, hs, last, w.after, c.rangeEnd, isCounter) : hs[last]!;
  const from = w.before >= 0 ? w.before : w.lo;
  const to = w.after >= 0 ? w.after + 1 : w.hi;
  let gauge = false;
  let notGauge = false;
  for (let i = from; i < to; i++) {
    if (hs[i]!.counterResetHint === CounterResetHint.Gauge) gauge = true;
    else notGauge = true;
  }
  if (isCounter && gauge) c.annos.add(nativeHistogramNotCounterWarning(c.metricName, c.pos));
  if (!isCounter && notGauge) c.annos.add(nativeHistogramNotGaugeWarning(c.metricName, c.pos));
  const result = copyFloatHistogram(right);
  subFloatHistogram(result, left);
  if (isCounter) {
    let prev = left;
    let first = w.lo;
    // A left side interpolated towards the first point cannot be above it: no reset there.
    if (smoothed && w.before >= 0 && hasInside) {
      prev = hs[w.lo]!;
      first = w.lo + 1;
    }
    for (let i = first; i < w.hi; i++) {
      const h = hs[i]!;
      if (detectReset(h, prev)) addFloatHistogram(result, prev);
      prev = h;
    }
    if (right !== prev && detectReset(right, prev)) addFloatHistogram(result, prev);
  }
  result.counterResetHint = CounterResetHint.Gauge;
  compactFloatHistogram(result, 0);
  hres.h = isRate ? divFloatHistogram(result, c.rangeMs / 1000) : result;
  hres.skip = false;
}

/** `changes`/`resets` over an anchored range holding histograms (result in hres). */
export function anchoredHistogramChanges(vs: Float64Array, hs: Hs, w: ExtWindow, resets: boolean): void {
  hres.skip = true;
  hres.h = null;
  if (w.hi <= w.lo) return;
  let n = 0;
  let p = w.before >= 0 ? w.before : w.lo;
  for (let i = w.before >= 0 ? w.lo : w.lo + 1; i < w.hi; i++) {
    const a = hs[p];
    const b = hs[i];
    if (a === undefined && b === undefined) {
      const x = vs[p]!;
      const y = vs[i]!;
      if (resets ? y < x : x !== y && !(Number.isNaN(x) && Number.isNaN(y))) n++;
    } else if (a === undefined || b === undefined) n++;
    else if (resets ? detectReset(b, a) : !floatHistogramEquals(b, a)) n++;
    p = i;
  }
  hres.v = n;
  hres.skip = false;
}
