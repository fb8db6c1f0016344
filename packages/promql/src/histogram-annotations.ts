// Prometheus: util/annotations/annotations.go (the annotations about native histograms)
import { Annotation, type PositionRange } from '@tsprom/storage-interfaces';
import { goQuote } from './annotations.js';

/** What was being done when histograms met: Prometheus's HistogramOperation. */
export type HistogramOperation = 'addition' | 'subtraction' | 'aggregation';

/** Prometheus: NewHistogramCounterResetCollisionWarning. */
export function histogramCounterResetCollisionWarning(pos: PositionRange, op: HistogramOperation): Annotation {
  return new Annotation('warning', `PromQL warning: conflicting counter resets during histogram ${op}`, pos);
}

/** Prometheus: NewMismatchedCustomBucketsHistogramsInfo. */
export function mismatchedCustomBucketsHistogramsInfo(pos: PositionRange, op: HistogramOperation): Annotation {
  return new Annotation('info', `PromQL info: mismatched custom buckets were reconciled during ${op}`, pos);
}

/** Prometheus: NewMixedExponentialCustomHistogramsWarning. */
export function mixedExponentialCustomHistogramsWarning(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: vector contains a mix of histograms with exponential and custom buckets schemas for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewMixedFloatsHistogramsAggWarning. */
export function mixedFloatsHistogramsAggWarning(pos: PositionRange): Annotation {
  return new Annotation('warning', 'PromQL warning: encountered a mix of histograms and floats for aggregation', pos);
}

/** Prometheus: NewHistogramIgnoredInAggregationInfo. */
export function histogramIgnoredInAggregationInfo(aggregation: string, pos: PositionRange): Annotation {
  return new Annotation('info', `PromQL info: ignored histogram in ${aggregation} aggregation`, pos);
}

/** Prometheus: NewHistogramIgnoredInMixedRangeInfo. */
export function histogramIgnoredInMixedRangeInfo(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'info',
    `PromQL info: ignored histograms in a range containing both floats and histograms for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewIncompatibleTypesInBinOpInfo. */
export function incompatibleTypesInBinOpInfo(lhs: string, op: string, rhs: string, pos: PositionRange): Annotation {
  return new Annotation(
    'info',
    `PromQL info: incompatible sample types encountered for binary operator ${goQuote(op)}: ${lhs} ${op} ${rhs}`,
    pos,
  );
}

/** Prometheus: NewNativeHistogramNotCounterWarning. */
export function nativeHistogramNotCounterWarning(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: this native histogram metric is not a counter: ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewNativeHistogramNotGaugeWarning. */
export function nativeHistogramNotGaugeWarning(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: this native histogram metric is not a gauge: ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewMixedClassicNativeHistogramsWarning. */
export function mixedClassicNativeHistogramsWarning(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'warning',
    `PromQL warning: vector contains a mix of classic and native histograms for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewNaNObservationsQuantileResultNaNInfo / ...SkewedInfo (histogram_quantile). */
export function nanObservationsQuantileInfo(metricName: string, pos: PositionRange, resultNaN: boolean): Annotation {
  return new Annotation(
    'info',
    `PromQL info: input to histogram_quantile has NaN observations, result is ${resultNaN ? 'NaN' : 'skewed higher'} for metric name ${goQuote(metricName)}`,
    pos,
  );
}

/** Prometheus: NewNaNObservationsFractionInfo (histogram_fraction). */
export function nanObservationsFractionInfo(metricName: string, pos: PositionRange): Annotation {
  return new Annotation(
    'info',
    `PromQL info: input to histogram_fraction has NaN observations, which are excluded from all fractions for metric name ${goQuote(metricName)}`,
    pos,
  );
}
