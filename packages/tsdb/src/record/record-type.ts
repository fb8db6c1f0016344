// Prometheus: tsdb/record/record.go Type, MetricType, GetMetricType, ToMetricType
import type { MetricType } from '@tsprom/storage-interfaces';

/**
 * The first byte of every WAL record, as Prometheus writes it. Types 1–7 are understood by every
 * Prometheus from 2.42 on; 8 (float histograms) from 2.44 and 9/10 (custom-bucket histograms)
 * from 3.x. The reference WAL format defines no start-timestamp record types, so none are listed.
 */
export const RecordType = {
  Unknown: 255,
  Series: 1,
  Samples: 2,
  Tombstones: 3,
  Exemplars: 4,
  MmapMarkers: 5,
  Metadata: 6,
  HistogramSamples: 7,
  FloatHistogramSamples: 8,
  CustomBucketsHistogramSamples: 9,
  CustomBucketsFloatHistogramSamples: 10,
} as const;
/** A value of {@link RecordType}. */
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** Name of a record type as Prometheus's `Type.String()` prints it. */
export function recordTypeName(t: number): string {
  switch (t) {
    case RecordType.Series:
      return 'series';
    case RecordType.Samples:
      return 'samples';
    case RecordType.Tombstones:
      return 'tombstones';
    case RecordType.Exemplars:
      return 'exemplars';
    case RecordType.MmapMarkers:
      return 'mmapmarkers';
    case RecordType.Metadata:
      return 'metadata';
    case RecordType.HistogramSamples:
      return 'histogram_samples';
    case RecordType.FloatHistogramSamples:
      return 'float_histogram_samples';
    case RecordType.CustomBucketsHistogramSamples:
      return 'custom_buckets_histogram_samples';
    case RecordType.CustomBucketsFloatHistogramSamples:
      return 'custom_buckets_float_histogram_samples';
    default:
      return 'unknown';
  }
}

// Byte values of record.MetricType, indexed by byte.
const metricTypeByByte: readonly MetricType[] = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

/** Prometheus: record.GetMetricType. The metadata record byte of a metric type (0 for unknown). */
export function metricTypeToByte(t: MetricType): number {
  const i = metricTypeByByte.indexOf(t);
  return i < 0 ? 0 : i;
}

/** Prometheus: record.ToMetricType. The metric type of a metadata record byte ('unknown' if unknown). */
export function metricTypeFromByte(b: number): MetricType {
  return metricTypeByByte[b] ?? 'unknown';
}
