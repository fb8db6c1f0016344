// Prometheus: model/histogram/histogram.go Validate, checkHistogramSpans, checkHistogramBuckets,
// checkHistogramCustomBounds
import type { FloatHistogram, Histogram, Span } from '@tsprom/storage-interfaces';
import { isCustomBucketsSchema, isValidSchema } from './bounds.js';
import { HistogramValidationError } from './errors.js';

function checkSpans(side: string, spans: readonly Span[], numBuckets: number): void {
  let need = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (i > 0 && s.offset < 0) {
      throw new HistogramValidationError(
        `${side}: span number ${i + 1} with offset ${s.offset}: histogram has a span whose offset is negative`,
      );
    }
    need += s.length;
  }
  if (need !== numBuckets) {
    throw new HistogramValidationError(
      `${side}: spans need ${need} buckets, have ${numBuckets} buckets: histogram spans specify different number of buckets than provided`,
    );
  }
}

/** Sums the (absolute) bucket counts, rejecting a negative one. */
function checkBuckets(side: string, buckets: readonly number[], deltas: boolean): number {
  let total = 0;
  let cur = 0;
  for (let i = 0; i < buckets.length; i++) {
    cur = deltas ? cur + buckets[i]! : buckets[i]!;
    if (cur < 0) {
      throw new HistogramValidationError(
        `${side}: bucket number ${i + 1} has observation count of ${cur}: histogram has a bucket whose observation count is negative`,
      );
    }
    total += cur;
  }
  return total;
}

function checkCustomBounds(bounds: readonly number[] | undefined, spans: readonly Span[], numBuckets: number): void {
  const b = bounds ?? [];
  for (let i = 0; i < b.length; i++) {
    if (i > 0 && !(b[i]! > b[i - 1]!)) {
      throw new HistogramValidationError(
        `custom buckets: previous bound is ${b[i - 1]} and current is ${b[i]}: custom buckets must be in increasing order`,
      );
    }
  }
  if (b.length > 0 && b[b.length - 1] === Number.POSITIVE_INFINITY) {
    throw new HistogramValidationError('custom buckets: last +Inf bound must not be explicitly defined');
  }
  checkSpans('custom buckets', spans, numBuckets);
  let idx = -1;
  for (let i = 0; i < spans.length; i++) {
    idx += spans[i]!.offset + spans[i]!.length;
    if (i === 0 && spans[i]!.offset < 0) {
      throw new HistogramValidationError(
        `custom buckets: span number 1 with offset ${spans[i]!.offset}: histogram has a span whose offset is negative`,
      );
    }
  }
  if (idx > b.length) {
    throw new HistogramValidationError(
      `custom buckets: span index ${idx} >= number of custom bounds ${b.length}: histogram custom bounds are too few`,
    );
  }
}

function validate(h: Histogram | FloatHistogram, deltas: boolean): void {
  if (!isValidSchema(h.schema)) throw new HistogramValidationError(`schema ${h.schema} is out of range`);
  let nCount = 0;
  if (isCustomBucketsSchema(h.schema)) {
    checkCustomBounds(h.customValues, h.positiveSpans, h.positiveBuckets.length);
    if (h.zeroCount !== 0) throw new HistogramValidationError('custom buckets: must have zero count of 0');
    if (h.zeroThreshold !== 0) throw new HistogramValidationError('custom buckets: must have zero threshold of 0');
    if (h.negativeSpans.length > 0) throw new HistogramValidationError('custom buckets: must not have negative spans');
    if (h.negativeBuckets.length > 0)
      throw new HistogramValidationError('custom buckets: must not have negative buckets');
  } else {
    checkSpans('positive side', h.positiveSpans, h.positiveBuckets.length);
    checkSpans('negative side', h.negativeSpans, h.negativeBuckets.length);
    nCount = checkBuckets('negative side', h.negativeBuckets, deltas);
    if (h.customValues !== undefined && h.customValues.length > 0) {
      throw new HistogramValidationError('histogram with exponential schema must not have custom bounds');
    }
  }
  const pCount = checkBuckets('positive side', h.positiveBuckets, deltas);
  if (deltas) {
    const total = nCount + pCount + h.zeroCount;
    if (Number.isNaN(h.sum) ? h.count < total : h.count !== total) {
      throw new HistogramValidationError(
        `${total} observations found in buckets, but the Count field is ${h.count}: histogram's observation count should ${Number.isNaN(h.sum) ? 'be at least' : 'equal'} the number of observations found in the buckets`,
      );
    }
  }
}

/** Prometheus: Histogram.Validate. Throws HistogramValidationError on an inconsistent histogram. */
export function validateHistogram(h: Histogram): void {
  validate(h, true);
}

/**
 * Prometheus: FloatHistogram.Validate. As validateHistogram, but the total count is not compared
 * with the buckets (float rounding would give false alarms).
 */
export function validateFloatHistogram(h: FloatHistogram): void {
  validate(h, false);
}
