// The persistent-block side of @tsprom/tsdb (Node only): reading, writing and compacting blocks in
// Prometheus's format, for tools (tspromtool's tsdb commands, backfill) and benchmarks. A DB opens
// and manages the blocks of its directory itself. Named re-exports only.
export { Block, type BlockOptions, CHUNKS_DIRNAME, INDEX_FILENAME } from './block/block.js';
export {
  type BlockDesc,
  type BlockMeta,
  type BlockMetaCompaction,
  type BlockStats,
  encodeBlockMeta,
  META_FILENAME,
  readBlockMeta,
  writeBlockMeta,
} from './block/block-meta.js';
export { BlockWriteError, TMP_FOR_CREATION_SUFFIX, type WriteBlockOptions, writeBlock } from './block/block-writer.js';
export { BlockClosedError, CorruptBlockError, DirLockedError } from './block/errors.js';
export { blockDirs, type OpenBlocksResult, openBlocks } from './block/open-blocks.js';
export {
  type BlockSourceForWrite,
  type CompactOptions,
  compactBlockMetas,
  type DirMeta,
  exponentialBlockRanges,
  LeveledCompactor,
  type LeveledCompactorOptions,
} from './block/leveled-compactor.js';
export { readTombstonesFile, TOMBSTONES_FILENAME, writeTombstonesFile } from './block/tombstones-file.js';
export { CompactionWorkerError } from './block/worker-compaction.js';
export { isULID, newULID, ulidTime } from './block/ulid.js';
export { IndexReader, type IndexReaderOptions, type IndexSeries } from './index/index-reader.js';
export { type IndexChunkMeta, IndexWriter, IndexWriterError } from './index/index-writer.js';
