// Prometheus: storage/merge.go NewMergeQuerier, NewMergeChunkQuerier, mergeGenericQuerier
import { compareStrings, type Matcher } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import {
  mergeSeriesSets,
  type VerticalChunkSeriesMergeFunc,
  type VerticalSeriesMergeFunc,
} from './merge-series-set.js';
import { isNoopQuerier, noopChunkQuerier, noopQuerier } from './noop-querier.js';
import type { ChunkQuerier, LabelHints, LabelQueryResult, Querier, SelectHints } from './querier.js';
import { type GenericQuerier, SecondaryQuerier, toError } from './secondary-querier.js';
import type { GenericSeriesSet, Labeled } from './series.js';

/**
 * Prometheus: storage.NewMergeQuerier. One querier over many: selects run on all of them
 * concurrently (Promise.all) and their sorted sets are merged by labels, series with equal labels
 * combined by `mergeFn` (primaries first, in order, then secondaries). Label names and values are
 * merged sorted and unique, honouring `hints.limit`; a select honours `hints.limit` too.
 *
 * A primary's failure fails the call (the select or look-up rejects, or the set's `err()`). A
 * secondary's failure becomes a warning (see SecondaryQuerier). The AbortSignal of a call is
 * passed to every querier, and its abort rejects the call. Noop queriers are dropped; a
 * single primary is returned as is. `close()` closes all and throws the failure (an
 * AggregateError when several failed).
 */
export function newMergeQuerier(
  primaries: readonly Querier[],
  secondaries: readonly Querier[],
  mergeFn: VerticalSeriesMergeFunc,
): Querier {
  return mergeGeneric(primaries, secondaries, mergeFn) ?? noopQuerier();
}

/**
 * Prometheus: storage.NewMergeChunkQuerier. As newMergeQuerier, for chunk queriers; `mergeFn` is
 * usually compactingChunkSeriesMerger(chainedSeriesMerge, newChunk).
 */
export function newMergeChunkQuerier(
  primaries: readonly ChunkQuerier[],
  secondaries: readonly ChunkQuerier[],
  mergeFn: VerticalChunkSeriesMergeFunc,
): ChunkQuerier {
  return mergeGeneric(primaries, secondaries, mergeFn) ?? noopChunkQuerier();
}

function mergeGeneric<S extends Labeled>(
  primaries: readonly GenericQuerier<S>[],
  secondaries: readonly GenericQuerier<S>[],
  mergeFn: (...series: S[]) => S,
): GenericQuerier<S> | undefined {
  const ps = primaries.filter((q) => !isNoopQuerier(q));
  const ss = secondaries.filter((q) => !isNoopQuerier(q));
  if (ps.length === 0 && ss.length === 0) return undefined;
  if (ps.length === 1 && ss.length === 0) return ps[0];
  if (ps.length === 0 && ss.length === 1) return new SecondaryQuerier(ss[0]!);
  const all: GenericQuerier<S>[] = ps.slice();
  for (const q of ss) all.push(new SecondaryQuerier(q));
  return new MergeGenericQuerier(all, mergeFn);
}

/** Prometheus: storage.mergeGenericQuerier. */
class MergeGenericQuerier<S extends Labeled> implements GenericQuerier<S> {
  readonly #queriers: readonly GenericQuerier<S>[];
  readonly #mergeFn: (...series: S[]) => S;

  constructor(queriers: readonly GenericQuerier<S>[], mergeFn: (...series: S[]) => S) {
    this.#queriers = queriers;
    this.#mergeFn = mergeFn;
  }

  async select(
    _sortSeries: boolean,
    hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<GenericSeriesSet<S>> {
    signal?.throwIfAborted();
    // Every input is selected sorted: merging needs it, and the merged set is then sorted too.
    const sets = await Promise.all(this.#queriers.map((q) => q.select(true, hints, matchers, signal)));
    return mergeSeriesSets(sets, this.#mergeFn, hints?.limit ?? 0);
  }

  labelValues(
    name: string,
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    return this.#mergeResults(hints, signal, (q) => q.labelValues(name, hints, matchers, signal));
  }

  labelNames(
    hints: LabelHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<LabelQueryResult> {
    return this.#mergeResults(hints, signal, (q) => q.labelNames(hints, matchers, signal));
  }

  async #mergeResults(
    hints: LabelHints | undefined,
    signal: AbortSignal | undefined,
    fn: (q: GenericQuerier<S>) => Promise<LabelQueryResult>,
  ): Promise<LabelQueryResult> {
    signal?.throwIfAborted();
    const results = await Promise.all(this.#queriers.map(fn));
    const limit = hints?.limit ?? 0;
    const warnings = new Annotations();
    let values: string[] = [];
    for (const r of results) {
      warnings.merge(r.warnings);
      values = mergeStrings(values, r.values, limit);
    }
    return { values, warnings };
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.#queriers.map((q) => q.close()));
    throwFailures(results, 'closing merged queriers failed');
  }
}

/**
 * Prometheus: storage.mergeStrings plus truncateToLimit. Merges two sorted unique lists (compared
 * as Prometheus compares strings) into one, keeping at most `limit` values when `limit` > 0.
 */
export function mergeStrings(a: readonly string[], b: readonly string[], limit = 0): string[] {
  const max = limit > 0 ? limit : Number.POSITIVE_INFINITY;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < a.length || j < b.length)) {
    let v: string;
    if (j >= b.length) v = a[i++]!;
    else if (i >= a.length) v = b[j++]!;
    else {
      const c = compareStrings(a[i]!, b[j]!);
      if (c < 0) v = a[i++]!;
      else if (c > 0) v = b[j++]!;
      else {
        v = a[i++]!;
        j++;
      }
    }
    // Inputs are unique, but guard against a querier that breaks that contract.
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** Throws the one rejection of `results`, or an AggregateError of several; returns if none failed. */
export function throwFailures(results: readonly PromiseSettledResult<unknown>[], message: string): void {
  const errors: Error[] = [];
  for (const r of results) if (r.status === 'rejected') errors.push(toError(r.reason));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, message);
}
