// Prometheus: storage/merge.go NewMergeSeriesSet, NewMergeChunkSeriesSet, genericMergeSeriesSet,
// genericSeriesSetHeap, VerticalSeriesMergeFunc, VerticalChunkSeriesMergeFunc
import { Labels } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import { errorSeriesSet } from './series-set.js';
import type { ChunkSeries, GenericSeriesSet, Labeled, Series } from './series.js';

/**
 * Prometheus: storage.VerticalSeriesMergeFunc. Merges series that have the same labels (given in
 * the order of the sets they came from) into one. Called with at least one series.
 */
export type VerticalSeriesMergeFunc = (...series: Series[]) => Series;

/** Prometheus: storage.VerticalChunkSeriesMergeFunc, the same for chunk series. */
export type VerticalChunkSeriesMergeFunc = (...series: ChunkSeries[]) => ChunkSeries;

/**
 * Prometheus: storage.NewMergeSeriesSet (and NewMergeChunkSeriesSet). Merges sets that are each
 * sorted by labels into one sorted set; series with equal labels are combined by `mergeFn`, which
 * gets them in the order of `sets`. With `limit` > 0, stops after that many series. `err()` is the
 * first error of any set, `warnings()` the union of all sets' warnings.
 *
 * Pre-advances every set (so a set that fails at once makes this an error-only set). The sets must
 * not be used by the caller afterwards.
 */
export function mergeSeriesSets<S extends Labeled>(
  sets: readonly GenericSeriesSet<S>[],
  mergeFn: (...series: S[]) => S,
  limit = 0,
): GenericSeriesSet<S> {
  if (sets.length === 1 && limit <= 0) return sets[0]!;
  const heap = new SeriesSetHeap<S>();
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i]!;
    if (set.next()) heap.push(set, i);
    const err = set.err();
    if (err !== undefined) {
      const ws = new Annotations();
      for (const s of sets) ws.merge(s.warnings());
      return errorSeriesSet<S>(err, ws);
    }
  }
  return new MergeSeriesSet(sets, heap, mergeFn, limit);
}

/** Prometheus: storage.genericMergeSeriesSet. */
class MergeSeriesSet<S extends Labeled> implements GenericSeriesSet<S> {
  readonly #sets: readonly GenericSeriesSet<S>[];
  readonly #heap: SeriesSetHeap<S>;
  readonly #mergeFn: (...series: S[]) => S;
  readonly #limit: number;
  #count = 0;
  /** Indices (into #sets) of the sets positioned on the current series, in set order. */
  readonly #current: number[] = [];
  readonly #currentSeries: S[] = [];
  #at: S | undefined;

  constructor(
    sets: readonly GenericSeriesSet<S>[],
    heap: SeriesSetHeap<S>,
    mergeFn: (...series: S[]) => S,
    limit: number,
  ) {
    this.#sets = sets;
    this.#heap = heap;
    this.#mergeFn = mergeFn;
    this.#limit = limit;
  }

  next(): boolean {
    this.#at = undefined;
    if (this.#limit > 0 && this.#count >= this.#limit) return false;
    // Advance the sets of the previous series; exhausted ones drop out.
    for (const i of this.#current) {
      const set = this.#sets[i]!;
      if (set.next()) this.#heap.push(set, i);
      else if (set.err() !== undefined) {
        this.#current.length = 0;
        this.#currentSeries.length = 0;
        return false;
      }
    }
    // Reused: mergeFn gets a spread copy, and the indices were consumed above.
    this.#current.length = 0;
    this.#currentSeries.length = 0;
    if (this.#heap.size === 0) return false;
    const lset = this.#heap.topLabels();
    // The heap breaks label ties by set index, so equal series come out in the order of the sets.
    while (this.#heap.size > 0 && this.#heap.topLabels().equals(lset)) {
      const i = this.#heap.pop();
      this.#current.push(i);
      this.#currentSeries.push(this.#sets[i]!.at());
    }
    this.#count++;
    return true;
  }

  at(): S {
    if (this.#at !== undefined) return this.#at;
    const series = this.#currentSeries;
    if (series.length === 0) throw new Error('MergeSeriesSet: no current series');
    this.#at = series.length === 1 ? series[0]! : this.#mergeFn(...series);
    return this.#at;
  }

  err(): Error | undefined {
    for (const set of this.#sets) {
      const err = set.err();
      if (err !== undefined) return err;
    }
    return undefined;
  }

  warnings(): Annotations {
    const ws = new Annotations();
    for (const set of this.#sets) ws.merge(set.warnings());
    return ws;
  }
}

/**
 * Prometheus: storage.genericSeriesSetHeap. A min-heap of series sets keyed on the labels of their
 * current series, ties broken by the set's index.
 */
class SeriesSetHeap<S extends Labeled> {
  #sets: GenericSeriesSet<S>[] = [];
  #idx: number[] = [];
  #labels: Labels[] = [];

  get size(): number {
    return this.#sets.length;
  }

  topLabels(): Labels {
    return this.#labels[0]!;
  }

  #less(a: number, b: number): boolean {
    const c = Labels.compare(this.#labels[a]!, this.#labels[b]!);
    return c < 0 || (c === 0 && this.#idx[a]! < this.#idx[b]!);
  }

  #swap(a: number, b: number): void {
    const s = this.#sets[a]!;
    this.#sets[a] = this.#sets[b]!;
    this.#sets[b] = s;
    const i = this.#idx[a]!;
    this.#idx[a] = this.#idx[b]!;
    this.#idx[b] = i;
    const l = this.#labels[a]!;
    this.#labels[a] = this.#labels[b]!;
    this.#labels[b] = l;
  }

  push(set: GenericSeriesSet<S>, index: number): void {
    let pos = this.#sets.length;
    this.#sets.push(set);
    this.#idx.push(index);
    this.#labels.push(set.at().labels());
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.#less(pos, parent)) break;
      this.#swap(pos, parent);
      pos = parent;
    }
  }

  /** Removes the top set and returns its index. */
  pop(): number {
    const top = this.#idx[0]!;
    const last = this.#sets.length - 1;
    this.#swap(0, last);
    this.#sets.pop();
    this.#idx.pop();
    this.#labels.pop();
    const n = last;
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.#less(r, l) ? r : l;
      if (!this.#less(m, pos)) break;
      this.#swap(m, pos);
      pos = m;
    }
    return top;
  }
}
