// @tsprom/tsdb: Prometheus's time series database (Head, WAL, head chunks) in TypeScript.
// The user's API only: the DB, its options and reports, and the errors it reports. The WAL reader
// side (for a remote-write watcher) is `@tsprom/tsdb/wal`; the typed errors of the DB's states
// (closed, read-only...) are storage-interfaces'.
export type { BlockMeta, BlockMetaCompaction, BlockStats } from './block/block-meta.js';
export type { ReloadReport } from './block/block-set.js';
export { CorruptBlockError, DirLockedError } from './block/errors.js';
export { ChunkCorruptionError } from './chunks/errors.js';
export { DB, type DBOptions, type OpenReport } from './db.js';
export { FileSystemUnavailableError } from './disk.js';
export type { ExemplarQueryResult } from './exemplar-storage.js';
export type { HeadStats } from './head.js';
export { InvalidHistogramError } from './histogram-validate.js';
export type { ReplayCorruption, ReplayLoss, ReplayReport, WALReplayStatus } from './head-replay.js';
export { RecordDecodeError } from './record/errors.js';
export type { Stone, TimeInterval } from './record/ref-types.js';
export { CorruptionError, SegmentGapError } from './wlog/errors.js';
export type { RepairResult } from './wlog/repair.js';
