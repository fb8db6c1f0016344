// The evaluator surface that the node evaluators (aggregate, binary, call) work against.
import type { Labels } from '@tsprom/labels';
import type { Annotations, Series as StorageSeries } from '@tsprom/storage-interfaces';
import type { Pausable } from './eval-loop.js';
import type { SelectorValue } from './instant-selector.js';
import type { Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './parser/index.js';
import type { SampleCounter } from './sample-counter.js';
import type { Series } from './value.js';

export type { SelectorValue } from './instant-selector.js';

/**
 * What one selector of the query selected: the storage series, read only when the selector is
 * evaluated (as Prometheus does), within [mint, maxt] (ms, inclusive: its select hints' range).
 */
export interface SelectorData {
  series: StorageSeries[];
  mint: number;
  maxt: number;
}

/**
 * The float samples of one series loaded whole (for `info`, which looks them up at any time).
 * `ts`/`vs` include stale markers. Timestamps in ms, ascending.
 */
export interface SelectedSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  /** Number of native-histogram samples skipped while loading. */
  histograms: number;
}

/**
 * The series of a range-vector argument, and how to window them at each step: the storage series
 * of a matrix selector (`selected`), or the evaluated series of a subquery (`series`).
 */
export interface RangeSource {
  selected: SelectorData | null;
  series: Series[];
  rangeMs: number;
  offsetMs: number;
  /** Fixed evaluation time from `@`, or null to follow the step. */
  at: number | null;
  /** The extended range selector modifiers of a matrix selector. */
  anchored: boolean;
  smoothed: boolean;
  /** Lookback delta (ms), how far the extended modifiers look outside the range. */
  lookbackMs: number;
  /** Whether a matrix selector's histograms are read as count and sum only (see SeriesCursor). */
  skipHistogramBuckets: boolean;
}

/** What node evaluators may use of the evaluator. */
export interface EvalHost extends Pausable {
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  readonly numSteps: number;
  readonly delayedNameRemoval: boolean;
  readonly annos: Annotations;
  /** True when the top-level query is a range query (start < end). */
  readonly topLevelRange: boolean;
  /** Top-level query bounds (ms), for `start()`/`end()`/`@`. */
  readonly queryStart: number;
  readonly queryEnd: number;
  readonly queryStepMs: number;
  /** The samples the query holds, checked against maxSamples. */
  readonly samples: SampleCounter;
  /** Evaluates an instant-vector or scalar expression over every step. */
  eval(e: Expr): Promise<Series[]>;
  /** Values of a scalar expression at every step. */
  evalScalar(e: Expr): Promise<Float64Array>;
  /** The series and window of a range-vector expression. */
  rangeSource(e: MatrixSelector | SubqueryExpr): Promise<RangeSource>;
  /**
   * An instant selector at every step. `what` picks the value reported: the sample's value, its
   * timestamp in seconds (`timestamp()`), or its start timestamp in seconds (`start_timestamp()`).
   */
  vectorSelector(vs: VectorSelector, what?: SelectorValue): Promise<Series[]>;
  /** `info(v, {…})`. */
  evalInfo(e: Call): Promise<Series[]>;
  /** Records `n` more points held (a result being built) and enforces maxSamples. */
  countSamples(n: number): void;
  /**
   * Where the samples read at each step of the top-level query are counted when per-step stats
   * are on (null otherwise, and for subqueries).
   */
  stepStats(): Float64Array | null;
  /** Records native-histogram samples stepped over while reading floats. */
  noteHistograms(n: number): void;
}
