// Prometheus: tsdb/querier.go populateWithDelChunkSeriesIterator: a block series' chunks as stored,
// or re-encoded without the samples in deleted (or trimmed) intervals.
import { newChunk } from '@tsprom/chunkenc';
import {
  type Chunk,
  type ChunkAppender,
  type ChunkIterator,
  type ChunkMeta,
  ValueType,
} from '@tsprom/storage-interfaces';
import type { IndexChunkMeta } from '../index/index-writer.js';
import type { TimeInterval } from '../record/ref-types.js';
import { overlapsAny } from '../tombstones.js';
import type { BlockSource } from './block-source.js';
import { BlockSeriesIterator } from './block-series-iterator.js';

/**
 * Prometheus: populateWithDelChunkSeriesIterator. The chunks as stored when none of their samples
 * is hidden; otherwise the visible samples re-encoded into a new chunk of the same encoding
 * (skipped when none is left).
 */
export class BlockChunkIterator implements ChunkIterator {
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
      { series: unreachable, tombstones: unreachable, chunk: () => chunk, transientChunk: () => chunk },
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
