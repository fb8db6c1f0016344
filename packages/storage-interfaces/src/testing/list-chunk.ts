// A chunk for this package's tests: it keeps its samples in a list and serializes them as 8-byte
// little-endian (t, v) pairs, so byte comparisons work. The codecs live in @tsprom/chunkenc, which
// this package may not import; merging code only needs some Chunk. Not exported from the package.
import type { Chunk, ChunkAppender, Encoding } from '../chunk.js';
import type { FloatHistogram, Histogram } from '../histogram.js';
import type { SampleIterator } from '../iterator.js';
import { ListSeriesIterator } from '../list-series.js';
import type { Sample } from '../sample.js';

/**
 * A list-backed chunk of any encoding. Past `maxSamples`, a histogram append returns a new chunk:
 * with `recode`, one holding all samples (as a layout change does), else one with just the new one.
 */
export class ListChunk implements Chunk {
  readonly samples: Sample[] = [];

  constructor(
    readonly enc: Encoding,
    readonly maxSamples = Number.POSITIVE_INFINITY,
    readonly recode = false,
  ) {}

  static of(enc: Encoding, samples: readonly Sample[]): ListChunk {
    const c = new ListChunk(enc);
    c.samples.push(...samples);
    return c;
  }

  encoding(): Encoding {
    return this.enc;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.samples.length * 16);
    const view = new DataView(out.buffer);
    for (let i = 0; i < this.samples.length; i++) {
      const s = this.samples[i]!;
      view.setFloat64(i * 16, s.t, true);
      view.setFloat64(i * 16 + 8, s.v ?? s.h?.sum ?? s.fh?.sum ?? 0, true);
    }
    return out;
  }

  numSamples(): number {
    return this.samples.length;
  }

  appender(): ChunkAppender {
    return {
      append: (t: number, v: number, st?: number): void => {
        this.samples.push(st ? { t, v, st } : { t, v });
      },
      appendHistogram: (t: number, h: Histogram): Chunk | undefined => this.#appendOrCut({ t, h: { ...h } }),
      appendFloatHistogram: (t: number, fh: FloatHistogram): Chunk | undefined =>
        this.#appendOrCut({ t, fh: { ...fh } }),
    };
  }

  #appendOrCut(s: Sample): Chunk | undefined {
    if (this.samples.length < this.maxSamples) {
      this.samples.push(s);
      return undefined;
    }
    const next = new ListChunk(this.enc, this.maxSamples, this.recode);
    if (this.recode) next.samples.push(...this.samples);
    next.samples.push(s);
    return next;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof ListSeriesIterator) {
      reuse.reset(this.samples);
      return reuse;
    }
    return new ListSeriesIterator(this.samples);
  }

  compact(): void {}
}
