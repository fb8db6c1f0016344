// Prometheus: tsdb/chunkenc/float_histogram.go FloatHistogramAppender (the handle; the state and
// encoding are in float-histogram-encoder.ts, the cut/recode decisions in float-histogram-chunk.ts).
import type { Chunk, ChunkAppender, FloatHistogram, Histogram } from '@tsprom/storage-interfaces';

/** What a FloatHistogramAppender appends through: its chunk. A seam, so this file imports no chunk. */
export interface FloatHistogramAppendTarget {
  appendFloatHistogram(
    t: number,
    h: FloatHistogram,
    prev?: FloatHistogramAppendTarget,
    appendOnly?: boolean,
  ): Chunk | undefined;
}

/**
 * Prometheus: FloatHistogramAppender. Appends float histograms to a FloatHistogramChunk; obtain it
 * from `chunk.appender()`. A thin handle: `FloatHistogramChunk.appendFloatHistogram` is the same
 * call.
 */
export class FloatHistogramAppender implements ChunkAppender {
  readonly #c: FloatHistogramAppendTarget;

  /** Use `FloatHistogramChunk.appender()`. */
  constructor(chunk: FloatHistogramAppendTarget) {
    this.#c = chunk;
  }

  /** Always throws: a float histogram chunk holds no float samples (Prometheus panics here). */
  append(_t: number, _v: number, _st?: number): void {
    throw new Error('cannot append a float sample to a float histogram chunk');
  }

  /** Always throws: integer histograms go into a HistogramChunk (Prometheus panics here). */
  appendHistogram(_t: number, _h: Histogram, _st?: number): Chunk | undefined {
    throw new Error('cannot append an integer histogram to a float histogram chunk');
  }

  /**
   * Prometheus: FloatHistogramAppender.AppendFloatHistogram(nil, t, h, false). Appends `h` at `t`
   * (ms), cutting or recoding as Prometheus does. Returns undefined when `h` went into this chunk;
   * else the chunk to continue with: a recoded copy holding all samples (more than one; it
   * replaces this chunk) or a new chunk holding just `h`. `h` is neither kept nor changed. `st` is
   * ignored (this encoding stores no start timestamps).
   */
  appendFloatHistogram(t: number, h: FloatHistogram, _st?: number): Chunk | undefined {
    return this.#c.appendFloatHistogram(t, h);
  }
}
