// The head's view of its write-ahead logs (WAL and WBL): what a commit hands over to be made
// durable. The implementation (head-wal.ts) needs the file system, so the head only knows this
// interface and an in-memory head simply has none.
import type { Exemplar, FloatHistogram, Histogram, Metadata } from '@tsprom/storage-interfaces';
import type { MemSeries } from './mem-series.js';
import type { Stone } from './record/ref-types.js';

/** A histogram sample of a commit: exactly one of `h`, `fh` is set. */
export interface HistogramEntry {
  readonly series: MemSeries;
  readonly t: number;
  readonly h: Histogram | undefined;
  readonly fh: FloatHistogram | undefined;
}

/** The data of one commit, in the columnar form the appender buffers it in. */
export interface CommitBatch {
  /** Series whose series record has not been logged yet (logged before the samples). */
  readonly newSeries: readonly MemSeries[];
  /** Series of sample i, its timestamp (ms) and value, for i < length. */
  readonly series: readonly MemSeries[];
  /**
   * When set, `refs[i]` is `series[i].ref`, taken while the series was at hand: logging reads the
   * refs from here rather than from 100k series objects (a cache miss each).
   */
  readonly refs?: Float64Array;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly length: number;
  /** Histogram samples, applied after the float samples (as Prometheus commits them). */
  readonly histograms: readonly HistogramEntry[];
  /** Exemplars accepted by the appender, with their series. */
  readonly exemplars: readonly { series: MemSeries; e: Exemplar }[];
  /** Metadata that changed, with its series. */
  readonly metadata: readonly { series: MemSeries; m: Metadata }[];
}

/** Logs commits durably. A commit resolves only after `logCommit` resolved. */
export interface HeadLog {
  /** Writes the records of a commit to the WAL (series, samples, exemplars, metadata). */
  logCommit(batch: CommitBatch): Promise<void>;
  /**
   * Writes the out-of-order samples of a commit to the WBL (float samples, then integer and float
   * histograms, in the WAL's record types) with m-map marker records for the OOO chunks the commit
   * wrote to chunks_head/, as Prometheus orders them: a marker goes after the samples before it.
   */
  logOOO(batch: OOOBatch): Promise<void>;
  /**
   * Writes a tombstones record (deleted intervals by series ref) to the WAL; `Head.delete` applies
   * them only after it resolved. Optional: a log without it makes deletions memory-only.
   */
  logTombstones?(stones: readonly Stone[]): Promise<void>;
  /** Flushes and closes the logs. */
  close(): Promise<void>;
}

/** Out-of-order samples applied by a commit, to be written to the WBL. */
export interface OOOBatch {
  series: MemSeries[];
  ts: Float64Array;
  vs: Float64Array;
  length: number;
  /**
   * OOO chunks written to the chunk store meanwhile, as triples (index of the first sample after
   * the cut, series ref, chunk ref).
   */
  markers: number[];
  /** Out-of-order histogram samples, after the float ones (as Prometheus logs them). */
  histograms: HistogramEntry[];
  /** As `markers`, for the chunks cut while inserting `histograms` (indexes into it). */
  histogramMarkers: number[];
}
