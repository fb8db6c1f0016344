// Prometheus: model/histogram/float_histogram.go floatBucketIterator (with a target schema and an
// absolute start value) and detectReset
import type { FloatHistogram, Span } from '@tsprom/storage-interfaces';
import { exponentialBound, isExponentialSchema } from './bounds.js';

/**
 * Walks the buckets of one side of a float histogram in index order, mapped to a lower (or equal)
 * target schema, buckets that map to the same target index summed, and (exponential schemas only)
 * the target buckets whose upper bound is at most the start value skipped until one exceeds it.
 * Reused across walks (`reset`): reset detection runs for every sample pair of every range, and
 * must allocate nothing.
 */
export class TargetBucketCursor {
  /** Index of the current bucket in the target schema. */
  index = 0;
  /** Count of the current bucket (the buckets mapped to it summed). */
  count = 0;
  #spans: readonly Span[] = [];
  #buckets: readonly number[] = [];
  #shift = 0;
  #target = 0;
  #start = 0;
  #reachedStart = false;
  #span = 0;
  #inSpan = 0;
  #bucket = 0;
  #idx = 0;
  // Whether the next original bucket (#idx, #bucket) is positioned but not consumed.
  #pending = false;

  /** Starts a walk over one side of `h`, mapped to `targetSchema` (<= h.schema). */
  reset(h: FloatHistogram, positive: boolean, targetSchema: number, absoluteStart: number): void {
    this.#spans = positive ? h.positiveSpans : h.negativeSpans;
    this.#buckets = positive ? h.positiveBuckets : h.negativeBuckets;
    this.#shift = h.schema - targetSchema;
    this.#target = targetSchema;
    this.#start = absoluteStart;
    this.#reachedStart = !isExponentialSchema(targetSchema) || absoluteStart <= 0;
    this.#span = -1;
    this.#inSpan = 0;
    this.#bucket = -1;
    this.#idx = 0;
    this.#pending = this.#advance();
  }

  // Moves to the next original bucket; false at the end.
  #advance(): boolean {
    const spans = this.#spans;
    if (this.#span >= 0 && this.#inSpan + 1 < spans[this.#span]!.length) {
      this.#inSpan++;
      this.#idx++;
    } else {
      for (;;) {
        this.#span++;
        if (this.#span >= spans.length) return false;
        const s = spans[this.#span]!;
        this.#idx += this.#span === 0 ? s.offset : s.offset + 1;
        if (s.length > 0) break;
        this.#idx--; // An empty span covers no bucket: the next offset counts from the same place.
      }
      this.#inSpan = 0;
    }
    this.#bucket++;
    return true;
  }

  /** Moves to the next target bucket; false at the end. */
  next(): boolean {
    for (;;) {
      if (!this.#pending) return false;
      const shift = this.#shift;
      const target = shift > 0 ? ((this.#idx - 1) >> shift) + 1 : this.#idx;
      let count = this.#buckets[this.#bucket] ?? 0;
      this.#pending = this.#advance();
      if (shift > 0) {
        while (this.#pending && ((this.#idx - 1) >> shift) + 1 === target) {
          count += this.#buckets[this.#bucket] ?? 0;
          this.#pending = this.#advance();
        }
      }
      this.index = target;
      this.count = count;
      if (!this.#reachedStart) {
        if (exponentialBound(target, this.#target) <= this.#start) continue;
        this.#reachedStart = true;
      }
      return true;
    }
  }
}

/**
 * Prometheus: detectReset (of two bucket iterators). Whether a bucket of `prev` is higher than the
 * same bucket of `cur` (missing buckets count 0). Both cursors are consumed.
 */
export function cursorsDetectReset(cur: TargetBucketCursor, prev: TargetBucketCursor): boolean {
  if (!prev.next()) return false;
  if (!cur.next()) {
    do if (prev.count !== 0) return true;
    while (prev.next());
    return false;
  }
  for (;;) {
    while (cur.index < prev.index) {
      if (!cur.next()) {
        do if (prev.count !== 0) return true;
        while (prev.next());
        return false;
      }
    }
    if (cur.index > prev.index) {
      if (prev.count !== 0) return true;
    } else if (cur.count < prev.count) return true;
    if (!prev.next()) return false;
  }
}
