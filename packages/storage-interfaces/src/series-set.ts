// Prometheus: storage/series.go (list-backed sets), storage/interface.go EmptySeriesSet, ErrSeriesSet,
// EmptyChunkSeriesSet, ErrChunkSeriesSet; storage/merge.go warningsOnlySeriesSet
import { Labels } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import type { ChunkSeries, ChunkSeriesSet, GenericSeriesSet, Labeled, Series } from './series.js';

/**
 * A series set over an array of series, in array order. The array is borrowed; `warnings` is
 * returned by `warnings()` as is.
 */
export class ListSeriesSet<S extends Labeled = Series> implements GenericSeriesSet<S> {
  readonly #series: readonly S[];
  readonly #warnings: Annotations;
  #idx = -1;

  constructor(series: readonly S[], warnings: Annotations = new Annotations()) {
    this.#series = series;
    this.#warnings = warnings;
  }

  next(): boolean {
    if (this.#idx < this.#series.length) this.#idx++;
    return this.#idx < this.#series.length;
  }

  at(): S {
    const s = this.#series[this.#idx];
    if (s === undefined) throw new Error('ListSeriesSet: no current series');
    return s;
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): Annotations {
    return this.#warnings;
  }
}

/**
 * A series set over `series`; with `sort`, over a copy sorted by labels (Labels.compare), as a
 * `select(true, …)` must return. Works for Series and ChunkSeries alike.
 */
export function seriesSetFromList<S extends Labeled = Series>(
  series: readonly S[],
  sort = false,
  warnings?: Annotations,
): GenericSeriesSet<S> {
  const list = sort ? series.slice().sort((a, b) => Labels.compare(a.labels(), b.labels())) : series;
  return new ListSeriesSet(list, warnings);
}

/** A set with no series that ends with `error` (if any) and carries `ws`. */
class FixedSeriesSet<S extends Labeled> implements GenericSeriesSet<S> {
  constructor(
    readonly error: Error | undefined,
    readonly ws: Annotations,
  ) {}
  next(): boolean {
    return false;
  }
  at(): S {
    throw new Error('at() on a series set without series');
  }
  err(): Error | undefined {
    return this.error;
  }
  warnings(): Annotations {
    return this.ws;
  }
}

/** Prometheus: storage.EmptySeriesSet. A set without series, errors or warnings. */
export function emptySeriesSet<S extends Labeled = Series>(): GenericSeriesSet<S> {
  return new FixedSeriesSet<S>(undefined, new Annotations());
}

/** Prometheus: storage.EmptyChunkSeriesSet. */
export function emptyChunkSeriesSet(): ChunkSeriesSet {
  return emptySeriesSet<ChunkSeries>();
}

/** Prometheus: storage.ErrSeriesSet. A set without series whose `err()` returns `err`. */
export function errorSeriesSet<S extends Labeled = Series>(err: Error, warnings?: Annotations): GenericSeriesSet<S> {
  return new FixedSeriesSet<S>(err, warnings ?? new Annotations());
}

/** Prometheus: storage.ErrChunkSeriesSet. */
export function errorChunkSeriesSet(err: Error, warnings?: Annotations): ChunkSeriesSet {
  return errorSeriesSet<ChunkSeries>(err, warnings);
}

/** Prometheus: storage.warningsOnlySeriesSet. A set without series that only carries `warnings`. */
export function warningsOnlySeriesSet<S extends Labeled = Series>(warnings: Annotations): GenericSeriesSet<S> {
  return new FixedSeriesSet<S>(undefined, warnings);
}
