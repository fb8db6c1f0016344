// The evaluator surface that the node evaluators (aggregate, binary, call) work against.
import type { Labels } from '@tsprom/labels';
import type { Annotations } from '@tsprom/storage-interfaces';
import type { Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './parser/index.js';
import type { Series } from './value.js';

/**
 * The float samples of one selected series, loaded before evaluation. `ts`/`vs` include stale
 * markers (for instant lookups); `fts`/`fvs` are the same points without them (for range windows),
 * or the very same arrays when the series has none. Timestamps in ms, ascending.
 */
export interface SelectedSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  fts: Float64Array;
  fvs: Float64Array;
  /** Start timestamps (ms, 0 = unknown) parallel to ts / fts; null when the series has none. */
  sts: Float64Array | null;
  fsts: Float64Array | null;
  /** Number of native-histogram samples skipped while loading. */
  histograms: number;
}

/** What an instant selector reports for each sample. */
export type SelectorValue = 'value' | 'timestamp' | 'startTimestamp';

/** The series of a range-vector argument, and how to window them at each step. */
export interface RangeSource {
  series: {
    metric: Labels;
    ts: Float64Array;
    vs: Float64Array;
    length: number;
    dropName: boolean;
    /** Start timestamps of the points (ms, 0 = unknown), or null. Subqueries have none. */
    sts?: Float64Array | null;
  }[];
  rangeMs: number;
  offsetMs: number;
  /** Fixed evaluation time from `@`, or null to follow the step. */
  at: number | null;
  /** The extended range selector modifiers of a matrix selector. */
  anchored: boolean;
  smoothed: boolean;
  /** Lookback delta (ms), how far the extended modifiers look outside the range. */
  lookbackMs: number;
}

/** What node evaluators may use of the evaluator. */
export interface EvalHost {
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
  /** Evaluates an instant-vector or scalar expression over every step. */
  eval(e: Expr): Series[];
  /** Values of a scalar expression at every step. */
  evalScalar(e: Expr): Float64Array;
  /** The series and window of a range-vector expression. */
  rangeSource(e: MatrixSelector | SubqueryExpr): RangeSource;
  /**
   * An instant selector at every step. `what` picks the value reported: the sample's value, its
   * timestamp in seconds (`timestamp()`), or its start timestamp in seconds (`start_timestamp()`).
   */
  vectorSelector(vs: VectorSelector, what?: SelectorValue): Series[];
  /** `info(v, {…})`. */
  evalInfo(e: Call): Series[];
  /** Records produced samples and enforces maxSamples. */
  countSamples(n: number): void;
  /** With per-step stats on, records `n` samples read at step `k` of the top-level query. */
  countStep(k: number, n: number): void;
  /** Checks the deadline and the abort signal. */
  checkCancel(where: string): void;
}
