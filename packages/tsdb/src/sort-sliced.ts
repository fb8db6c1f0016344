// A stable sort that gives the event loop turns: a sorted select of 100k series compares label
// sets about 1.7 million times, 200-450 ms at once. Runs of a few thousand are sorted natively, then
// merged pairwise, the slicer consulted between runs and every few thousand merged items.
import type { TimeSlicer } from './time-slicer.js';

/** Items sorted natively in one go: a few milliseconds of label comparisons. */
const RUN = 2048;

/**
 * Sorts `xs` in place by `cmp`, stably, yielding to the event loop whenever `slicer` says so.
 * Rejects with `signal`'s reason if it is aborted meanwhile (`xs` is then in some order).
 */
export async function sortSliced<T>(
  xs: T[],
  cmp: (a: T, b: T) => number,
  slicer: TimeSlicer,
  signal?: AbortSignal,
): Promise<void> {
  const n = xs.length;
  if (n <= RUN) {
    xs.sort(cmp);
    return;
  }
  const pause = async (): Promise<void> => {
    if (!slicer.due()) return;
    await slicer.yield();
    signal?.throwIfAborted();
  };
  // Sorted runs (Array.prototype.sort is stable).
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    const run = xs.slice(lo, hi).sort(cmp);
    for (let i = lo; i < hi; i++) xs[i] = run[i - lo]!;
    await pause();
  }
  // Bottom-up merges between `xs` and a buffer, the left run winning ties (stable).
  let src = xs;
  let dst: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let o = lo;
      while (o < hi) {
        if (j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0)) dst[o++] = src[i++]!;
        else dst[o++] = src[j++]!;
        if ((o & 4095) === 0) await pause();
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== xs) for (let i = 0; i < n; i++) xs[i] = src[i]!;
}
