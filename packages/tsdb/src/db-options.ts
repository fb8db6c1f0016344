// Prometheus: tsdb/db.go Options: what DB.open takes, and what opening reports.
import type { ReloadReport } from './block/block-set.js';
import type { ReplayReport, WALReplayStatus } from './head-replay.js';

/** Options of `DB.open`. Times in ms. */
export interface DBOptions {
  /** Head chunk range (the block size). Default 2h. */
  chunkRangeMs?: number;
  /** Target samples per chunk. Default 120. */
  samplesPerChunk?: number;
  /** Out-of-order window: samples this far behind the newest are still accepted. Default 0. */
  outOfOrderTimeWindowMs?: number;
  /** Capacity of the exemplar ring (0 disables exemplars). Default 100000. */
  maxExemplars?: number;
  /** WAL (and WBL) segment size in bytes, a multiple of 32 KiB. Default 128 MiB. */
  walSegmentSizeBytes?: number;
  /**
   * Compression of WAL (and WBL and checkpoint) records: 'snappy' (default, as Prometheus's
   * `--storage.tsdb.wal-compression` since 2.20) or 'none'. Either is read back whatever this says.
   */
  walCompression?: 'none' | 'snappy';
  /**
   * With snappy, compress the WAL records of large commits in a worker thread (WL's
   * `compressInWorker`): the committing thread only frames, checksums and writes them. The bytes
   * written are the same. Default true.
   */
  walCompressInWorker?: boolean;
  /**
   * Open without writing anything (as promtool's read-only DB): the logs are replayed without
   * repairing damage (what precedes it is loaded, the damage is reported), no new WAL segment is
   * started, and appenders are refused.
   */
  readOnly?: boolean;
  /**
   * What to do with damage found in the WAL or WBL on open (bytes that do not read, or a record
   * that does not decode). true (default), as Prometheus: keep everything before it, cut the log
   * there and delete the later segments (read-only: only load what precedes it), warn, and say
   * what was lost in `openReport`. false: leave the logs untouched and reject with the
   * `CorruptionError` (exported), which names the segment and offset.
   */
  walRepair?: boolean;
  /**
   * Receives what the DB logs: replay results ('info') and damage found in the logs, with what it
   * cost ('warn'). Default: warnings go to `console.warn`, the rest nowhere.
   */
  logger?: (msg: string, level: 'info' | 'warn') => void;
  /**
   * Follows the WAL replay of `DB.open` (Prometheus's `status/walreplay`): called with the
   * segments to replay before the first (current = min), then after each segment is loaded; the
   * replay waits for a returned promise.
   */
  onWALReplayStatus?: (status: WALReplayStatus) => void | Promise<void>;
  /**
   * Encoding of new in-order float chunks. 'xor' (default): XOR chunks, readable by every
   * Prometheus from 2.42 on; start timestamps (AppenderV2's `st`) are dropped. 'xor2': XOR2
   * chunks, which also keep each sample's start timestamp (0 = unknown). XOR2 is unreadable by
   * Prometheus before the version that introduced it, and its encoding byte (4) is unverified
   * against Prometheus. The WAL does not carry start timestamps: samples replayed from it get 0.
   * Chunks of any supported encoding are read back whatever this option says.
   */
  floatChunkEncoding?: 'xor' | 'xor2';
  /**
   * Time retention (`--storage.tsdb.retention.time`): blocks ending more than this before the
   * newest block's end are deleted. 0 disables it. Default 15 days, as Prometheus (with a dir).
   */
  retentionMs?: number;
  /**
   * Size retention (`--storage.tsdb.retention.size`): the oldest blocks are deleted while blocks
   * and the head's files (WAL, WBL, chunks_head/) exceed this many bytes. 0 (default) disables it.
   */
  retentionBytes?: number;
  /**
   * Largest block compaction makes (`--storage.tsdb.max-block-duration`). Default a tenth of the
   * time retention, at most 31 days. Block ranges grow from `chunkRangeMs` (the smallest) by 3×.
   */
  maxBlockDurationMs?: number;
  /**
   * Compact in the background (default true): the head into blocks once it spans 1.5 block
   * ranges, blocks into bigger ones, retention; in time slices on the event loop. false leaves it
   * to `compact()`.
   */
  autoCompaction?: boolean;
  /** How often a background pass runs whatever the appends (ms). Default 60000, as Prometheus. */
  compactionIntervalMs?: number;
  /** Do not take the directory's lock file (`--storage.tsdb.no-lockfile`). Default false. */
  noLockfile?: boolean;
  /** Bound of each block file's page cache in bytes. Default 4 MiB. */
  blockCacheBytes?: number;
  /**
   * Test hooks, not for production use: they hold the DB's own work at a point a test must reach
   * deterministically. `onCompactionTmpCreated`: each leveled compaction of blocks (in its worker
   * thread) stops once the first series of its new block is in the block's tmp dir, until what
   * this returns settles; it goes on then, unless the DB was closed meanwhile.
   */
  testHooks?: { onCompactionTmpCreated?: () => void | Promise<void> };
}

/** What opening a DB with a directory read back from its logs and blocks. */
export interface OpenReport {
  wal: ReplayReport;
  wbl?: ReplayReport;
  /** The blocks loaded, deleted (retention, compacted) and found damaged (not served). */
  blocks?: ReloadReport;
}

/** Prometheus's default retention (15 days). */
export const defaultRetentionMs = 15 * 86_400_000;
