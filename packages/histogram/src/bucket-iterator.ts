// Prometheus: model/histogram/generic.go Bucket, BucketIterator; float_histogram.go floatBucketIterator
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import { bucketBound, isCustomBucketsSchema } from './bounds.js';

/**
 * Iterates the buckets of one side of a float histogram in index order, with their bounds:
 * positive buckets go up from the zero bucket, negative buckets go down from it. One object per
 * walk; `next()` moves to the next bucket and the fields describe it.
 */
export class BucketIterator {
  /** The bucket index in the histogram's schema. */
  index = 0;
  count = 0;
  lower = 0;
  upper = 0;
  readonly #h: FloatHistogram;
  readonly #positive: boolean;
  #span = -1;
  #inSpan = 0;
  #bucket = -1;
  #idx = 0;

  constructor(h: FloatHistogram, positive: boolean) {
    this.#h = h;
    this.#positive = positive;
  }

  next(): boolean {
    const spans = this.#positive ? this.#h.positiveSpans : this.#h.negativeSpans;
    const buckets = this.#positive ? this.#h.positiveBuckets : this.#h.negativeBuckets;
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
    const h = this.#h;
    this.index = this.#idx;
    this.count = buckets[this.#bucket] ?? 0;
    const upper = bucketBound(this.#idx, h.schema, h.customValues);
    const lower = bucketBound(this.#idx - 1, h.schema, h.customValues);
    if (this.#positive || isCustomBucketsSchema(h.schema)) {
      this.lower = lower;
      this.upper = upper;
    } else {
      this.lower = -upper;
      this.upper = -lower;
    }
    return true;
  }
}
