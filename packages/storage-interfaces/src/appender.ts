// Prometheus: storage/interface.go Appender, Appendable; storage/interface_append.go AppenderV2
import type { Labels } from '@tsprom/labels';
import type { FloatHistogram, Histogram } from './histogram.js';
import type { Exemplar, Metadata } from './metadata.js';

/**
 * An opaque reference to a series, handed back by `append`. Passing it again skips the label
 * look-up: the hot path's main optimization. 0 means "unknown, look the labels up".
 */
export type SeriesRef = number;

/** Options of one AppenderV2.append call. */
export interface AppendV2Options {
  /** Name of the metric family the sample belongs to (`http_requests` for `http_requests_total`). */
  metricFamilyName?: string;
  /** Metadata of the family, stored when it changed. */
  metadata?: Metadata;
  /** Exemplars of this sample. A failing exemplar does not fail the sample (AppendPartialError). */
  exemplars?: readonly Exemplar[];
  /** Reject out-of-order samples even when the storage accepts them in general. */
  rejectOutOfOrder?: boolean;
}

/**
 * Prometheus 3's single-call appender. Appends are buffered until `commit` (atomic: all or none
 * become visible) or dropped by `rollback`. After either, the appender must not be used again.
 * Not safe for concurrent use.
 */
export interface AppenderV2 {
  /**
   * Appends one sample: a float `v` when `h` and `fh` are both undefined, else the histogram.
   * `st` is the sample's start timestamp in ms (0 = unknown); `t` its timestamp in ms.
   * Returns the series ref. Throws a typed AppendError when the sample is rejected, or an
   * AppendPartialError (with the ref) when the sample was kept but exemplars or metadata were not.
   */
  append(
    ref: SeriesRef,
    labels: Labels,
    st: number,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    opts?: AppendV2Options,
  ): SeriesRef;
  /** Makes everything appended visible and durable as the storage promises. */
  commit(): Promise<void>;
  /** Drops everything appended since the appender was created. */
  rollback(): Promise<void>;
}

/** Prometheus: storage.AppendOptions */
export interface AppendOptions {
  /** Drop out-of-order samples even when the storage has an out-of-order window. */
  discardOutOfOrder?: boolean;
}

/**
 * The classic appender: one method per kind of data. Same commit/rollback rules as AppenderV2.
 * Every method returns the series ref; rejections are thrown as typed AppendErrors.
 */
export interface Appender {
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): SeriesRef;
  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef;
  /** Prometheus: AppendSTZeroSample: a 0 sample at the start timestamp `st` before sample time `t`. */
  appendSTZeroSample(ref: SeriesRef, labels: Labels, t: number, st: number): SeriesRef;
  /**
   * Prometheus: AppendHistogramSTZeroSample: a zero histogram (`zeroHistogramLike` of `h`, else of
   * `fh`, integer or float as given) at the start timestamp `st` before sample time `t`.
   */
  appendHistogramSTZeroSample(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    st: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
  ): SeriesRef;
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): SeriesRef;
  setOptions(opts: AppendOptions | undefined): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Optional bulk form of `append` for callers that hold refs (a receiver appending a request):
   * appends float sample k (from `from`) to series `refs[k]` at `ts[k]` (ms) with value `vs[k]`,
   * exactly as `append(refs[k], labels, ts[k], vs[k])` would, for as long as each sample is the
   * plain case: a ref the storage holds, and a sample it takes in order. Returns the index of the
   * first sample it did not append (`to` when it appended all, and possibly `from`): the caller
   * appends that one with `append`, which decides what becomes of it (out of order, rejected with
   * a typed error, its series found by labels), and may call again from the next. The arrays are
   * only read during the call.
   */
  appendFloatsByRef?(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): number;
}

/** Hands out Appenders. */
export interface Appendable {
  appender(): Appender;
}

/** Hands out AppenderV2s. */
export interface AppendableV2 {
  appenderV2(): AppenderV2;
}
