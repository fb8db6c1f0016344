// What a block's series sets and iterators read: series from the index, chunks from the segments,
// tombstones. A facet-free seam, so the iterators need not import the sets.
import type { Chunk } from '@tsprom/storage-interfaces';
import type { IndexSeries } from '../index/index-reader.js';
import type { TimeInterval } from '../record/ref-types.js';

/** What the series sets read from a block: series by ID and chunks by ref. */
export interface BlockSource {
  series(id: number): IndexSeries;
  chunk(ref: number): Chunk;
  /** Chunk `ref` for iterating and dropping: its bytes may be a view of a cached page. */
  transientChunk(ref: number): Chunk;
  /** The deleted intervals of series `id` (sorted, merged), or undefined. */
  tombstones(id: number): readonly TimeInterval[] | undefined;
}
