// Prometheus: util/annotations/annotations.go (the PromQL annotations the float engine raises)
import { Annotation, type PositionRange } from '@tsprom/storage-interfaces';
import { formatFloatG } from './go-float.js';

/**
 * Go `%q` of a string (enough for label values and metric names). Bytes that are not UTF-8 reach
 * us as lone surrogates U+DC80–U+DCFF (see the parser's string decoding) and print as `\xNN`.
 */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\udc([89a-f][0-9a-f])/g, '\\x$1');
}

/** `rate`/`increase` over a metric whose name does not look like a counter. */
export function possibleNonCounterInfo(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'info',
    `PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${goQuote(metricName)}`,
    pos,
  );
}

/** A quantile parameter outside [0, 1]. */
export function invalidQuantileWarning(q: number, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: quantile value should be between 0 and 1, got ${formatFloatG(q)}`,
    pos,
  );
}

/** A `limit_ratio` parameter outside [-1, 1]. */
export function invalidRatioWarning(q: number, to: number, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: ratio value should be between -1 and 1, got ${formatFloatG(q)}, capping to ${formatFloatG(to)}`,
    pos,
  );
}

/** A classic histogram bucket whose `le` label is missing or not a number. */
export function badBucketLabelWarning(metricName: string, label: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: bucket label "le" is missing or has a malformed value of ${goQuote(label)} for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Classic buckets that had to be made monotonic. */
export function histogramQuantileForcedMonotonicityInfo(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'info',
    `PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Histograms and floats mixed where only one kind makes sense. */
export function mixedFloatsHistogramsWarning(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: encountered a mix of histograms and floats for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** `sort*` in a range query, whose result is always sorted by labels. */
export function sortInRangeQueryWarning(pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    'PromQL warning: sort is ineffective for range queries since results are always ordered by labels',
    pos,
  );
}
