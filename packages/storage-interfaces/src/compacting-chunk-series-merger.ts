// Prometheus: storage/merge.go NewCompactingChunkSeriesMerger, compactChunkIterator,
// NewConcatenatingChunkSeriesMerger, concatenatingChunkIterator
import { Labels } from '@tsprom/labels';
import type { ChunkMeta } from './chunk.js';
import type { VerticalChunkSeriesMergeFunc, VerticalSeriesMergeFunc } from './merge-series-set.js';
import { MinHeap } from './min-heap.js';
import { type ChunkFactory, chunkToSeriesDecoder, seriesToChunkEncoder } from './series-chunk-conversion.js';
import type { ChunkIterator, ChunkSeries, Series } from './series.js';

/**
 * Prometheus: storage.NewCompactingChunkSeriesMerger. Merges chunk series with the same labels:
 * chunks are taken in (mint, maxt) order; non-overlapping ones pass through untouched, exact
 * duplicates (same range and bytes) are dropped, and overlapping ones are decoded, merged by
 * `mergeFn` (given the series in the order of the merged chunk series, so chainedSeriesMerge keeps
 * the earlier series' sample at equal timestamps) and re-encoded with chunks from `newChunk`
 * (`newChunk` of @tsprom/chunkenc; this package does not import the codecs).
 */
export function compactingChunkSeriesMerger(
  mergeFn: VerticalSeriesMergeFunc,
  newChunk: ChunkFactory,
): VerticalChunkSeriesMergeFunc {
  return (...series: ChunkSeries[]): ChunkSeries => {
    const first = series[0];
    if (first === undefined) throw new Error('compactingChunkSeriesMerger needs at least one series');
    if (series.length === 1) return first;
    return {
      labels: () => first.labels(),
      chunkIterator: () =>
        new CompactChunkIterator(
          series.map((s) => s.chunkIterator()),
          mergeFn,
          newChunk,
        ),
    };
  };
}

interface HeapEntry {
  it: ChunkIterator;
  /** Precedence at equal timestamps: the index of the series the chunks came from. */
  idx: number;
}

function lessEntry(a: HeapEntry, b: HeapEntry): boolean {
  const ca = a.it.at();
  const cb = b.it.at();
  if (ca.mint !== cb.mint) return ca.mint < cb.mint;
  if (ca.maxt !== cb.maxt) return ca.maxt < cb.maxt;
  return a.idx < b.idx;
}

function copyMeta(m: ChunkMeta): ChunkMeta {
  return { ref: m.ref, mint: m.mint, maxt: m.maxt, chunk: m.chunk };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Prometheus: storage.compactChunkIterator. */
class CompactChunkIterator implements ChunkIterator {
  readonly #iterators: ChunkIterator[];
  readonly #mergeFn: VerticalSeriesMergeFunc;
  readonly #newChunk: ChunkFactory;
  #heap: MinHeap<HeapEntry> | undefined;
  #curr: ChunkMeta | undefined;
  #err: Error | undefined;

  constructor(iterators: ChunkIterator[], mergeFn: VerticalSeriesMergeFunc, newChunk: ChunkFactory) {
    this.#iterators = iterators;
    this.#mergeFn = mergeFn;
    this.#newChunk = newChunk;
  }

  next(): boolean {
    if (this.#err !== undefined) return false;
    let heap = this.#heap;
    if (heap === undefined) {
      heap = new MinHeap(lessEntry);
      this.#heap = heap;
      for (let i = 0; i < this.#iterators.length; i++) {
        const it = this.#iterators[i]!;
        if (it.next()) heap.push({ it, idx: i });
        else if (!this.#ok(it)) return false;
      }
    }
    const top = heap.pop();
    if (top === undefined) return false;
    const curr = copyMeta(top.it.at());
    if (!this.#advance(top)) return false;

    // Collect the chunks that overlap curr (directly or through each other), dropping exact copies.
    const overlapping: { meta: ChunkMeta; idx: number }[] = [];
    let oMaxt = curr.maxt;
    let prev = curr;
    for (let e = heap.peek(); e !== undefined; e = heap.peek()) {
      const next = e.it.at();
      if (next.mint > oMaxt) break;
      if (next.mint !== prev.mint || next.maxt !== prev.maxt || !sameBytes(next.chunk.bytes(), prev.chunk.bytes())) {
        const meta = copyMeta(next);
        overlapping.push({ meta, idx: e.idx });
        if (meta.maxt > oMaxt) oMaxt = meta.maxt;
        prev = meta;
      }
      heap.pop();
      if (!this.#advance(e)) return false;
    }
    if (overlapping.length === 0) {
      this.#curr = curr;
      return true;
    }

    overlapping.push({ meta: curr, idx: top.idx });
    // Stable: chunks of one series stay in time order, series keep their precedence.
    overlapping.sort((a, b) => a.idx - b.idx);
    const series: Series[] = overlapping.map((o) => chunkToSeriesDecoder(Labels.EMPTY, o.meta));
    const merged = seriesToChunkEncoder(this.#mergeFn(...series), this.#newChunk).chunkIterator();
    if (!merged.next()) {
      this.#err = merged.err() ?? new Error('compactChunkIterator: merging overlapping chunks yielded no chunk');
      return false;
    }
    this.#curr = copyMeta(merged.at());
    const minIdx = overlapping.reduce((m, o) => Math.min(m, o.idx), Number.POSITIVE_INFINITY);
    // The rest of the re-encoded data goes back into the heap, to be merged with what follows.
    if (merged.next()) heap.push({ it: merged, idx: minIdx });
    else if (!this.#ok(merged)) return false;
    return true;
  }

  /** Advances a popped entry and puts it back into the heap if it has more chunks. */
  #advance(e: HeapEntry): boolean {
    if (e.it.next()) {
      this.#heap!.push(e);
      return true;
    }
    return this.#ok(e.it);
  }

  #ok(it: ChunkIterator): boolean {
    const err = it.err();
    if (err === undefined) return true;
    this.#err = err;
    return false;
  }

  at(): ChunkMeta {
    if (this.#curr === undefined) throw new Error('CompactChunkIterator: no current chunk');
    return this.#curr;
  }

  err(): Error | undefined {
    return this.#err;
  }
}

/**
 * Prometheus: storage.NewConcatenatingChunkSeriesMerger. Merges chunk series with the same labels
 * by handing out all chunks of the first, then of the second, and so on, unchanged: overlaps stay.
 */
export function concatenatingChunkSeriesMerger(): VerticalChunkSeriesMergeFunc {
  return (...series: ChunkSeries[]): ChunkSeries => {
    const first = series[0];
    if (first === undefined) throw new Error('concatenatingChunkSeriesMerger needs at least one series');
    if (series.length === 1) return first;
    return {
      labels: () => first.labels(),
      chunkIterator: () => new ConcatenatingChunkIterator(series.map((s) => s.chunkIterator())),
    };
  };
}

/** Prometheus: storage.concatenatingChunkIterator. */
class ConcatenatingChunkIterator implements ChunkIterator {
  readonly #iterators: ChunkIterator[];
  #idx = 0;
  #curr: ChunkMeta | undefined;
  #err: Error | undefined;

  constructor(iterators: ChunkIterator[]) {
    this.#iterators = iterators;
  }

  next(): boolean {
    this.#curr = undefined;
    while (this.#err === undefined && this.#idx < this.#iterators.length) {
      const it = this.#iterators[this.#idx]!;
      if (it.next()) {
        this.#curr = it.at();
        return true;
      }
      this.#err = it.err();
      this.#idx++;
    }
    return false;
  }

  at(): ChunkMeta {
    if (this.#curr === undefined) throw new Error('ConcatenatingChunkIterator: no current chunk');
    return this.#curr;
  }

  err(): Error | undefined {
    return this.#err;
  }
}
