// Prometheus: storage/noop.go noopQuerier, noopChunkQuerier
import type { Matcher } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import type { ChunkQuerier, LabelHints, LabelQueryResult, Querier, SelectHints } from './querier.js';
import { emptySeriesSet } from './series-set.js';
import type { ChunkSeries, ChunkSeriesSet, SeriesSet } from './series.js';

async function noLabelValues(
  _name: string,
  _hints: LabelHints | undefined,
  _matchers: readonly Matcher[],
  signal?: AbortSignal,
): Promise<LabelQueryResult> {
  signal?.throwIfAborted();
  return { values: [], warnings: new Annotations() };
}

async function noLabelNames(
  _hints: LabelHints | undefined,
  _matchers: readonly Matcher[],
  signal?: AbortSignal,
): Promise<LabelQueryResult> {
  signal?.throwIfAborted();
  return { values: [], warnings: new Annotations() };
}

const NOOP_QUERIER: Querier = {
  select: async (
    _sortSeries: boolean,
    _hints: SelectHints | undefined,
    _matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> => {
    signal?.throwIfAborted();
    return emptySeriesSet();
  },
  labelValues: noLabelValues,
  labelNames: noLabelNames,
  close: async (): Promise<void> => {},
};

const NOOP_CHUNK_QUERIER: ChunkQuerier = {
  select: async (
    _sortSeries: boolean,
    _hints: SelectHints | undefined,
    _matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<ChunkSeriesSet> => {
    signal?.throwIfAborted();
    return emptySeriesSet<ChunkSeries>();
  },
  labelValues: noLabelValues,
  labelNames: noLabelNames,
  close: async (): Promise<void> => {},
};

/**
 * Prometheus: storage.NoopQuerier. A querier that finds nothing. Always the same instance, so
 * merge queriers can recognize and drop it.
 */
export function noopQuerier(): Querier {
  return NOOP_QUERIER;
}

/** Prometheus: storage.NoopChunkedQuerier. A chunk querier that finds nothing (a shared instance). */
export function noopChunkQuerier(): ChunkQuerier {
  return NOOP_CHUNK_QUERIER;
}

/** Whether `q` is the noop querier or noop chunk querier. */
export function isNoopQuerier(q: unknown): boolean {
  return q === NOOP_QUERIER || q === NOOP_CHUNK_QUERIER;
}
