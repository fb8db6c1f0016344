// Prometheus: model/histogram/generic.go compactBuckets, reduceResolution; float_histogram.go addBuckets
import type { Span } from '@tsprom/storage-interfaces';
import { targetIdx } from './bounds.js';

/** Spans and absolute bucket counts: the layout of one side (positive or negative) of a histogram. */
export interface BucketLayout {
  spans: Span[];
  buckets: number[];
}

/** Builds a layout from bucket indexes in ascending order and their counts (as appended). */
export class LayoutBuilder {
  readonly spans: Span[] = [];
  readonly buckets: number[] = [];
  #last = 0;

  /** Appends bucket `idx` (greater than the last one appended). */
  push(idx: number, count: number): void {
    const n = this.spans.length;
    if (n > 0 && idx === this.#last + 1) this.spans[n - 1]!.length++;
    else this.spans.push({ offset: n === 0 ? idx : idx - this.#last - 1, length: 1 });
    this.buckets.push(count);
    this.#last = idx;
  }

  /** Adds `count` to bucket `idx`, which is the last one appended or after it. */
  accumulate(idx: number, count: number): void {
    if (this.buckets.length > 0 && idx === this.#last) {
      this.buckets[this.buckets.length - 1]! += count;
    } else this.push(idx, count);
  }
}

/** Calls `fn(idx, count)` for each bucket of a layout in index order. */
export function forEachBucket(
  spans: readonly Span[],
  buckets: readonly number[],
  fn: (idx: number, count: number) => void,
): void {
  let idx = 0;
  let b = 0;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s]!;
    idx += span.offset;
    for (let j = 0; j < span.length; j++) {
      fn(idx, buckets[b++] ?? 0);
      idx++;
    }
    // The next span's offset counts from the bucket after this span's last one.
  }
}

/** The absolute counts of delta-encoded buckets (as integer histograms store them). */
export function deltasToAbsolute(deltas: readonly number[]): number[] {
  const out = new Array<number>(deltas.length);
  let cur = 0;
  for (let i = 0; i < deltas.length; i++) {
    cur += deltas[i]!;
    out[i] = cur;
  }
  return out;
}

/** The delta encoding of absolute bucket counts. */
export function absoluteToDeltas(counts: readonly number[]): number[] {
  const out = new Array<number>(counts.length);
  let prev = 0;
  for (let i = 0; i < counts.length; i++) {
    out[i] = counts[i]! - prev;
    prev = counts[i]!;
  }
  return out;
}

/**
 * Prometheus: compactBuckets. Drops empty buckets at the edges of the layout and runs of more than
 * `maxEmptyBuckets` empty buckets inside it, and merges spans separated by at most
 * `maxEmptyBuckets` buckets (filling the gap with empty buckets). Counts are absolute.
 */
export function compactBuckets(
  spans: readonly Span[],
  buckets: readonly number[],
  maxEmptyBuckets: number,
): BucketLayout {
  const out = new LayoutBuilder();
  let lastIdx = 0;
  let any = false;
  forEachBucket(spans, buckets, (idx, count) => {
    if (count === 0) return;
    if (any && idx - lastIdx - 1 <= maxEmptyBuckets) {
      for (let i = lastIdx + 1; i < idx; i++) out.push(i, 0);
    }
    out.push(idx, count);
    lastIdx = idx;
    any = true;
  });
  return { spans: out.spans, buckets: out.buckets };
}

/**
 * Prometheus: reduceResolution. The layout in the lower-resolution `targetSchema`: each bucket goes
 * to the target bucket containing it and the counts of merged buckets add up. Counts are absolute.
 */
export function reduceResolution(
  spans: readonly Span[],
  buckets: readonly number[],
  originSchema: number,
  targetSchema: number,
): BucketLayout {
  const out = new LayoutBuilder();
  forEachBucket(spans, buckets, (idx, count) => out.accumulate(targetIdx(idx, originSchema, targetSchema), count));
  return { spans: out.spans, buckets: out.buckets };
}

/**
 * Prometheus: addBuckets. The union of two layouts of the same schema with the counts of buckets
 * present in both added (or `b`'s subtracted when `negateB`). Counts are absolute.
 */
export function addBuckets(
  spansA: readonly Span[],
  bucketsA: readonly number[],
  spansB: readonly Span[],
  bucketsB: readonly number[],
  negateB: boolean,
): BucketLayout {
  const out = new LayoutBuilder();
  let sa = 0;
  let ja = 0;
  let ba = 0;
  let ia = spansA.length > 0 ? spansA[0]!.offset : 0;
  let sb = 0;
  let jb = 0;
  let bb = 0;
  let ib = spansB.length > 0 ? spansB[0]!.offset : 0;
  // Zero-length spans only shift the index; fold their offsets in.
  while (sa < spansA.length && spansA[sa]!.length === 0) {
    sa++;
    if (sa < spansA.length) ia += spansA[sa]!.offset;
  }
  while (sb < spansB.length && spansB[sb]!.length === 0) {
    sb++;
    if (sb < spansB.length) ib += spansB[sb]!.offset;
  }
  for (;;) {
    const hasA = sa < spansA.length;
    const hasB = sb < spansB.length;
    if (!hasA && !hasB) break;
    let count = 0;
    const takeA = hasA && (!hasB || ia <= ib);
    const takeB = hasB && (!hasA || ib <= ia);
    const idx = takeA ? ia : ib;
    if (takeA) {
      count += bucketsA[ba++] ?? 0;
      ja++;
      ia++;
      if (ja >= spansA[sa]!.length) {
        ja = 0;
        sa++;
        while (sa < spansA.length) {
          ia += spansA[sa]!.offset;
          if (spansA[sa]!.length > 0) break;
          sa++;
        }
      }
    }
    if (takeB) {
      const v = bucketsB[bb++] ?? 0;
      count += negateB ? -v : v;
      jb++;
      ib++;
      if (jb >= spansB[sb]!.length) {
        jb = 0;
        sb++;
        while (sb < spansB.length) {
          ib += spansB[sb]!.offset;
          if (spansB[sb]!.length > 0) break;
          sb++;
        }
      }
    }
    out.push(idx, count);
  }
  return { spans: out.spans, buckets: out.buckets };
}

/** The total number of buckets the spans describe. */
export function spansBucketCount(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}
