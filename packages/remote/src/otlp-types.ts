// The OTLP metrics messages (opentelemetry/proto/metrics/v1/metrics.proto) as
// @opentelemetry/otlp-transformer's generated protobuf decoder hands them out, and the pdata
// accessors Prometheus's translator uses on them (pcommon.Value.AsString, timestamps, flags).

/** A 64-bit integer as protobufjs hands it out: a number, or a Long when long.js is present. */
export type PbInt64 = number | { low: number; high: number; unsigned?: boolean } | null | undefined;

export interface OTLPAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: PbInt64;
  doubleValue?: number | null;
  arrayValue?: { values?: OTLPAnyValue[] | null } | null;
  kvlistValue?: { values?: OTLPKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}
export interface OTLPKeyValue {
  key: string;
  value?: OTLPAnyValue | null;
}
/** opentelemetry.proto.metrics.v1.Exemplar */
export interface OTLPExemplar {
  filteredAttributes?: OTLPKeyValue[] | null;
  timeUnixNano?: PbInt64;
  asDouble?: number | null;
  asInt?: PbInt64;
  spanId?: Uint8Array | null;
  traceId?: Uint8Array | null;
}
export interface OTLPDataPointBase {
  attributes?: OTLPKeyValue[] | null;
  timeUnixNano?: PbInt64;
  flags?: number | null;
  exemplars?: OTLPExemplar[] | null;
}
export interface OTLPNumberDataPoint extends OTLPDataPointBase {
  asDouble?: number | null;
  asInt?: PbInt64;
}
export interface OTLPHistogramDataPoint extends OTLPDataPointBase {
  count?: PbInt64;
  /** Optional in the proto: null or undefined when absent. */
  sum?: number | null;
  bucketCounts?: PbInt64[] | null;
  explicitBounds?: number[] | null;
}
/** opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.Buckets */
export interface OTLPExponentialBuckets {
  offset?: number | null;
  bucketCounts?: PbInt64[] | null;
}
/** opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint */
export interface OTLPExponentialHistogramDataPoint extends OTLPDataPointBase {
  count?: PbInt64;
  /** Optional in the proto: null or undefined when absent. */
  sum?: number | null;
  scale?: number | null;
  zeroCount?: PbInt64;
  positive?: OTLPExponentialBuckets | null;
  negative?: OTLPExponentialBuckets | null;
  zeroThreshold?: number | null;
}
export interface OTLPSummaryDataPoint extends OTLPDataPointBase {
  count?: PbInt64;
  sum?: number | null;
  quantileValues?: { quantile?: number | null; value?: number | null }[] | null;
}
export interface OTLPMetric {
  name: string;
  unit?: string | null;
  gauge?: { dataPoints?: OTLPNumberDataPoint[] | null } | null;
  sum?: {
    dataPoints?: OTLPNumberDataPoint[] | null;
    aggregationTemporality?: number | null;
    isMonotonic?: boolean | null;
  } | null;
  histogram?: { dataPoints?: OTLPHistogramDataPoint[] | null; aggregationTemporality?: number | null } | null;
  exponentialHistogram?: {
    dataPoints?: OTLPExponentialHistogramDataPoint[] | null;
    aggregationTemporality?: number | null;
  } | null;
  summary?: { dataPoints?: OTLPSummaryDataPoint[] | null } | null;
}
export interface OTLPExportMetricsServiceRequest {
  resourceMetrics?:
    | {
        resource?: { attributes?: OTLPKeyValue[] | null } | null;
        scopeMetrics?: { metrics?: OTLPMetric[] | null }[] | null;
      }[]
    | null;
}

/** opentelemetry.proto.metrics.v1.AggregationTemporality. */
export const AggregationTemporality = { Unspecified: 0, Delta: 1, Cumulative: 2 } as const;
export type AggregationTemporality = (typeof AggregationTemporality)[keyof typeof AggregationTemporality];

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks the end of a series (a stale marker). */
export const FLAG_NO_RECORDED_VALUE = 1;

/** Whether the point has the no-recorded-value flag. */
export function noRecordedValue(dp: OTLPDataPointBase): boolean {
  return ((dp.flags ?? 0) & FLAG_NO_RECORDED_VALUE) !== 0;
}

/** A uint64/int64 as a number (exact below 2^53). */
export function int64ToNumber(v: PbInt64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const n = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return Number(v.unsigned === false ? BigInt.asIntN(64, n) : n);
}

/** Nanoseconds since the epoch as whole ms (Go's integer division). */
export function nanosToMs(v: PbInt64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v / 1e6);
  const n = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return Number(n / 1_000_000n);
}

/** Prometheus: pcommon.Value.AsString. */
export function anyValueString(v: OTLPAnyValue | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (v.stringValue !== null && v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== null && v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== null && v.intValue !== undefined) return String(int64ToNumber(v.intValue));
  if (v.doubleValue !== null && v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.bytesValue !== null && v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue !== null && v.arrayValue !== undefined) return JSON.stringify(toJSON(v));
  if (v.kvlistValue !== null && v.kvlistValue !== undefined) return JSON.stringify(toJSON(v));
  return '';
}

function toJSON(v: OTLPAnyValue | null | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(toJSON);
  if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, toJSON(kv.value)]));
  if (v.boolValue !== null && v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== null && v.intValue !== undefined) return int64ToNumber(v.intValue);
  if (v.doubleValue !== null && v.doubleValue !== undefined) return v.doubleValue;
  return anyValueString(v);
}
