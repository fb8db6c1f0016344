// Prometheus: tsdb/chunkenc/histogram.go HistogramAppender (the handle; the state and encoding
// are in histogram-encoder.ts, the cut/recode decisions in histogram-chunk.ts).
import type { Chunk, ChunkAppender, FloatHistogram, Histogram } from '@tsprom/storage-interfaces';

/** What a HistogramAppender appends through: its chunk. A seam, so this file imports no chunk. */
export interface HistogramAppendTarget {
  appendHistogram(t: number, h: Histogram, prev?: HistogramAppendTarget, appendOnly?: boolean): Chunk | undefined;
}

/**
 * Prometheus: HistogramAppender. Appends integer histograms to a HistogramChunk; obtain it from
 * `chunk.appender()`. A thin handle: `HistogramChunk.appendHistogram` is the same call.
 */
export class HistogramAppender implements ChunkAppender {
  readonly #c: HistogramAppendTarget;

  /** Use `HistogramChunk.appender()`. */
  constructor(chunk: HistogramAppendTarget) {
    this.#c = chunk;
  }

  /** Always throws: a histogram chunk holds no float samples (Prometheus panics here). */
  append(_t: number, _v: number, _st?: number): void {
    throw new Error('cannot append a float sample to a histogram chunk');
  }

  /**
   * Prometheus: HistogramAppender.AppendHistogram(nil, t, h, false). Appends `h` at `t` (ms),
   * cutting or recoding as Prometheus does. Returns undefined when `h` went into this chunk;
   * else the chunk to continue with: a recoded copy holding all samples (more than one; it
   * replaces this chunk) or a new chunk holding just `h` (this chunk is complete). `h` is not kept
   * nor changed. `st` is ignored (this encoding stores no start timestamps).
   */
  appendHistogram(t: number, h: Histogram, _st?: number): Chunk | undefined {
    return this.#c.appendHistogram(t, h);
  }

  /** Always throws: float histograms go into a FloatHistogramChunk (Prometheus panics here). */
  appendFloatHistogram(_t: number, _h: FloatHistogram, _st?: number): Chunk | undefined {
    throw new Error('cannot append a float histogram to an integer histogram chunk');
  }
}
