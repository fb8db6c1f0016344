// Prometheus: model/metadata/metadata.go, model/exemplar/exemplar.go
import type { Labels } from '@tsprom/labels';

/** Metric type as exposition formats name it. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/** Metadata of a metric family. */
export interface Metadata {
  type: MetricType;
  unit: string;
  help: string;
}

/** An exemplar: labels (e.g. a trace id), a value and, when `hasTs`, its own timestamp in ms. */
export interface Exemplar {
  labels: Labels;
  value: number;
  ts: number;
  hasTs: boolean;
}

/** Prometheus: exemplar.ExemplarMaxLabelSetLength, the limit on an exemplar's label runes. */
export const ExemplarMaxLabelSetLength = 128;
