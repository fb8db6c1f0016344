// Prometheus: tsdb/agent/db.go DB, Options, Open, run, truncate, gc, Appender, Querier, Close:
// the agent's storage, a WAL without a head or blocks, for scraping and remote write only.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Appender, StorageClosedError } from '@tsprom/storage-interfaces';
import { type DirLock, lockDir } from '../block/lock-file.js';
import { CheckpointError, checkpoint, deleteCheckpoints } from '../wlog/checkpoint.js';
import { CorruptionError } from '../wlog/errors.js';
import { repair } from '../wlog/repair.js';
import { segmentRange } from '../wlog/segments.js';
import { WL, type WLStats } from '../wlog/wl.js';
import { AgentAppender, type AgentCounters } from './agent-appender.js';
import { replayAgentWAL } from './agent-replay.js';
import { AgentSeriesMap } from './agent-series.js';

/** Prometheus: tsdb/agent.Options, with its defaults. Times in ms. */
export interface AgentOptions {
  /** WAL segment size in bytes, a multiple of 32 KiB. Default 128 MiB. */
  walSegmentSizeBytes?: number;
  /** `--storage.agent.wal-compression`: snappy (default true) or none. */
  walCompression?: boolean;
  /** `--storage.agent.wal-truncate-frequency`: how often the WAL is truncated. Default 2 h. */
  truncateFrequencyMs?: number;
  /** `--storage.agent.retention.min-time`: samples younger than this are kept. Default 5 m. */
  minWALTimeMs?: number;
  /** `--storage.agent.retention.max-time`: samples older than this are dropped. Default 4 h. */
  maxWALTimeMs?: number;
  /** `--storage.agent.no-lockfile`. Default false. */
  noLockfile?: boolean;
  /** What remote write has sent, which decides how far the WAL may be truncated. */
  remoteWrite?: AgentRemoteWriteProgress;
  /** Receives what the DB logs. Default: warnings to `console.warn`. */
  logger?: (msg: string, level: 'info' | 'warn') => void;
  /** The wall clock (ms), for tests. Default Date.now. */
  now?: () => number;
}

/** What the agent asks of remote write before truncating its WAL. */
export interface AgentRemoteWriteProgress {
  /**
   * Prometheus: remote.Storage.LowestSentTimestamp. The lowest of the queues' newest sent sample
   * times (ms); 0 when there are no queues.
   */
  lowestSentTimestamp(): number;
  /**
   * The lowest WAL segment some queue has not sent entirely (Infinity when none is pending):
   * segments from there on are kept unless they hold only samples older than the maximum WAL
   * time. Prometheus has no such bound (its queues do not resume after a restart); the queues
   * here do, from a saved WAL position, so the segments they still need are not checkpointed.
   */
  lowestUnsentSegment?(): number;
}

/** A query asked of the agent's storage, which holds no samples to read. */
export class AgentUnsupportedError extends Error {
  override readonly name = 'AgentUnsupportedError';
  constructor() {
    super('unsupported operation with WAL-only storage');
  }
}

/** Counters and gauges of the agent (Prometheus's `prometheus_agent_*` metrics). */
export interface AgentStats extends AgentCounters {
  /** Series GCed whose series records the WAL keeps until a checkpoint passes them. */
  deletedSeries: number;
  truncateDurationCount: number;
  truncateDurationSecondsSum: number;
  corruptions: number;
  replayDurationSeconds: number;
  checkpointCreations: number;
  checkpointCreationsFailed: number;
  checkpointDeletions: number;
  checkpointDeletionsFailed: number;
  /** The WAL's own counters (`prometheus_tsdb_wal_*`). */
  wal: WLStats;
}

const defaults = {
  truncateFrequencyMs: 2 * 3600_000,
  minWALTimeMs: 5 * 60_000,
  maxWALTimeMs: 4 * 3600_000,
};

/**
 * Prometheus: agent.DB. Appenders write series, samples, histograms, exemplars and metadata to a
 * WAL in `<dir>/wal` (Prometheus's format, read by the remote-write watcher as the tsdb's); in
 * memory only each series' ref, labels and newest sample time are kept. Every
 * `truncateFrequencyMs` the series with no sample since the truncation time are dropped and the
 * lower two thirds of the segments are checkpointed (keeping live series and samples from the
 * truncation time on) and deleted. The truncation time is the lowest time remote write has sent
 * minus `minWALTimeMs`, but never more than `maxWALTimeMs` ago.
 */
export class AgentDB {
  /** The data directory (`--storage.agent.path`). */
  readonly dir: string;
  /** The WAL directory, `<dir>/wal`, which remote write follows. */
  readonly walDir: string;
  readonly #wal: WL;
  readonly #lock: DirLock | undefined;
  readonly #series: AgentSeriesMap;
  readonly #opts: Required<Pick<AgentOptions, 'truncateFrequencyMs' | 'minWALTimeMs' | 'maxWALTimeMs'>>;
  readonly #remote: AgentRemoteWriteProgress | undefined;
  readonly #log: (msg: string, level: 'info' | 'warn') => void;
  readonly #now: () => number;
  /** The newest sample time (ms) of each segment on disk with samples. */
  readonly #segmentMaxT: Map<number, number>;
  /** Series refs deleted by GC → the last segment that may reference them. */
  readonly #deleted = new Map<number, number>();
  readonly #stats: Omit<AgentStats, keyof AgentCounters | 'wal' | 'deletedSeries'>;
  readonly #counters: AgentCounters;
  #lastRef: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #truncating: Promise<void> | undefined;
  #closed = false;

  private constructor(
    dir: string,
    wal: WL,
    lock: DirLock | undefined,
    series: AgentSeriesMap,
    lastRef: number,
    segmentMaxT: Map<number, number>,
    opts: AgentOptions,
  ) {
    this.#segmentMaxT = segmentMaxT;
    this.dir = dir;
    this.walDir = wal.dir;
    this.#wal = wal;
    this.#lock = lock;
    this.#series = series;
    this.#lastRef = lastRef;
    this.#remote = opts.remoteWrite;
    this.#log = opts.logger ?? ((msg, level) => level === 'warn' && console.warn(msg));
    this.#now = opts.now ?? Date.now;
    const minWAL = opts.minWALTimeMs ?? defaults.minWALTimeMs;
    this.#opts = {
      truncateFrequencyMs: opts.truncateFrequencyMs ?? defaults.truncateFrequencyMs,
      minWALTimeMs: minWAL,
      // Prometheus validateOptions: the max time is at least the min time.
      maxWALTimeMs: Math.max(minWAL, opts.maxWALTimeMs ?? defaults.maxWALTimeMs),
    };
    this.#counters = {
      activeSeries: series.size,
      samplesAppended: 0,
      histogramsAppended: 0,
      exemplarsAppended: 0,
      outOfOrderSamples: 0,
    };
    this.#stats = {
      truncateDurationCount: 0,
      truncateDurationSecondsSum: 0,
      corruptions: 0,
      replayDurationSeconds: 0,
      checkpointCreations: 0,
      checkpointCreationsFailed: 0,
      checkpointDeletions: 0,
      checkpointDeletionsFailed: 0,
    };
  }

  /**
   * Prometheus: agent.Open. Takes the directory's lock, replays `<dir>/wal` (checkpoint and
   * segments; damage in a segment is cut off with everything after it, as WL.Repair, and counted
   * in `corruptions`), opens the WAL for appending and starts the truncation timer.
   */
  static async open(dir: string, opts: AgentOptions = {}): Promise<AgentDB> {
    await mkdir(dir, { recursive: true });
    const lock = opts.noLockfile === true ? undefined : await lockDir(dir);
    const log = opts.logger ?? ((msg: string, level: 'info' | 'warn') => level === 'warn' && console.warn(msg));
    try {
      const walDir = join(dir, 'wal');
      await mkdir(walDir, { recursive: true });
      const t0 = performance.now();
      const series = new AgentSeriesMap();
      const replay = await replayAgentWAL(walDir, series);
      let corruptions = 0;
      if (replay.corruption !== undefined) {
        corruptions++;
        log(`encountered WAL read error, attempting repair: ${replay.corruption.message}`, 'warn');
        await repair(walDir, replay.corruption);
        log('successfully repaired WAL', 'info');
      }
      const wal = await WL.open(walDir, {
        segmentSize: opts.walSegmentSizeBytes,
        compression: opts.walCompression === false ? 'none' : 'snappy',
      });
      const db = new AgentDB(dir, wal, lock, series, replay.lastRef, replay.segmentMaxT, opts);
      db.#stats.corruptions = corruptions;
      db.#stats.replayDurationSeconds = (performance.now() - t0) / 1000;
      log(`WAL replay completed: ${series.size} series, ${replay.records} records`, 'info');
      db.#schedule();
      return db;
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  /** A classic appender writing to the WAL at commit (see AgentAppender). */
  appender(): Appender {
    if (this.#closed) throw new StorageClosedError();
    return new AgentAppender({
      series: this.#series,
      nextRef: () => ++this.#lastRef,
      log: (records, maxT) => {
        this.#wal.logSync(records);
        const seg = this.#wal.activeSegment;
        if (maxT > (this.#segmentMaxT.get(seg) ?? Number.NEGATIVE_INFINITY)) this.#segmentMaxT.set(seg, maxT);
      },
      counters: this.#counters,
    });
  }

  /** Prometheus: agent.DB.Querier. The agent holds no samples to query. */
  querier(_mint: number, _maxt: number): never {
    throw new AgentUnsupportedError();
  }

  /** Prometheus: agent.DB.StartTime: no sample is held, so none starts before "never". */
  startTime(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  /** Index of the WAL segment being written. */
  get activeSegment(): number {
    return this.#wal.activeSegment;
  }

  /** Number of series in memory. */
  get numSeries(): number {
    return this.#series.size;
  }

  /** A snapshot of the counters. */
  stats(): AgentStats {
    return {
      ...this.#stats,
      ...this.#counters,
      deletedSeries: this.#deleted.size,
      wal: this.#wal.stats(),
    };
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#truncating = this.#truncateNow()
        .catch((err: unknown) => this.#log(`failed to truncate WAL: ${(err as Error).message}`, 'warn'))
        .finally(() => {
          this.#truncating = undefined;
          this.#schedule();
        });
    }, this.#opts.truncateFrequencyMs);
    this.#timer.unref?.();
  }

  // Prometheus: DB.run's loop body: the truncation time from remote write's progress.
  async #truncateNow(): Promise<void> {
    const sent = this.#remote?.lowestSentTimestamp() ?? 0;
    let ts = Math.max(0, sent - this.#opts.minWALTimeMs);
    // Remote write stuck (a receiver down): data older than the max WAL time goes anyway.
    const maxTS = this.#now() - this.#opts.maxWALTimeMs;
    if (ts < maxTS) ts = maxTS;
    let keepFrom = this.#remote?.lowestUnsentSegment?.() ?? Number.POSITIVE_INFINITY;
    // Segments holding only samples older than the max WAL time go even if a queue needs them.
    const expired = this.#expiredSegmentsEnd(maxTS);
    if (expired > keepFrom) keepFrom = expired;
    await this.truncate(ts, keepFrom);
  }

  /** The first segment from which on some segment holds a sample at or after `maxTS`. */
  #expiredSegmentsEnd(maxTS: number): number {
    const segs = [...this.#segmentMaxT.keys()].sort((a, b) => a - b);
    let end = segs[0] ?? 0;
    for (const seg of segs) {
      if (this.#segmentMaxT.get(seg)! >= maxTS || seg >= this.#wal.activeSegment) break;
      end = seg + 1;
    }
    return end;
  }

  /**
   * Prometheus: DB.truncate. Drops the series with no sample since `mint` (ms), starts a new
   * segment, and checkpoints the lower two thirds of the segments before it (none at or after
   * `keepFromSegment`, the first one remote write still needs): live series, series dropped
   * after those segments, and samples from `mint` on are kept; the segments are deleted, and
   * older checkpoints too.
   */
  async truncate(mint: number, keepFromSegment = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.#closed) throw new StorageClosedError();
    const start = performance.now();
    this.#gc(mint);
    const { first } = await segmentRange(this.walDir);
    let { last } = await segmentRange(this.walDir);
    // A new segment, so that a quiet agent does not keep more WAL than needed.
    await this.#wal.nextSegment();
    last--; // Never the segment being written.
    if (last < 0) return;
    // The lower two thirds of the segments should hold mostly samples no longer needed.
    last = first + Math.floor(((last - first) * 2) / 3);
    if (keepFromSegment - 1 < last) last = keepFromSegment - 1;
    if (last <= first) return;
    const keep = (ref: number): boolean => {
      if (this.#series.getByRef(ref) !== undefined) return true;
      const seg = this.#deleted.get(ref);
      return seg !== undefined && seg > last;
    };
    this.#stats.checkpointCreations++;
    try {
      await checkpoint(this.walDir, first, last, keep, mint, {
        compression: this.#wal.compression,
        segmentSize: this.#wal.segmentSize,
      });
    } catch (err) {
      this.#stats.checkpointCreationsFailed++;
      if (err instanceof CheckpointError && err.cause instanceof CorruptionError) this.#stats.corruptions++;
      throw new Error(`create checkpoint: ${(err as Error).message}`, { cause: err });
    }
    try {
      await this.#wal.truncate(last + 1);
    } catch (err) {
      // Tried again at the next truncation; a checkpoint supersedes the leftovers meanwhile.
      this.#log(`truncating segments failed: ${(err as Error).message}`, 'warn');
    }
    for (const seg of this.#segmentMaxT.keys()) if (seg <= last) this.#segmentMaxT.delete(seg);
    // The checkpoint holds what is needed of the dropped series now.
    for (const [ref, seg] of this.#deleted) if (seg <= last) this.#deleted.delete(ref);
    this.#stats.checkpointDeletions++;
    try {
      await deleteCheckpoints(this.walDir, last);
    } catch (err) {
      this.#stats.checkpointDeletionsFailed++;
      this.#log(`delete old checkpoints: ${(err as Error).message}`, 'warn');
    }
    const sec = (performance.now() - start) / 1000;
    this.#stats.truncateDurationCount++;
    this.#stats.truncateDurationSecondsSum += sec;
    this.#log(`WAL checkpoint complete: first=${first} last=${last} duration=${sec.toFixed(3)}s`, 'info');
  }

  // Prometheus: DB.gc. The dropped series' records stay until a checkpoint passes the newest
  // segment now on disk, so that no sample in the WAL refers to a series it lost.
  #gc(mint: number): void {
    const deleted = this.#series.gc(mint);
    this.#counters.activeSeries -= deleted.length;
    const last = this.#wal.activeSegment;
    for (const ref of deleted) this.#deleted.set(ref, last);
  }

  /** Stops the truncation timer, waits for a truncation in progress, closes the WAL, unlocks. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#truncating;
    try {
      await this.#wal.close();
    } finally {
      await this.#lock?.release();
    }
  }
}
