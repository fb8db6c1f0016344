// @tsprom/tsdb/wal: reading a WAL directory as Prometheus's remote write does (tsdb/wlog Watcher,
// LiveReader, Reader; tsdb/record Decoder): segments, checkpoints and record decoding. Node only.
// Writing, checkpointing and repairing stay inside the DB.
export { RecordDecodeError } from './record/errors.js';
export { RecordDecoder } from './record/record-decoder.js';
export { RecordType, recordTypeName } from './record/record-type.js';
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
export { type CheckpointRef, checkpointDir, lastCheckpoint } from './wlog/checkpoint.js';
export { CorruptionError, SegmentGapError } from './wlog/errors.js';
export { LiveReader } from './wlog/live-reader.js';
export { type ReadAllResult, readAllRecords } from './wlog/read-all.js';
export { listSegments, type SegmentFile, segmentName, segmentRange } from './wlog/segments.js';
export { Watcher, type WatcherOptions, type WatcherWriter } from './wlog/watcher.js';
export { type SegmentSource, WLReader } from './wlog/wl-reader.js';
export { DEFAULT_SEGMENT_SIZE, PAGE_SIZE, type WalCompression } from './wlog/wlog-constants.js';
export { ZstdError } from './wlog/zstd-error.js';
export { SnappyDecodeError, snappyBlockDecode, snappyHeader } from './wlog/snappy-decoder.js';
export { SnappyEncoder, snappyMaxEncodedLength } from './wlog/snappy-encoder.js';
