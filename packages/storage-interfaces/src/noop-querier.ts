// Prometheus: storage/noop.go noopQuerier, noopChunkQuerier
import { Annotations } from './annotations.js';
import type { ChunkQuerier, LabelQueryResult, Querier } from './querier.js';
import { emptySeriesSet } from './series-set.js';
import type { ChunkSeries, ChunkSeriesSet, SeriesSet } from './series.js';

async function noLabels(): Promise<LabelQueryResult> {
  return { values: [], warnings: new Annotations() };
}

const NOOP_QUERIER: Querier = {
  select: async (): Promise<SeriesSet> => emptySeriesSet(),
  labelValues: noLabels,
  labelNames: noLabels,
  close: async (): Promise<void> => {},
};

const NOOP_CHUNK_QUERIER: ChunkQuerier = {
  select: async (): Promise<ChunkSeriesSet> => emptySeriesSet<ChunkSeries>(),
  labelValues: noLabels,
  labelNames: noLabels,
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
