// Prometheus: promql/functions.go extrapolatedRate, instantValue, funcDeriv, funcPredictLinear
import type { RangeCtx, RangeKernel } from './range-context.js';
import { kahan, kahanSumInc } from '../kahan.js';
import { stExtrapolatedRate, stIrate } from './start-timestamps.js';

// Prometheus: promql/functions.go extrapolatedRate
function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  c: RangeCtx,
  isCounter: boolean,
  isRate: boolean,
): number {
  const n = hi - lo;
  if (n < 2) {
    c.skip = true;
    return 0;
  }
  const numSamplesMinusOne = n - 1;
  const firstT = ts[lo]!;
  const lastT = ts[hi - 1]!;
  const firstV = vs[lo]!;
  let result = vs[hi - 1]! - firstV;
  // No drop in the window (known from the window's counts): the scan would add nothing.
  if (isCounter && (c.drops === null || c.drops[hi - 1] !== c.drops[lo])) {
    let prev = firstV;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - c.rangeStart) / 1000;
  let durationToEnd = (c.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / numSamplesMinusOne;
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    // Counters cannot go negative: don't extrapolate past the counter's zero point.
    let durationToZero = durationToStart;
    if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= c.rangeMs / 1000;
  return result * factor;
}

/** `rate(v[d])`. */
export const rate: RangeKernel = (ts, vs, lo, hi, c) =>
  c.sts !== null ? stExtrapolatedRate(ts, vs, c.sts, lo, hi, c, true) : extrapolatedRate(ts, vs, lo, hi, c, true, true);
/** `increase(v[d])`. */
export const increase: RangeKernel = (ts, vs, lo, hi, c) =>
  c.sts !== null
    ? stExtrapolatedRate(ts, vs, c.sts, lo, hi, c, false)
    : extrapolatedRate(ts, vs, lo, hi, c, true, false);
/** `delta(v[d])`. */
export const delta: RangeKernel = (ts, vs, lo, hi, c) => extrapolatedRate(ts, vs, lo, hi, c, false, false);

// Prometheus: promql/functions.go instantValue
function instantValue(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  c: RangeCtx,
  isRate: boolean,
): number {
  if (hi - lo < 2) {
    c.skip = true;
    return 0;
  }
  const lastT = ts[hi - 1]!;
  const lastV = vs[hi - 1]!;
  const prevT = ts[hi - 2]!;
  const prevV = vs[hi - 2]!;
  let result: number;
  if (isRate && lastV < prevV)
    result = lastV; // counter reset
  else result = lastV - prevV;
  const sampledInterval = lastT - prevT;
  if (sampledInterval === 0) {
    c.skip = true;
    return 0;
  }
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

/** `irate(v[d])`. */
export const irate: RangeKernel = (ts, vs, lo, hi, c) =>
  c.sts !== null ? stIrate(ts, vs, c.sts, lo, hi, c) : instantValue(ts, vs, lo, hi, c, true);
/** `idelta(v[d])`. */
export const idelta: RangeKernel = (ts, vs, lo, hi, c) => instantValue(ts, vs, lo, hi, c, false);

/** Result registers of {@link linearRegression}. */
export const regression = { slope: 0, intercept: 0 };

/** Least-squares fit over `[lo, hi)` with x in seconds relative to `interceptTime` (ms). */
// Prometheus: promql/functions.go linearRegression
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptTime: number,
): void {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTime) / 1e3;
    sumX = kahanSumInc(x, sumX, cX);
    cX = kahan.c;
    sumY = kahanSumInc(y, sumY, cY);
    cY = kahan.c;
    sumXY = kahanSumInc(x * y, sumXY, cXY);
    cXY = kahan.c;
    sumX2 = kahanSumInc(x * x, sumX2, cX2);
    cX2 = kahan.c;
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) {
      regression.slope = Number.NaN;
      regression.intercept = Number.NaN;
      return;
    }
    regression.slope = 0;
    regression.intercept = initY;
    return;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  regression.slope = slope;
  regression.intercept = sumY / n - (slope * sumX) / n;
}

/** `deriv(v[d])`. */
export const deriv: RangeKernel = (ts, vs, lo, hi, c) => {
  if (hi - lo < 2) {
    c.skip = true;
    return 0;
  }
  linearRegression(ts, vs, lo, hi, ts[lo]!);
  return regression.slope;
};

/** `predict_linear(v[d], t)`: p0 is t in seconds. */
export const predictLinear: RangeKernel = (ts, vs, lo, hi, c) => {
  if (hi - lo < 2) {
    c.skip = true;
    return 0;
  }
  linearRegression(ts, vs, lo, hi, c.t);
  return regression.intercept + regression.slope * c.p0;
};
