// Prometheus: model/histogram/histogram.go Histogram.Validate, float_histogram.go FloatHistogram.Validate,
// generic.go checkHistogramSpans, checkHistogramBuckets, checkHistogramCustomBounds; tsdb/head_append.go
// (the head rejects invalid histograms before buffering them).
import {
  AppendError,
  CustomBucketsSchema,
  type FloatHistogram,
  type Histogram,
  type Span,
} from '@tsprom/storage-interfaces';

/** Smallest and largest exponential schema Prometheus accepts (histogram.ExponentialSchemaMin/Max). */
export const exponentialSchemaMin = -4;
export const exponentialSchemaMax = 8;

/**
 * A histogram the head refuses, with Prometheus's reason (`histogram.ErrHistogram…`) in the
 * message and which part of the histogram was wrong in `part`.
 */
export class InvalidHistogramError extends AppendError {
  override readonly name = 'InvalidHistogramError';
  constructor(
    readonly part: string,
    reason: string,
  ) {
    super(`${part}: ${reason}`);
  }
}

function checkSpans(part: string, spans: readonly Span[], numBuckets: number): void {
  let total = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) {
      throw new InvalidHistogramError(
        part,
        `histogram has a span whose offset is negative: span number ${i + 1} with offset ${s.offset}`,
      );
    }
    total += s.length;
  }
  if (total !== numBuckets) {
    throw new InvalidHistogramError(
      part,
      `histogram spans specify different number of buckets than provided: spans need ${total} buckets, have ${numBuckets} buckets`,
    );
  }
}

// Returns the sum of the bucket counts; `deltas`: counts are deltas (integer histograms).
function checkBuckets(part: string, buckets: readonly number[], deltas: boolean): number {
  let count = 0;
  let cur = 0;
  for (let i = 0; i < buckets.length; i++) {
    cur = deltas ? cur + buckets[i]! : buckets[i]!;
    if (cur < 0) {
      throw new InvalidHistogramError(
        part,
        `histogram has a bucket whose observation count is negative: bucket number ${i + 1} has observation count of ${cur}`,
      );
    }
    count += cur;
  }
  return count;
}

function checkCustomBounds(bounds: readonly number[] | undefined): void {
  if (bounds === undefined || bounds.length === 0) {
    throw new InvalidHistogramError('custom buckets', 'histogram with custom buckets must have custom bounds');
  }
  let prev = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (!(b > prev)) {
      throw new InvalidHistogramError(
        'custom buckets',
        `histogram custom bounds must be in strictly increasing order: previous bound is ${prev} and current is ${b}`,
      );
    }
    prev = b;
  }
  if (prev === Infinity) {
    throw new InvalidHistogramError(
      'custom buckets',
      'histogram custom bounds must be finite: last +Inf bound must not be explicitly defined',
    );
  }
}

// An integer histogram's counts are integers (Go's uint64 and int64 deltas): a fraction cannot be
// encoded in its chunk.
function checkIntegers(h: Histogram): void {
  const bad = (what: string, x: number): InvalidHistogramError =>
    new InvalidHistogramError(what, `integer histogram has a count that is not an integer: ${x}`);
  if (!Number.isSafeInteger(h.count) || h.count < 0) throw bad('count', h.count);
  if (!Number.isSafeInteger(h.zeroCount) || h.zeroCount < 0) throw bad('zero bucket', h.zeroCount);
  for (const d of h.positiveBuckets) if (!Number.isSafeInteger(d)) throw bad('positive side', d);
  for (const d of h.negativeBuckets) if (!Number.isSafeInteger(d)) throw bad('negative side', d);
}

function validate(h: Histogram | FloatHistogram, deltas: boolean): void {
  if (deltas) checkIntegers(h);
  let nCount = 0;
  if (h.schema === CustomBucketsSchema) {
    if (h.negativeSpans.length > 0 || h.negativeBuckets.length > 0) {
      throw new InvalidHistogramError('custom buckets', 'histogram with custom buckets must not have negative buckets');
    }
    if (h.zeroCount !== 0 || h.zeroThreshold !== 0) {
      throw new InvalidHistogramError('custom buckets', 'histogram with custom buckets must not have a zero bucket');
    }
    checkCustomBounds(h.customValues);
  } else {
    if (!Number.isInteger(h.schema) || h.schema < exponentialSchemaMin || h.schema > exponentialSchemaMax) {
      throw new InvalidHistogramError(
        'schema',
        `histogram has an invalid schema, which must be between ${exponentialSchemaMin} and ${exponentialSchemaMax}: got ${h.schema}`,
      );
    }
    if (h.customValues !== undefined && h.customValues.length > 0) {
      throw new InvalidHistogramError(
        'custom buckets',
        'histogram with exponential schema must not have custom bounds',
      );
    }
    checkSpans('negative side', h.negativeSpans, h.negativeBuckets.length);
    nCount = checkBuckets('negative side', h.negativeBuckets, deltas);
  }
  checkSpans('positive side', h.positiveSpans, h.positiveBuckets.length);
  const pCount = checkBuckets('positive side', h.positiveBuckets, deltas);
  // Float histograms get no count check: rounding makes the sums differ from Count (Prometheus).
  if (!deltas) return;
  const sumOfBuckets = nCount + pCount + h.zeroCount;
  if (Number.isNaN(h.sum)) {
    if (sumOfBuckets > h.count) {
      throw new InvalidHistogramError(
        'count',
        `histogram's observation count should be at least the number of observations found in the buckets: ${sumOfBuckets} observations found in buckets, but the Count field is ${h.count}`,
      );
    }
  } else if (sumOfBuckets !== h.count) {
    throw new InvalidHistogramError(
      'count',
      `histogram's observation count should equal the number of observations found in the buckets (in absence of NaN): ${sumOfBuckets} observations found in buckets, but the Count field is ${h.count}`,
    );
  }
}

/** Prometheus: Histogram.Validate. Throws {@link InvalidHistogramError} naming what is wrong. */
export function validateHistogram(h: Histogram): void {
  validate(h, true);
}

/** Prometheus: FloatHistogram.Validate. Throws {@link InvalidHistogramError} naming what is wrong. */
export function validateFloatHistogram(fh: FloatHistogram): void {
  validate(fh, false);
}
