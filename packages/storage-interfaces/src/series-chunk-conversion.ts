// Prometheus: storage/series.go NewSeriesToChunkEncoder, seriesToChunkEncoder, newChunkToSeriesDecoder,
// NewSeriesSetFromChunkSeriesSet, NewSeriesSetToChunkSet
import type { Labels } from '@tsprom/labels';
import type { Annotations } from './annotations.js';
import { ChainSampleIterator } from './chain-sample-iterator.js';
import { type Chunk, type ChunkAppender, type ChunkMeta, Encoding } from './chunk.js';
import type { SampleIterator } from './iterator.js';
import { ListChunkSeriesIterator } from './list-series.js';
import { emptyIterator, errorIterator } from './sample-iterators.js';
import type {
  ChunkIterator,
  ChunkSeries,
  ChunkSeriesSet,
  GenericSeriesSet,
  Labeled,
  Series,
  SeriesSet,
} from './series.js';
import { ValueType } from './value-type.js';

/**
 * Makes an empty chunk of an encoding (XOR, Histogram or FloatHistogram). This package does not
 * depend on the codecs; pass `newChunk` from @tsprom/chunkenc.
 */
export type ChunkFactory = (encoding: Encoding) => Chunk;

/** Prometheus: storage.seriesToChunkEncoderSplit, the samples per re-encoded chunk. */
export const SERIES_TO_CHUNK_ENCODER_SPLIT = 120;

/** The chunk encoding that holds samples of value type `vt`. */
export function encodingForValueType(vt: ValueType): Encoding {
  switch (vt) {
    case ValueType.Float:
      return Encoding.XOR;
    case ValueType.Histogram:
      return Encoding.Histogram;
    case ValueType.FloatHistogram:
      return Encoding.FloatHistogram;
    default:
      throw new Error(`no chunk encoding for value type ${vt}`);
  }
}

/**
 * Prometheus: storage.newChunkToSeriesDecoder. The samples of one chunk as a series labelled `lset`.
 * The chunk is borrowed.
 */
export function chunkToSeriesDecoder(lset: Labels, meta: ChunkMeta): Series {
  const chunk = meta.chunk;
  return { labels: () => lset, iterator: (reuse?: SampleIterator) => chunk.iterator(reuse) };
}

/**
 * Prometheus: the series of storage.NewSeriesSetFromChunkSeriesSet. The samples of a chunk series
 * as a series: its chunks decoded and chained by timestamp (overlapping chunks are merged, the
 * earlier chunk winning equal timestamps). A chunk iterator error becomes the sample iterator's.
 */
export function chunkSeriesToSeries(cs: ChunkSeries): Series {
  return {
    labels: () => cs.labels(),
    iterator: (reuse?: SampleIterator): SampleIterator => {
      const chunkIt = cs.chunkIterator();
      const its: SampleIterator[] = [];
      while (chunkIt.next()) its.push(chunkIt.at().chunk.iterator());
      const err = chunkIt.err();
      if (err !== undefined) return errorIterator(err);
      if (its.length === 0) return emptyIterator();
      if (its.length === 1) return its[0]!;
      if (reuse instanceof ChainSampleIterator) {
        reuse.reset(its);
        return reuse;
      }
      return new ChainSampleIterator(its);
    },
  };
}

/** Prometheus: storage.NewSeriesSetFromChunkSeriesSet. Decodes each chunk series of `set`. */
export function seriesSetFromChunkSeriesSet(set: ChunkSeriesSet): SeriesSet {
  return mapSeriesSet(set, chunkSeriesToSeries);
}

/**
 * Prometheus: storage.NewSeriesToChunkEncoder. A series re-encoded as chunks made by `newChunk`:
 * a new chunk is cut every SERIES_TO_CHUNK_ENCODER_SPLIT samples and whenever the value type
 * changes (or the histogram appender asks for one). Chunks are built when the iterator is made.
 */
export function seriesToChunkEncoder(series: Series, newChunk: ChunkFactory): ChunkSeries {
  return {
    labels: () => series.labels(),
    chunkIterator: (reuse?: ChunkIterator): ChunkIterator => {
      let chunks: ChunkMeta[];
      try {
        chunks = encodeChunks(series.iterator(), newChunk);
      } catch (err) {
        if (!(err instanceof SeriesIteratorError)) throw err;
        // The series failed while read: hand the failure on through the chunk iterator's err().
        return new ErrorChunkIterator(err.cause);
      }
      if (reuse instanceof ListChunkSeriesIterator) {
        reuse.reset(chunks);
        return reuse;
      }
      return new ListChunkSeriesIterator(chunks);
    },
  };
}

/** Prometheus: storage.NewSeriesSetToChunkSet. Encodes each series of `set` with `newChunk`. */
export function chunkSeriesSetFromSeriesSet(set: SeriesSet, newChunk: ChunkFactory): ChunkSeriesSet {
  return mapSeriesSet(set, (s) => seriesToChunkEncoder(s, newChunk));
}

/** Marks a failure of the series being encoded (as opposed to a bug in a chunk). */
class SeriesIteratorError extends Error {
  override readonly name = 'SeriesIteratorError';
  constructor(override readonly cause: Error) {
    super(cause.message, { cause });
  }
}

function encodeChunks(it: SampleIterator, newChunk: ChunkFactory): ChunkMeta[] {
  const out: ChunkMeta[] = [];
  let chunk: Chunk | undefined;
  let app: ChunkAppender | undefined;
  let mint = Number.POSITIVE_INFINITY;
  let maxt = Number.NEGATIVE_INFINITY;
  let n = 0;
  let lastType: ValueType = ValueType.None;
  const cut = (): void => {
    if (chunk !== undefined && n > 0) out.push({ ref: 0, mint, maxt, chunk });
    mint = Number.POSITIVE_INFINITY;
    n = 0;
  };
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    if (vt !== lastType || n >= SERIES_TO_CHUNK_ENCODER_SPLIT) {
      cut();
      chunk = newChunk(encodingForValueType(vt));
      app = chunk.appender();
    }
    lastType = vt;
    const t = it.atT();
    const st = it.atST();
    let next: Chunk | undefined;
    if (vt === ValueType.Float) app!.append(t, it.atV(), st);
    else if (vt === ValueType.Histogram) {
      if (app!.appendHistogram === undefined) throw new Error('chunk factory made a chunk without appendHistogram');
      next = app!.appendHistogram(t, it.atHistogram(), st);
    } else {
      if (app!.appendFloatHistogram === undefined) {
        throw new Error('chunk factory made a chunk without appendFloatHistogram');
      }
      next = app!.appendFloatHistogram(t, it.atFloatHistogram(), st);
    }
    if (next !== undefined) {
      // A chunk with more than this sample re-encodes the current one (layout change): it replaces
      // it. A chunk with just this sample was cut (e.g. counter reset): the current one is done.
      if (next.numSamples() <= 1) cut();
      chunk = next;
      app = next.appender();
    }
    maxt = t;
    if (mint === Number.POSITIVE_INFINITY) mint = t;
    n++;
  }
  const err = it.err();
  if (err !== undefined) throw new SeriesIteratorError(err);
  cut();
  return out;
}

/** A chunk iterator with no chunks that fails with `error`. */
class ErrorChunkIterator implements ChunkIterator {
  constructor(readonly error: Error) {}
  next(): boolean {
    return false;
  }
  at(): ChunkMeta {
    throw new Error('at() on a failed chunk iterator');
  }
  err(): Error | undefined {
    return this.error;
  }
}

/** A set that hands out `fn(series)` for each series of `set`; errors and warnings are the set's. */
function mapSeriesSet<A extends Labeled, B extends Labeled>(
  set: GenericSeriesSet<A>,
  fn: (s: A) => B,
): GenericSeriesSet<B> {
  let cur: B | undefined;
  return {
    next: (): boolean => {
      cur = undefined;
      return set.next();
    },
    at: (): B => {
      cur ??= fn(set.at());
      return cur;
    },
    err: (): Error | undefined => set.err(),
    warnings: (): Annotations => set.warnings(),
  };
}
