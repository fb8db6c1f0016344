// Prometheus: tsdb/querier.go populateWithDelSeriesIterator and DeletedIterator: the samples of a
// block series' chunks, read when reached, without those in deleted (or trimmed) intervals.
import {
  type Chunk,
  type FloatBuffer,
  type FloatHistogram,
  type Histogram,
  readFloatsOneByOne,
  type SampleIterator,
  ValueType,
} from '@tsprom/storage-interfaces';
import { readChunkFloats } from '../chunk-read-floats.js';
import type { IndexChunkMeta } from '../index/index-writer.js';
import type { TimeInterval } from '../record/ref-types.js';
import type { BlockSource } from './block-source.js';

/**
 * Prometheus: populateWithDelSeriesIterator. The samples of the chunks, in order, skipping those in
 * the intervals. Chunks are read when reached; a chunk ending before a sought time is never read.
 */
export class BlockSeriesIterator implements SampleIterator {
  #src!: BlockSource;
  #chunks!: IndexChunkMeta[];
  #ivs!: TimeInterval[];
  #ci = -1;
  #di = 0;
  #it: SampleIterator | undefined;
  #spare: SampleIterator | undefined;
  #vt: ValueType = ValueType.None;
  #done = false;
  #err: Error | undefined;

  constructor(src: BlockSource, chunks: IndexChunkMeta[], intervals: TimeInterval[]) {
    this.reset(src, chunks, intervals);
  }

  /** Points the iterator at another series (reuse). */
  reset(src: BlockSource, chunks: IndexChunkMeta[], intervals: TimeInterval[]): void {
    this.#src = src;
    this.#chunks = chunks;
    this.#ivs = intervals;
    this.#ci = -1;
    this.#di = 0;
    if (this.#it !== undefined) this.#spare = this.#it;
    this.#it = undefined;
    this.#vt = ValueType.None;
    this.#done = false;
    this.#err = undefined;
  }

  /** Whether `t` is deleted; `t` never decreases between calls. */
  #deleted(t: number): boolean {
    const ivs = this.#ivs;
    let di = this.#di;
    while (di < ivs.length && ivs[di]!.maxt < t) di++;
    this.#di = di;
    return di < ivs.length && ivs[di]!.mint <= t;
  }

  /** Opens chunk `#ci + 1`, skipping those that end before `minT`. */
  #openNext(minT: number): boolean {
    const chunks = this.#chunks;
    let ci = this.#ci + 1;
    while (ci < chunks.length && chunks[ci]!.maxt < minT) ci++;
    this.#ci = ci;
    if (ci >= chunks.length) return false;
    let chunk: Chunk;
    try {
      chunk = this.#src.transientChunk(chunks[ci]!.ref);
    } catch (err) {
      this.#err = err instanceof Error ? err : new Error(String(err));
      return false;
    }
    const reuse = this.#it ?? this.#spare;
    this.#spare = undefined;
    this.#it = chunk.iterator(reuse);
    return true;
  }

  next(): ValueType {
    if (this.#done) return ValueType.None;
    for (;;) {
      if (this.#it === undefined && !this.#openNext(-Infinity)) return this.#stop();
      const vt = this.#it!.next();
      if (vt === ValueType.None) {
        const err = this.#it!.err();
        if (err !== undefined) {
          this.#err = err;
          return this.#stop();
        }
        if (!this.#openNext(-Infinity)) return this.#stop();
        continue;
      }
      if (this.#ivs.length > 0 && this.#deleted(this.#it!.atT())) continue;
      this.#vt = vt;
      return vt;
    }
  }

  seek(t: number): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#vt !== ValueType.None && this.#it!.atT() >= t) return this.#vt;
    for (;;) {
      if (this.#it === undefined || this.#chunks[this.#ci]!.maxt < t) {
        if (!this.#openNext(t)) return this.#stop();
      }
      const vt = this.#it!.seek(t);
      if (vt === ValueType.None) {
        const err = this.#it!.err();
        if (err !== undefined) {
          this.#err = err;
          return this.#stop();
        }
        if (!this.#openNext(t)) return this.#stop();
        continue;
      }
      if (this.#ivs.length > 0 && this.#deleted(this.#it!.atT())) return this.next();
      this.#vt = vt;
      return vt;
    }
  }

  /** `readFloats` (storage-interfaces): an XOR chunk is decoded in one loop up to the next deleted interval. */
  readFloats(buf: FloatBuffer, maxT: number): ValueType {
    if (this.#vt !== ValueType.Float) return readFloatsOneByOne(this, buf, maxT);
    const it = this.#it!;
    // The current sample is not deleted: the next interval (#di, from #deleted) starts after it.
    const iv = this.#ivs[this.#di];
    const limit = iv === undefined ? maxT : Math.min(maxT, iv.mint - 1);
    const vt = readChunkFloats(it, buf, limit);
    if (vt === ValueType.None) {
      const err = it.err();
      if (err !== undefined) {
        this.#err = err;
        return this.#stop();
      }
      return this.next();
    }
    if (this.#ivs.length > 0 && this.#deleted(it.atT())) return this.next();
    this.#vt = vt;
    return vt;
  }

  #stop(): ValueType {
    this.#done = true;
    this.#vt = ValueType.None;
    return ValueType.None;
  }

  at(): [number, number] {
    return this.#it!.at();
  }

  atT(): number {
    return this.#it!.atT();
  }

  atV(): number {
    return this.#it!.atV();
  }

  atHistogram(): Histogram {
    return this.#it!.atHistogram();
  }

  atFloatHistogram(): FloatHistogram {
    return this.#it!.atFloatHistogram();
  }

  atST(): number {
    return this.#it!.atST();
  }

  err(): Error | undefined {
    return this.#err;
  }
}
