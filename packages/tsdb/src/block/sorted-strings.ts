// Sorting strings in Go's byte order without holding the event loop: the symbol tables of blocks.
import { compareStrings } from '@tsprom/labels';
import type { TimeSlicer } from '../time-slicer.js';

const RUN = 4096;

/**
 * Sorts `xs` (Go string order) and returns the sorted array: runs of 4096 sorted one at a time,
 * then merged pairwise, giving the event loop a turn whenever `slicer` says so.
 */
export async function sortStringsSliced(xs: string[], slicer: TimeSlicer, signal?: AbortSignal): Promise<string[]> {
  const maybeYield = async (): Promise<void> => {
    if (!slicer.due()) return;
    signal?.throwIfAborted();
    await slicer.yield();
  };
  for (let i = 0; i < xs.length; i += RUN) {
    const run = xs.slice(i, i + RUN).sort(compareStrings);
    for (let k = 0; k < run.length; k++) xs[i + k] = run[k]!;
    await maybeYield();
  }
  let src = xs;
  let dst: string[] = new Array(xs.length);
  for (let width = RUN; width < xs.length; width *= 2) {
    for (let lo = 0; lo < xs.length; lo += 2 * width) {
      const mid = Math.min(lo + width, xs.length);
      const hi = Math.min(lo + 2 * width, xs.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = compareStrings(src[i]!, src[j]!) <= 0 ? src[i++]! : src[j++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
      if ((lo / (2 * width)) % 8 === 7) await maybeYield();
    }
    const t = src;
    src = dst;
    dst = t;
    await maybeYield();
  }
  return src;
}

/** Sorted, de-duplicated union of sorted string sequences (Prometheus: NewMergedStringIter). */
export function* mergeSortedStrings(iters: Iterable<string>[]): Generator<string, void, undefined> {
  const its = iters.map((i) => i[Symbol.iterator]());
  const heads: (string | undefined)[] = its.map((it) => {
    const r = it.next();
    return r.done ? undefined : r.value;
  });
  let last: string | undefined;
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (min < 0 || compareStrings(h, heads[min]!) < 0)) min = i;
    }
    if (min < 0) return;
    const v = heads[min]!;
    const r = its[min]!.next();
    heads[min] = r.done ? undefined : r.value;
    if (v !== last) yield v;
    last = v;
  }
}
