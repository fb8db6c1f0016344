// The ProtoJSON form of client_model's io.prometheus.client.MetricFamily
// (../shared/reference/proto/client_model_metrics.proto) that `status/self_metrics` answers: the
// types alone, which APIOptions names and serveSelfMetrics writes.

/** One label of a ProtoJSON metric. */
export interface ProtoLabelPair {
  readonly name: string;
  readonly value: string;
}

/** A ProtoJSON Metric: labels and one of the typed values. Counts are integers. */
export interface ProtoMetric {
  readonly label?: readonly ProtoLabelPair[];
  readonly gauge?: { readonly value: number };
  readonly counter?: { readonly value: number };
  readonly untyped?: { readonly value: number };
  readonly summary?: {
    readonly sampleCount: number;
    readonly sampleSum: number;
    readonly quantile: readonly { readonly quantile: number; readonly value: number }[];
  };
  /** Classic buckets, the +Inf one left out as client_golang leaves it out. */
  readonly histogram?: {
    readonly sampleCount: number;
    readonly sampleSum: number;
    readonly bucket: readonly { readonly cumulativeCount: number; readonly upperBound: number }[];
  };
}

/** A ProtoJSON MetricFamily (io.prometheus.client.MetricFamily). */
export interface ProtoMetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'UNTYPED' | 'HISTOGRAM';
  /** Omitted when empty. */
  readonly unit?: string;
  readonly metric: readonly ProtoMetric[];
}
