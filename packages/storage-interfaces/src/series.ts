// Prometheus: storage/interface.go Series, SeriesSet, ChunkSeries, ChunkSeriesSet
import type { Labels } from '@tsprom/labels';
import type { Annotations } from './annotations.js';
import type { ChunkMeta } from './chunk.js';
import type { SampleIterator } from './iterator.js';

/** Anything with a label set. */
export interface Labeled {
  labels(): Labels;
}

/** A series: labels and its samples in timestamp order. */
export interface Series extends Labeled {
  /** An iterator over the samples; `reuse` may be recycled to avoid allocation. */
  iterator(reuse?: SampleIterator): SampleIterator;
}

/** Iterates the chunks of one series in time order. */
export interface ChunkIterator {
  next(): boolean;
  /**
   * The current chunk. The ChunkMeta object is owned by the iterator and valid until the next call
   * to next(); the Chunk it references must stay unchanged after that (hand out a new Chunk rather
   * than refilling one), since mergers keep chunks of several iterators while advancing them.
   */
  at(): ChunkMeta;
  err(): Error | undefined;
}

/** A series exposed as its encoded chunks. */
export interface ChunkSeries extends Labeled {
  chunkIterator(reuse?: ChunkIterator): ChunkIterator;
}

/**
 * A synchronous iterator over series, sorted by labels when the select asked for it. Iterating
 * never awaits: whatever had to be fetched was fetched when the set was selected.
 */
export interface GenericSeriesSet<S extends Labeled> {
  next(): boolean;
  /** The current series; valid until the next call to next(). */
  at(): S;
  /** The error that ended iteration, if any. Check after every loop. */
  err(): Error | undefined;
  /** Warnings and infos collected while selecting or iterating. */
  warnings(): Annotations;
}

export type SeriesSet = GenericSeriesSet<Series>;
export type ChunkSeriesSet = GenericSeriesSet<ChunkSeries>;
