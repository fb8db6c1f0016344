// The WAL side of @tsprom/tsdb as the Head uses it: record codecs, the write-ahead log (wlog),
// checkpoints, repair and the head chunks on disk. Named re-exports only.
export {
  BLOCK_CHUNKS_MAGIC,
  type BlockChunkMeta,
  BlockChunkReader,
  type BlockChunkRef,
  BlockChunkWriter,
  blockChunkRef,
  DEFAULT_CHUNK_SEGMENT_SIZE,
} from './chunks/block-chunks.js';
export {
  ChunkDiskMapper,
  type ChunkDiskMapperOptions,
  type ChunkSource,
  HEAD_CHUNK_FILE_HEADER_SIZE,
  HEAD_CHUNK_MAGIC,
  type HeadChunkData,
  type HeadChunkMeta,
  MAX_HEAD_CHUNK_FILE_SIZE,
  OOO_ENCODING_MASK,
} from './chunks/chunk-disk-mapper.js';
export { type ChunkDiskMapperRef, chunkDiskMapperRef, chunkRefFile, chunkRefOffset } from './chunks/chunk-refs.js';
export { ChunkCorruptionError, ChunkDiskMapperClosedError, ChunkRefError } from './chunks/errors.js';
export { DecBuf } from './record/dec-buf.js';
export { EncBuf } from './record/enc-buf.js';
export { RecordDecodeError } from './record/errors.js';
export { decodeFloatHistogram, decodeHistogram, RecordDecoder } from './record/record-decoder.js';
export { encodeFloatHistogram, encodeHistogram, RecordEncoder } from './record/record-encoder.js';
export { metricTypeFromByte, metricTypeToByte, RecordType, recordTypeName } from './record/record-type.js';
export {
  growRefSamples,
  newRefSamples,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type RefMmapMarker,
  type RefSample,
  type RefSamples,
  type RefSeries,
  type Stone,
  type TimeInterval,
} from './record/ref-types.js';
export {
  type CheckpointOptions,
  type CheckpointRef,
  CheckpointError,
  type CheckpointStats,
  checkpoint,
  checkpointDir,
  deleteCheckpoints,
  lastCheckpoint,
} from './wlog/checkpoint.js';
export {
  CorruptionError,
  type CorruptionErrorOptions,
  SegmentGapError,
  WalClosedError,
} from './wlog/errors.js';
export { LiveReader } from './wlog/live-reader.js';
export { type ReadAllResult, readAllRecords } from './wlog/read-all.js';
export { type RepairResult, repair } from './wlog/repair.js';
export { listSegments, type SegmentFile, segmentName, segmentRange } from './wlog/segments.js';
export { SEGMENTS_READER_PIECE_BYTES, SegmentsReader } from './wlog/segments-reader.js';
export { DEFAULT_SLICE_MS, TimeSlicer } from './time-slicer.js';
export { Watcher, type WatcherOptions, type WatcherWriter } from './wlog/watcher.js';
export { WL, type WLOptions, type WLStats } from './wlog/wl.js';
export { type SegmentSource, WLReader } from './wlog/wl-reader.js';
export { zstdDecode } from './wlog/zstd-decoder.js';
export { ZstdError } from './wlog/zstd-error.js';
export {
  DEFAULT_SEGMENT_SIZE,
  FragmentType,
  PAGE_SIZE,
  RECORD_HEADER_SIZE,
  type WalCompression,
} from './wlog/wlog-constants.js';
