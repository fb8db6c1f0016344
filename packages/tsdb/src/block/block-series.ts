import type { Labels } from '@tsprom/labels';
import {
  Annotations,
  type ChunkIterator,
  type ChunkSeries,
  type GenericSeriesSet,
  type SampleIterator,
  type Series,
} from '@tsprom/storage-interfaces';
import type { IndexChunkMeta } from '../index/index-writer.js';
import type { IndexSeries } from '../index/index-reader.js';
import type { Postings } from '../postings.js';
import type { TimeInterval } from '../record/ref-types.js';
import { addInterval, isSubrange } from '../tombstones.js';
import { BlockChunkIterator } from './block-chunk-iterator.js';
import type { BlockSource } from './block-source.js';
import { BlockSeriesIterator } from './block-series-iterator.js';

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
