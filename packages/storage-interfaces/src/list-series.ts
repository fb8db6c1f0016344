// Prometheus: storage/series.go SeriesEntry, ChunkSeriesEntry, NewListSeries, listSeriesIterator,
// NewListChunkSeriesIterator
import type { Labels } from '@tsprom/labels';
import type { ChunkMeta } from './chunk.js';
import type { FloatHistogram, Histogram } from './histogram.js';
import { histogramToFloat } from './histogram-convert.js';
import type { SampleIterator } from './iterator.js';
import { type Sample, sampleValueType } from './sample.js';
import type { ChunkIterator, ChunkSeries, Series } from './series.js';
import { ValueType } from './value-type.js';

/**
 * Prometheus: storage.NewListSeries. A series over a list of samples, for tests and embedders.
 * The list is borrowed, not copied: it must be sorted by `t` and must not change while iterated.
 */
export class ListSeries implements Series {
  readonly #labels: Labels;
  readonly #samples: readonly Sample[];

  constructor(labels: Labels, samples: readonly Sample[]) {
    this.#labels = labels;
    this.#samples = samples;
  }

  labels(): Labels {
    return this.#labels;
  }

  /** The samples this series was built from (borrowed). */
  samples(): readonly Sample[] {
    return this.#samples;
  }

  /** An iterator from the first sample; a ListSeriesIterator passed as `reuse` is reset and returned. */
  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof ListSeriesIterator) {
      reuse.reset(this.#samples);
      return reuse;
    }
    return new ListSeriesIterator(this.#samples);
  }
}

/**
 * Prometheus: storage.listSeriesIterator. A SampleIterator over a sorted sample list. `atHistogram`
 * and `atFloatHistogram` hand out the listed objects themselves (an integer histogram read as float
 * is converted into a new object): callers must not mutate them.
 */
export class ListSeriesIterator implements SampleIterator {
  #samples: readonly Sample[];
  #idx = -1;

  constructor(samples: readonly Sample[]) {
    this.#samples = samples;
  }

  /** Restarts the iterator over `samples` (borrowed). */
  reset(samples: readonly Sample[]): void {
    this.#samples = samples;
    this.#idx = -1;
  }

  next(): ValueType {
    if (this.#idx < this.#samples.length) this.#idx++;
    const s = this.#samples[this.#idx];
    return s === undefined ? ValueType.None : sampleValueType(s);
  }

  seek(t: number): ValueType {
    if (this.#idx === -1) this.#idx = 0;
    const samples = this.#samples;
    const cur = samples[this.#idx];
    if (cur === undefined) return ValueType.None;
    if (cur.t >= t) return sampleValueType(cur);
    // Binary search between the current position and the end for the first sample with t' >= t.
    let lo = this.#idx + 1;
    let hi = samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (samples[mid]!.t >= t) hi = mid;
      else lo = mid + 1;
    }
    this.#idx = lo;
    const s = samples[lo];
    return s === undefined ? ValueType.None : sampleValueType(s);
  }

  #cur(): Sample {
    const s = this.#samples[this.#idx];
    if (s === undefined) throw new Error('ListSeriesIterator: no current sample');
    return s;
  }

  at(): [number, number] {
    const s = this.#cur();
    return [s.t, s.v ?? 0];
  }

  atT(): number {
    return this.#cur().t;
  }

  /** The float value; 0 on a histogram sample, as Prometheus's list iterator returns. */
  atV(): number {
    return this.#cur().v ?? 0;
  }

  atHistogram(): Histogram {
    const s = this.#cur();
    if (s.h === undefined) throw new Error('ListSeriesIterator: atHistogram on a non-histogram sample');
    return s.h;
  }

  atFloatHistogram(): FloatHistogram {
    const s = this.#cur();
    if (s.fh !== undefined) return s.fh;
    if (s.h !== undefined) return histogramToFloat(s.h);
    throw new Error('ListSeriesIterator: atFloatHistogram on a float sample');
  }

  atST(): number {
    return this.#cur().st ?? 0;
  }

  err(): Error | undefined {
    return undefined;
  }
}

/**
 * Prometheus: storage.ChunkSeriesEntry over a list of already-built chunks. The list is borrowed;
 * it must be in time order.
 */
export class ListChunkSeries implements ChunkSeries {
  readonly #labels: Labels;
  readonly #chunks: readonly ChunkMeta[];

  constructor(labels: Labels, chunks: readonly ChunkMeta[]) {
    this.#labels = labels;
    this.#chunks = chunks;
  }

  labels(): Labels {
    return this.#labels;
  }

  /** The chunks this series was built from (borrowed). */
  chunks(): readonly ChunkMeta[] {
    return this.#chunks;
  }

  chunkIterator(reuse?: ChunkIterator): ChunkIterator {
    if (reuse instanceof ListChunkSeriesIterator) {
      reuse.reset(this.#chunks);
      return reuse;
    }
    return new ListChunkSeriesIterator(this.#chunks);
  }
}

/** Prometheus: storage.listChunkSeriesIterator. A ChunkIterator over a list of ChunkMetas. */
export class ListChunkSeriesIterator implements ChunkIterator {
  #chunks: readonly ChunkMeta[];
  #idx = -1;

  constructor(chunks: readonly ChunkMeta[]) {
    this.#chunks = chunks;
  }

  /** Restarts the iterator over `chunks` (borrowed). */
  reset(chunks: readonly ChunkMeta[]): void {
    this.#chunks = chunks;
    this.#idx = -1;
  }

  next(): boolean {
    if (this.#idx < this.#chunks.length) this.#idx++;
    return this.#idx < this.#chunks.length;
  }

  at(): ChunkMeta {
    const c = this.#chunks[this.#idx];
    if (c === undefined) throw new Error('ListChunkSeriesIterator: no current chunk');
    return c;
  }

  err(): Error | undefined {
    return undefined;
  }
}
