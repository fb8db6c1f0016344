// Prometheus: promql/functions.go extendedRate, pickOrInterpolateLeft/Right, interpolate,
// correctForCounterResets (the `anchored` and `smoothed` range selector modifiers)
import type { RangeCtx } from './range-context.js';

/**
 * A window of a series for the extended range selectors: points `[lo, hi)` inside the range, the
 * index of the last point at or before the range start within the lookback (`before`, -1 if
 * none), and for `smoothed` the first point after the range end (`after`, -1 if none).
 */
export interface ExtWindow {
  lo: number;
  hi: number;
  before: number;
  after: number;
}

function interpolate(ts: Float64Array, vs: Float64Array, i: number, j: number, t: number, isCounter: boolean): number {
  let y1 = vs[i]!;
  const y2 = vs[j]!;
  // Across a counter reset the counter restarted from zero.
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + ((y2 - y1) * (t - ts[i]!)) / (ts[j]! - ts[i]!);
}

/** `rate`/`increase`/`delta` over an anchored or smoothed range: no extrapolation. */
export function extendedRate(
  ts: Float64Array,
  vs: Float64Array,
  w: ExtWindow,
  c: RangeCtx,
  smoothed: boolean,
  isCounter: boolean,
  isRate: boolean,
): number {
  const hasInside = w.hi > w.lo;
  if (!hasInside && !(smoothed && w.before >= 0 && w.after >= 0)) {
    c.skip = true;
    return 0;
  }
  let left: number;
  if (w.before >= 0) {
    left = smoothed
      ? interpolate(ts, vs, w.before, hasInside ? w.lo : w.after, c.rangeStart, isCounter)
      : vs[w.before]!;
  } else left = vs[w.lo]!;
  const last = hasInside ? w.hi - 1 : w.before;
  const right = smoothed && w.after >= 0 ? interpolate(ts, vs, last, w.after, c.rangeEnd, isCounter) : vs[last]!;
  let result = right - left;
  if (isCounter) {
    let prev = left;
    let correction = 0;
    for (let i = w.lo; i < w.hi; i++) {
      const v = vs[i]!;
      if (v < prev) correction += prev;
      prev = v;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= c.rangeMs / 1000;
  return result;
}

/** `changes`/`resets` over an anchored range: the point before the range counts too. */
export function anchoredChanges(vs: Float64Array, w: ExtWindow, c: RangeCtx, resets: boolean): number {
  if (w.hi <= w.lo) {
    c.skip = true;
    return 0;
  }
  let n = 0;
  let prev = w.before >= 0 ? vs[w.before]! : vs[w.lo]!;
  for (let i = w.before >= 0 ? w.lo : w.lo + 1; i < w.hi; i++) {
    const cur = vs[i]!;
    if (resets) {
      if (cur < prev) n++;
    } else if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) n++;
    prev = cur;
  }
  return n;
}
