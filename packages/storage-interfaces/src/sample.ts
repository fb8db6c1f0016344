// Prometheus: tsdb/chunks/samples.go Sample, sample (the list form used by tests and embedders)
import type { FloatHistogram, Histogram } from './histogram.js';
import { ValueType } from './value-type.js';

/** A float sample: timestamp `t` in ms, value `v`, optional start timestamp `st` (0 = unknown). */
export interface FloatSample {
  t: number;
  v: number;
  st?: number;
  h?: undefined;
  fh?: undefined;
}

/** An integer native-histogram sample at `t` ms. */
export interface HistogramSample {
  t: number;
  h: Histogram;
  st?: number;
  v?: undefined;
  fh?: undefined;
}

/** A float native-histogram sample at `t` ms. */
export interface FloatHistogramSample {
  t: number;
  fh: FloatHistogram;
  st?: number;
  v?: undefined;
  h?: undefined;
}

/**
 * One sample as a plain object, for lists (ListSeries, samplesFromIterator). Allocates an object
 * per sample: meant for tests and small embedders, not for storage hot paths.
 */
export type Sample = FloatSample | HistogramSample | FloatHistogramSample;

/** The ValueType of a sample: FloatHistogram if `fh` is set, else Histogram if `h` is set, else Float. */
export function sampleValueType(s: Sample): ValueType {
  if (s.fh !== undefined) return ValueType.FloatHistogram;
  if (s.h !== undefined) return ValueType.Histogram;
  return ValueType.Float;
}
