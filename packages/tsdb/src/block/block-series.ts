// Prometheus: tsdb/querier.go blockBaseSeriesSet, blockSeriesSet, blockChunkSeriesSet,
// populateWithDelSeriesIterator, populateWithDelChunkSeriesIterator, DeletedIterator: the series
// of a block as a querier hands them out, with deleted and out-of-range samples hidden.
import { newChunk } from '@tsprom/chunkenc';
import type { Labels } from '@tsprom/labels';
import {
  Annotations,
  type Chunk,
  type ChunkAppender,
  type ChunkIterator,
  type ChunkMeta,
  type ChunkSeries,
  type FloatHistogram,
  type GenericSeriesSet,
  type Histogram,
  type SampleIterator,
  type Series,
  ValueType,
} from '@tsprom/storage-interfaces';
import type { IndexChunkMeta } from '../index/index-writer.js';
import type { IndexSeries } from '../index/index-reader.js';
import type { Postings } from '../postings.js';
import type { TimeInterval } from '../record/ref-types.js';
import { addInterval, isSubrange, overlapsAny } from '../tombstones.js';

/** What the series sets read from a block: series by ID and chunks by ref. */
export interface BlockSource {
  series(id: number): IndexSeries;
  chunk(ref: number): Chunk;
  /** The deleted intervals of series `id` (sorted, merged), or undefined. */
  tombstones(id: number): readonly TimeInterval[] | undefined;
}

/** One series as selected: labels, the chunk metas kept, and the intervals to hide. */
interface SelectedSeries {
  labels: Labels;
  chunks: IndexChunkMeta[];
  intervals: TimeInterval[];
}

/**
 * Prometheus: blockBaseSeriesSet. Walks `postings`, reading each series when reached; keeps the
 * chunks overlapping [mint, maxt] that are not wholly deleted, and (unless `disableTrimming`)
 * hides samples outside the range by adding it to the deleted intervals.
 */
abstract class BlockBaseSeriesSet<S> implements GenericSeriesSet<S & { labels(): Labels }> {
  readonly #src: BlockSource;
  readonly #p: Postings;
  #i = 0;
  readonly #mint: number;
  readonly #maxt: number;
  readonly #disableTrimming: boolean;
  readonly #limit: number;
  #count = 0;
  #err: Error | undefined;
  protected cur: SelectedSeries | undefined;
  #at: (S & { labels(): Labels }) | undefined;
  readonly #warnings = new Annotations();

  constructor(src: BlockSource, p: Postings, mint: number, maxt: number, disableTrimming: boolean, limit: number) {
    this.#src = src;
    this.#p = p;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#disableTrimming = disableTrimming;
    this.#limit = limit;
  }

  protected get source(): BlockSource {
    return this.#src;
  }

  protected abstract make(s: SelectedSeries): S & { labels(): Labels };

  next(): boolean {
    if (this.#err !== undefined) return false;
    if (this.#limit > 0 && this.#count >= this.#limit) return false;
    const p = this.#p;
    const mint = this.#mint;
    const maxt = this.#maxt;
    while (this.#i < p.length) {
      const id = p[this.#i++]!;
      let s: IndexSeries;
      let tomb: readonly TimeInterval[] | undefined;
      try {
        s = this.#src.series(id);
        tomb = this.#src.tombstones(id);
      } catch (err) {
        this.#err = err instanceof Error ? err : new Error(String(err));
        return false;
      }
      if (s.chunks.length === 0) continue;
      let trimFront = false;
      let trimBack = false;
      const chks: IndexChunkMeta[] = [];
      for (const c of s.chunks) {
        if (c.maxt < mint || c.mint > maxt) continue;
        if (tomb === undefined || !isSubrange(c.mint, c.maxt, tomb)) chks.push(c);
        if (!this.#disableTrimming) {
          if (c.mint < mint) trimFront = true;
          if (c.maxt > maxt) trimBack = true;
        }
      }
      if (chks.length === 0) continue;
      const intervals: TimeInterval[] = tomb === undefined ? [] : tomb.map((iv) => ({ mint: iv.mint, maxt: iv.maxt }));
      if (trimFront) addInterval(intervals, { mint: -Infinity, maxt: mint - 1 });
      if (trimBack) addInterval(intervals, { mint: maxt + 1, maxt: Infinity });
      this.cur = { labels: s.labels, chunks: chks, intervals };
      this.#at = this.make(this.cur);
      this.#count++;
      return true;
    }
    return false;
  }

  at(): S & { labels(): Labels } {
    return this.#at!;
  }

  err(): Error | undefined {
    return this.#err;
  }

  warnings(): Annotations {
    return this.#warnings;
  }
}

/** Prometheus: blockSeriesSet. Series whose iterators decode the kept chunks on demand. */
export class BlockSeriesSet extends BlockBaseSeriesSet<Series> {
  readonly #skipChunks: boolean;

  constructor(
    src: BlockSource,
    p: Postings,
    mint: number,
    maxt: number,
    opts: { disableTrimming: boolean; skipChunks: boolean; limit: number },
  ) {
    super(src, p, mint, maxt, opts.disableTrimming, opts.limit);
    this.#skipChunks = opts.skipChunks;
  }

  protected make(s: SelectedSeries): Series {
    return new BlockSeries(this.source, s.labels, this.#skipChunks ? [] : s.chunks, s.intervals);
  }
}

/** A series of a block: its iterator decodes the chunks kept when reached. */
class BlockSeries implements Series {
  readonly #src: BlockSource;
  readonly #labels: Labels;
  readonly #chunks: IndexChunkMeta[];
  readonly #intervals: TimeInterval[];

  constructor(src: BlockSource, labels: Labels, chunks: IndexChunkMeta[], intervals: TimeInterval[]) {
    this.#src = src;
    this.#labels = labels;
    this.#chunks = chunks;
    this.#intervals = intervals;
  }

  labels(): Labels {
    return this.#labels;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof BlockSeriesIterator) {
      reuse.reset(this.#src, this.#chunks, this.#intervals);
      return reuse;
    }
    return new BlockSeriesIterator(this.#src, this.#chunks, this.#intervals);
  }
}

/** A chunk series of a block. */
class BlockChunkSeries implements ChunkSeries {
  readonly #src: BlockSource;
  readonly #s: SelectedSeries;

  constructor(src: BlockSource, s: SelectedSeries) {
    this.#src = src;
    this.#s = s;
  }

  labels(): Labels {
    return this.#s.labels;
  }

  chunkIterator(): ChunkIterator {
    return new BlockChunkIterator(this.#src, this.#s.chunks, this.#s.intervals);
  }
}

/** Prometheus: blockChunkSeriesSet. Chunk series: whole chunks, re-encoded where samples are hidden. */
export class BlockChunkSeriesSet extends BlockBaseSeriesSet<ChunkSeries> {
  protected make(s: SelectedSeries): ChunkSeries {
    return new BlockChunkSeries(this.source, s);
  }
}

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
      chunk = this.#src.chunk(chunks[ci]!.ref);
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

/**
 * Prometheus: populateWithDelChunkSeriesIterator. The chunks as stored when none of their samples
 * is hidden; otherwise the visible samples re-encoded into a new chunk of the same encoding
 * (skipped when none is left).
 */
class BlockChunkIterator implements ChunkIterator {
  readonly #src: BlockSource;
  readonly #chunks: IndexChunkMeta[];
  readonly #ivs: TimeInterval[];
  #i = -1;
  #cur: ChunkMeta = { ref: 0, mint: 0, maxt: 0, chunk: undefined as unknown as Chunk };
  #err: Error | undefined;

  constructor(src: BlockSource, chunks: IndexChunkMeta[], intervals: TimeInterval[]) {
    this.#src = src;
    this.#chunks = chunks;
    this.#ivs = intervals;
  }

  next(): boolean {
    if (this.#err !== undefined) return false;
    while (++this.#i < this.#chunks.length) {
      const m = this.#chunks[this.#i]!;
      let chunk: Chunk;
      try {
        chunk = this.#src.chunk(m.ref);
      } catch (err) {
        this.#err = err instanceof Error ? err : new Error(`cannot populate chunk ${m.ref}: ${String(err)}`);
        return false;
      }
      // A fresh object per chunk: mergers keep the metas of several iterators.
      if (this.#ivs.length === 0 || !overlapsAny(m.mint, m.maxt, this.#ivs)) {
        this.#cur = { ref: m.ref, mint: m.mint, maxt: m.maxt, chunk };
        return true;
      }
      const re = this.#reencode(chunk);
      if (re === undefined) {
        if (this.#err !== undefined) return false;
        continue;
      }
      this.#cur = re;
      return true;
    }
    return false;
  }

  #reencode(chunk: Chunk): ChunkMeta | undefined {
    const it = new BlockSeriesIterator(
      { series: unreachable, tombstones: unreachable, chunk: () => chunk },
      [{ mint: -Infinity, maxt: Infinity, ref: 0 }],
      this.#ivs,
    );
    let out: Chunk | undefined;
    let app: ChunkAppender | undefined;
    let mint = 0;
    let maxt = 0;
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt !== ValueType.Float) {
        this.#err = new Error(`re-encoding a chunk of ${chunk.encoding()} with deleted samples is not supported`);
        return undefined;
      }
      const t = it.atT();
      if (out === undefined) {
        out = newChunk(chunk.encoding());
        app = out.appender();
        mint = t;
      }
      app!.append(t, it.atV(), it.atST());
      maxt = t;
    }
    const err = it.err();
    if (err !== undefined) {
      this.#err = err;
      return undefined;
    }
    if (out === undefined) return undefined;
    out.compact();
    return { ref: 0, mint, maxt, chunk: out };
  }

  at(): ChunkMeta {
    return this.#cur;
  }

  err(): Error | undefined {
    return this.#err;
  }
}

function unreachable(): never {
  throw new Error('unreachable');
}
