// Prometheus: promql/functions.go (start-timestamp aware rate, increase, irate and resets)
import { Annotation } from '@tsprom/storage-interfaces';
import { goQuote } from '../annotations.js';
import type { RangeCtx } from './range-context.js';

/** The start timestamp of point `i` if usable: known and before the sample's own time; else 0. */
export function validST(ts: Float64Array, sts: Float64Array, i: number): number {
  const st = sts[i]!;
  return st !== 0 && st < ts[i]! ? st : 0;
}

/**
 * Whether point `i` starts a new counter lifetime according to its start timestamp: a known start
 * that differs from the previous point's and is not before the previous sample. A start equal to
 * the previous sample's time after an unknown start is a cumulative series whose start was
 * unknown, not a reset (OTel).
 */
export function stReset(ts: Float64Array, sts: Float64Array, i: number): boolean {
  const st = validST(ts, sts, i);
  if (st === 0) return false;
  const prevST = validST(ts, sts, i - 1);
  const prevT = ts[i - 1]!;
  return st !== prevST && st >= prevT && !(prevST === 0 && st === prevT);
}

/** Warns once when a point of [lo, hi) starts before the previous sample and is not its delta sibling. */
export function checkOverlap(ts: Float64Array, sts: Float64Array, lo: number, hi: number, c: RangeCtx): void {
  for (let i = lo + 1; i < hi; i++) {
    const st = validST(ts, sts, i);
    if (st !== 0 && st < ts[i - 1]! && st !== validST(ts, sts, i - 1)) {
      c.annos.add(
        new Annotation(
          'warning',
          `PromQL warning: sample has start time that overlaps with previous sample timestamp for metric ${goQuote(c.metricName)}`,
          c.pos,
        ),
      );
      return;
    }
  }
}

/**
 * `rate`/`increase` with start timestamps: resets are also detected from them, and when the first
 * point's start lies inside the range, the counter is taken to be 0 then instead of extrapolating
 * to the left.
 */
export function stExtrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  sts: Float64Array,
  lo: number,
  hi: number,
  c: RangeCtx,
  isRate: boolean,
): number {
  checkOverlap(ts, sts, lo, hi, c);
  const n = hi - lo;
  const firstST = validST(ts, sts, lo);
  const zeroPoint = firstST > c.rangeStart;
  if (n < 2 && !zeroPoint) {
    c.skip = true;
    return 0;
  }
  const firstV = vs[lo]!;
  let result = vs[hi - 1]! - firstV;
  for (let i = lo + 1; i < hi; i++) {
    if (vs[i]! < vs[i - 1]! || stReset(ts, sts, i)) result += vs[i - 1]!;
  }
  const lastT = ts[hi - 1]!;
  let firstT = ts[lo]!;
  let durationToStart = 0;
  if (zeroPoint) {
    result += firstV;
    firstT = firstST;
  } else durationToStart = (firstT - c.rangeStart) / 1000;
  let durationToEnd = (c.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = n > 1 ? (lastT - ts[lo]!) / 1000 / (n - 1) : 0;
  const threshold = averageDurationBetweenSamples * 1.1;
  if (!zeroPoint) {
    if (durationToStart >= threshold) durationToStart = averageDurationBetweenSamples / 2;
    let durationToZero = durationToStart;
    if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= c.rangeMs / 1000;
  return result * factor;
}

/** `irate` with start timestamps: a start-timestamp reset makes the last value the increase. */
export function stIrate(
  ts: Float64Array,
  vs: Float64Array,
  sts: Float64Array,
  lo: number,
  hi: number,
  c: RangeCtx,
): number {
  checkOverlap(ts, sts, lo, hi, c);
  if (hi - lo < 2) {
    c.skip = true;
    return 0;
  }
  const last = hi - 1;
  const lastV = vs[last]!;
  const prevV = vs[last - 1]!;
  const interval = ts[last]! - ts[last - 1]!;
  if (interval === 0) {
    c.skip = true;
    return 0;
  }
  const result = lastV < prevV || stReset(ts, sts, last) ? lastV : lastV - prevV;
  return result / (interval / 1000);
}

/** `resets` with start timestamps. */
export function stResets(ts: Float64Array, vs: Float64Array, sts: Float64Array, lo: number, hi: number): number {
  let n = 0;
  for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]! || stReset(ts, sts, i)) n++;
  return n;
}

/** Seconds of the start timestamp of point `i`, as `start_timestamp()` reports it (0 if unknown). */
export function startTimestampSeconds(sts: Float64Array | null, i: number): number {
  return sts === null ? 0 : sts[i]! / 1000;
}
