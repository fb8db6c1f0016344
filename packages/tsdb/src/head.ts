// Prometheus: tsdb/head.go Head, Truncate, gc, Delete, Stats
import type { Matcher } from '@tsprom/labels';
import type { Appender, AppenderV2, ChunkQuerier, Querier } from '@tsprom/storage-interfaces';
import { HeadAppender, HeadAppenderV2 } from './head-append.js';
import type { HeadLog } from './head-log.js';
import { HeadChunkQuerier, HeadQuerier, headIndex } from './head-read.js';
import { HeadState, type HeadOptions } from './head-state.js';
import { truncateSync } from './head-truncate.js';
import { seriesMaxTime, seriesMinTime } from './mem-series.js';
import { postingsForMatchers } from './postings-for-matchers.js';
import type { Stone } from './record/ref-types.js';

/** Counts of what the head holds and what it rejected. */
export interface HeadStats {
  numSeries: number;
  numChunks: number;
  /** Samples held (in-order and out-of-order). */
  numSamples: number;
  /** Smallest and largest sample time held, ms (Infinity / -Infinity when empty). */
  minTime: number;
  maxTime: number;
  samplesAppended: number;
  outOfOrderSamplesAppended: number;
  /**
   * Samples accepted by an appender and dropped at its commit: out of order (no window), too old or
   * out of bounds by then (an earlier sample of the batch or another commit got ahead), or a
   * duplicate timestamp with another value. Exact duplicates are no-ops and not counted.
   */
  samplesDroppedAtCommit: number;
  /** Prometheus `prometheus_tsdb_out_of_order_samples_total`: rejected at append or dropped at commit. */
  outOfOrderSamples: number;
  /** Prometheus `prometheus_tsdb_too_old_samples_total`: rejected at append or dropped at commit. */
  tooOldSamples: number;
  /** Prometheus `prometheus_tsdb_out_of_bound_samples_total`: rejected at append or dropped at commit. */
  outOfBoundSamples: number;
  seriesCreated: number;
  seriesRemoved: number;
  numLabelPairs: number;
  numExemplarSeries: number;
}

/**
 * The in-memory part of the TSDB: every recent series with its chunks, an inverted index, and
 * isolation between appenders and readers. Without a dir it needs nothing from Node, so it runs in
 * a browser. Not safe for use from several threads (there is one).
 */
export class Head {
  /**
   * @internal The state the head's facets (appenders, queriers, replay) work on, reached here by
   * the DB that owns the head (to replay its logs into it and to truncate its WAL) and by tests.
   * Not part of the API.
   */
  readonly state: HeadState;

  constructor(opts: HeadOptions = {}) {
    this.state = new HeadState(opts);
  }

  /** Width of a chunk range (ms); chunks never cross a multiple of it. */
  get chunkRangeMs(): number {
    return this.state.chunkRangeMs;
  }

  /** Smallest sample time held (ms), Infinity when empty. */
  get minTime(): number {
    return this.state.minTime;
  }

  /** Largest sample time held (ms), -Infinity when empty. */
  get maxTime(): number {
    return this.state.maxTime;
  }

  /** The highest series ref handed out so far. */
  get lastSeriesRef(): number {
    return this.state.lastSeriesRef;
  }

  /**
   * Logs every commit from now on to `log` (the WAL and WBL), as Prometheus's head does once its
   * WAL is replayed. A head has one log: attaching a second one throws.
   */
  attachLog(log: HeadLog): void {
    if (this.state.log !== undefined) throw new Error('tsdb: the head already has a log');
    this.state.log = log;
  }

  /** A classic and V2 appender in one; its samples become visible together at commit. */
  appender(): Appender {
    return new HeadAppender(this.state);
  }

  /** An AppenderV2 (single-call form) with the same semantics as `appender()`. */
  appenderV2(): AppenderV2 {
    return new HeadAppenderV2(new HeadAppender(this.state));
  }

  /** A querier over [mint, maxt] (ms, inclusive) that sees the commits made before this call. */
  querier(mint: number, maxt: number): Querier {
    return new HeadQuerier(this.state, mint, maxt);
  }

  /**
   * A chunk querier over [mint, maxt] (ms, inclusive), with the same isolation as `querier`. With
   * `inOrderOnly`, it leaves out the out-of-order samples (Prometheus's RangeHead, which head
   * compaction reads: the out-of-order head is compacted on its own, see ooo-compaction-head.ts).
   */
  chunkQuerier(mint: number, maxt: number, opts?: { inOrderOnly?: boolean }): ChunkQuerier {
    return new HeadChunkQuerier(this.state, mint, maxt, opts?.inOrderOnly === true);
  }

  /**
   * Where head compaction starts (ms): the smallest in-order sample time. Out-of-order samples
   * (which `minTime` counts) may be older; they are compacted by the out-of-order compaction. In
   * order, nothing is held below the minimum valid time once the head was truncated.
   */
  get compactionMinTime(): number {
    const s = this.state;
    return s.minValidTime > s.minTime ? s.minValidTime : s.minTime;
  }

  /**
   * Prometheus: Head.WaitForAppendersOverlapping. Resolves once no appender holding samples may
   * still commit an in-order sample before `maxt` (ms): those whose minimum valid time is below it
   * (a commit being applied is one of them until it is applied whole); appenders holding no sample
   * yet may no longer add in-order samples before `maxt`. Waits without blocking the event loop;
   * rejects with the signal's reason on abort.
   */
  waitForAppendersOverlapping(maxt: number, signal?: AbortSignal): Promise<void> {
    // Appenders holding no sample yet take this as their minimum valid time at their first one.
    if (maxt > this.state.appendMinValidTime) this.state.appendMinValidTime = maxt;
    const iso = this.state.isolation;
    return iso.waitUntil(() => iso.lowestAppendTime() >= maxt, signal);
  }

  /**
   * Prometheus: Head.WaitForPendingReadersInTimeRange. Resolves once the queriers open now that
   * read some time in [mint, maxt] (ms) are closed (those opened later are not waited for: they
   * were opened with the blocks written before this call).
   */
  waitForPendingReadersInTimeRange(mint: number, maxt: number, signal?: AbortSignal): Promise<void> {
    const iso = this.state.isolation;
    const pending = iso.readersInRange(mint, maxt);
    return iso.waitUntil(() => pending.every((r) => !iso.isOpen(r)), signal);
  }

  /**
   * Prometheus: Head.Delete. Deletes the samples in [mint, maxt] (ms, inclusive) of the series
   * matching all `matchers`: each series gets a tombstone over that range clamped to the times it
   * holds. The tombstones are logged to the WAL (when the head has one) before they apply, so a
   * reopen hides the same samples. Returns the tombstones added.
   */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<Stone[]> {
    // Do not delete anything beyond the times held.
    const lo = Math.max(mint, this.state.minTime);
    const hi = Math.min(maxt, this.state.maxTime);
    if (lo > hi) return [];
    const refs = postingsForMatchers(headIndex(this.state), [...matchers]);
    const stones: Stone[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.state.series.getByRef(refs[i]!);
      if (s === undefined || s.isEmpty()) continue;
      // Delete only up to the series' own samples and not beyond.
      const t0 = Math.max(lo, seriesMinTime(s));
      const t1 = Math.min(hi, seriesMaxTime(s));
      if (t0 > t1) continue;
      stones.push({ ref: s.ref, intervals: [{ mint: t0, maxt: t1 }] });
    }
    if (stones.length === 0) return stones;
    await this.state.log?.logTombstones?.(stones);
    for (const st of stones) this.state.tombstones.addInterval(st.ref, ...st.intervals);
    return stones;
  }

  /**
   * Drops the data before `mint` (ms): chunks that end before it, then the series left empty
   * (garbage collection, removing them from the index). Samples before `mint` are out of bounds
   * from then on. Returns the refs of the series removed.
   */
  truncate(mint: number): Set<number> {
    return truncateSync(this.state, mint);
  }

  /** What the head holds now. */
  stats(): HeadStats {
    let numChunks = 0;
    for (const s of this.state.series.values()) numChunks += s.numChunks();
    const c = this.state.counters;
    return {
      numSeries: this.state.series.size,
      numChunks,
      numSamples: c.numSamples,
      minTime: c.minTime,
      maxTime: c.maxTime,
      samplesAppended: c.samplesAppended,
      outOfOrderSamplesAppended: c.oooAppended,
      samplesDroppedAtCommit: c.droppedAtCommit,
      outOfOrderSamples: c.outOfOrderRejected,
      tooOldSamples: c.tooOldRejected,
      outOfBoundSamples: c.outOfBoundRejected,
      seriesCreated: c.seriesCreated,
      seriesRemoved: c.seriesRemoved,
      numLabelPairs: this.state.postings.numLabelPairs(),
      numExemplarSeries: this.state.exemplars.numSeries,
    };
  }

  /**
   * Flushes and closes the logs, if any, once the commits under way are done. The head must not
   * be used after.
   */
  async close(): Promise<void> {
    const release = await this.state.isolation.lockCommits();
    try {
      await this.state.log?.close();
    } finally {
      release();
    }
  }
}
