// @tsprom/tsdb: Prometheus's time series database (Head, WAL, head chunks) in TypeScript.
export { DB, type DBOptions, type OpenReport } from './db.js';
export { CorruptionError } from './wlog/errors.js';
export { CircularExemplarStorage, type ExemplarQueryResult } from './exemplar-storage.js';
export { defaultChunkRangeMs, Head, type HeadOptions, type HeadStats } from './head.js';
export { HeadAppender, HeadAppenderV2 } from './head-append.js';
export { oooCapMax } from './head-commit.js';
export type { CommitBatch, HeadLog } from './head-log.js';
export { HeadChunkQuerier, HeadQuerier } from './head-read.js';
export type { ReplayCorruption, ReplayLoss, ReplayReport } from './head-replay.js';
export { HeadSeriesIterator, type SeriesSnapshot } from './head-iterator.js';
export { Isolation, type IsolationState } from './isolation.js';
export { allPostingsKey, MemPostings } from './mem-postings.js';
export {
  computeChunkEndTime,
  defaultSamplesPerChunk,
  type HeadChunkStore,
  type MemChunk,
  MemSeries,
  maxBytesPerXORChunk,
  rangeForTimestamp,
} from './mem-series.js';
export { OOOChunk } from './ooo-chunk.js';
export { emptyPostings, intersectPostings, mergePostings, type Postings, withoutPostings } from './postings.js';
export { type PostingsIndex, postingsForMatchers } from './postings-for-matchers.js';
export { defaultStripeSize, StripeSeries } from './stripe-series.js';
export type { Stone, TimeInterval } from './record/ref-types.js';
export { addInterval, intervalContains, isSubrange, MemTombstones, overlapsAny } from './tombstones.js';
