// Prometheus: tsdb/chunkenc/chunk.go Chunk, Appender; tsdb/chunks ChunkMeta
import type { FloatHistogram, Histogram } from './histogram.js';
import type { SampleIterator } from './iterator.js';

/** Chunk encodings with the byte values Prometheus writes on disk. */
export const Encoding = {
  None: 0,
  XOR: 1,
  Histogram: 2,
  FloatHistogram: 3,
  XOR2: 4,
  HistogramST: 5,
  FloatHistogramST: 6,
} as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** Appends samples to a chunk. Samples must come in increasing timestamp order. */
export interface ChunkAppender {
  /** Appends a float sample; `st` is its start timestamp (0 = unknown), kept only by ST encodings. */
  append(t: number, v: number, st?: number): void;
  /**
   * Appends a histogram sample. Returns a new chunk when the sample cannot go into this one (a
   * layout change or counter reset), else undefined.
   */
  appendHistogram?(t: number, h: Histogram, st?: number): Chunk | undefined;
  appendFloatHistogram?(t: number, h: FloatHistogram, st?: number): Chunk | undefined;
}

/** A compressed run of samples of one series. */
export interface Chunk {
  encoding(): Encoding;
  /** The encoded bytes. The view is owned by the chunk and valid until the next append. */
  bytes(): Uint8Array;
  numSamples(): number;
  /** An appender that continues after the last sample. */
  appender(): ChunkAppender;
  /** An iterator over the samples; `reuse` is recycled when it is of the same kind. */
  iterator(reuse?: SampleIterator): SampleIterator;
  /** Drops spare capacity once the chunk is complete. */
  compact(): void;
}

/** A chunk with its time range (ms, inclusive) and, where stored, a reference to it. */
export interface ChunkMeta {
  ref: number;
  mint: number;
  maxt: number;
  chunk: Chunk;
}
