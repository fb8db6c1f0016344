// Prometheus: storage/interface.go Queryable, Querier, ChunkQuerier, SelectHints, LabelHints
import type { Matcher } from '@tsprom/labels';
import type { Annotations } from './annotations.js';
import type { ChunkSeriesSet, SeriesSet } from './series.js';

/** What the caller will do with the data; a querier may use it to fetch less. Times in ms. */
export interface SelectHints {
  /** Start of the data needed, inclusive. */
  start: number;
  /** End of the data needed, inclusive. */
  end: number;
  /** Query step in ms, 0 for instant queries. */
  step?: number;
  /** The function the selection feeds (`rate`, `series` for metadata queries…). */
  func?: string;
  /** Labels of the surrounding aggregation, with `by` telling whether they are kept or dropped. */
  grouping?: string[];
  by?: boolean;
  /** Range of the range vector in ms. */
  range?: number;
  shardCount?: number;
  shardIndex?: number;
  /** Return all data, not only what falls between start and end. */
  disableTrimming?: boolean;
  /** Return at most this many series (0 = no limit). */
  limit?: number;
}

/** Hints for label name and value look-ups. */
export interface LabelHints {
  /** Return at most this many names or values (0 = no limit). */
  limit?: number;
}

/** Label names or values with the annotations collected on the way. */
export interface LabelQueryResult {
  values: string[];
  warnings: Annotations;
}

interface BaseQuerier {
  /**
   * Values of the label `name` among series matching all `matchers` (all series when none),
   * sorted and unique. `signal` cancels the look-up as it does a select.
   */
  labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult>;
  /**
   * Names of labels among series matching all `matchers` (all series when none), sorted and
   * unique. `signal` cancels the look-up as it does a select.
   */
  labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult>;
  /** Releases what the querier holds. Sets it returned must not be used after. */
  close(): Promise<void>;
}

/**
 * Reads series over a fixed time range [mint, maxt] (ms, inclusive). `select` may be asynchronous
 * (a remote querier has to fetch), iterating what it returns never is.
 *
 * Cancellation: `select`, `labelValues` and `labelNames` take an optional AbortSignal, the caller's
 * deadline or cancel. A querier that does not answer at once (it fetches, reads a file, waits on a
 * lock or a worker) must watch it and reject promptly once it fires, with `signal.reason` (as
 * `signal.throwIfAborted()` does), releasing what the call was waiting for; a signal already
 * aborted when the call is made rejects it the same way. A querier that answers synchronously may
 * check the signal only on entry. Wrappers (merge, secondary) pass the signal to every querier they
 * call, and never turn an abort into a warning. A querier never modifies the `matchers` array.
 */
export interface Querier extends BaseQuerier {
  /** Series matching all `matchers` (all series when none), sorted by labels if `sortSeries`. */
  select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet>;
}

/** Like Querier (the same cancellation contract), but hands out encoded chunks instead of samples. */
export interface ChunkQuerier extends BaseQuerier {
  select(
    sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<ChunkSeriesSet>;
}

/** Opens Queriers over a time range. */
export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

/** Opens ChunkQueriers over a time range. */
export interface ChunkQueryable {
  chunkQuerier(mint: number, maxt: number): ChunkQuerier;
}
