// Prometheus: tsdb/head.go Head, HeadOptions, getOrCreate, Truncate, gc
import type { Labels, Matcher } from '@tsprom/labels';
import { InvalidLabelsError } from '@tsprom/storage-interfaces';
import { CircularExemplarStorage } from './exemplar-storage.js';
import { HeadAppender, HeadAppenderV2 } from './head-append.js';
import type { HeadLog } from './head-log.js';
import { HeadChunkQuerier, HeadQuerier, headIndex } from './head-read.js';
import { truncateSync } from './head-truncate.js';
import { Isolation } from './isolation.js';
import { MemPostings } from './mem-postings.js';
import {
  defaultSamplesPerChunk,
  type HeadChunkStore,
  MemSeries,
  SeriesColumns,
  seriesMaxTime,
  seriesMinTime,
} from './mem-series.js';
import { postingsForMatchers } from './postings-for-matchers.js';
import type { Stone } from './record/ref-types.js';
import { StripeSeries } from './stripe-series.js';
import { MemTombstones } from './tombstones.js';

/** Default chunk range: 2h, the head's block size (Prometheus `DefaultBlockDuration`). */
export const defaultChunkRangeMs = 2 * 3600_000;

/** Options of a Head. All times in ms. */
export interface HeadOptions {
  /** Width of a chunk range; chunks never cross a multiple of it. Default 2h. */
  chunkRangeMs?: number;
  /** Target samples per chunk. Default 120. */
  samplesPerChunk?: number;
  /** How far behind the head's max time a sample may be and still be accepted out of order. Default 0. */
  outOfOrderTimeWindowMs?: number;
  /** Capacity of the exemplar ring (0 disables exemplars). Default 100000. */
  maxExemplars?: number;
  /** Number of stripes of the series map (a power of two). */
  stripeSize?: number;
  /** Where completed chunks go (chunks_head/); without one they stay in memory. */
  chunkStore?: HeadChunkStore;
  /** Where commits are logged (WAL/WBL); without one the head is memory-only. */
  log?: HeadLog;
  /**
   * Encoding of new in-order float chunks. 'xor' (default): XOR chunks, readable by every
   * Prometheus from 2.42 on; start timestamps (AppenderV2's `st`) are dropped. 'xor2': XOR2
   * chunks, which also keep each sample's start timestamp (0 = unknown). XOR2 is unreadable by
   * Prometheus before the version that introduced it, and its encoding byte (4) is unverified
   * against Prometheus. The WAL does not carry start timestamps: samples replayed from it get 0.
   * Chunks of any supported encoding are read back whatever this option says.
   */
  floatChunkEncoding?: 'xor' | 'xor2';
}

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
  readonly chunkRangeMs: number;
  readonly samplesPerChunk: number;
  readonly oooWindowMs: number;
  /** Encoding of new in-order float chunks (see `HeadOptions.floatChunkEncoding`). */
  readonly floatChunkEncoding: 'xor' | 'xor2';
  /** Series by ref and by labels. */
  readonly series: StripeSeries;
  /** Inverted index of the series' labels. */
  readonly postings = new MemPostings();
  readonly isolation = new Isolation();
  readonly exemplars: CircularExemplarStorage;
  /** Deleted time ranges by series ref: queries hide the samples in them. */
  readonly tombstones = new MemTombstones();
  /** Numeric state of the series, in one typed array. */
  readonly columns = new SeriesColumns();
  chunkStore: HeadChunkStore | undefined;
  log: HeadLog | undefined;
  #lastSeriesRef = 0;
  #nextAppenderId = 0;
  /**
   * Prometheus: multiRef of loadWAL, kept. WAL refs of duplicate series records (the same labels
   * logged again under another ref) mapped to the series holding those labels; the WAL still has
   * samples under them, so checkpoints keep them while the series lives.
   */
  readonly walDuplicateRefs = new Map<number, MemSeries>();
  /**
   * Prometheus: Head.walExpiries. Refs gone from the head (garbage collected, or duplicates of a
   * collected series) mapped to the last WAL segment that may hold samples under them: checkpoints
   * keep their series records until the WAL is truncated past that segment.
   */
  readonly walExpiries = new Map<number, number>();
  /** Samples older than this are out of bounds (raised by truncation). */
  minValidTime = -Infinity;
  /** @internal Counters behind `stats()`; appenders and replay update them. */
  readonly counters = {
    minTime: Infinity,
    maxTime: -Infinity,
    numSamples: 0,
    samplesAppended: 0,
    oooAppended: 0,
    droppedAtCommit: 0,
    outOfOrderRejected: 0,
    tooOldRejected: 0,
    outOfBoundRejected: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
  };

  constructor(opts: HeadOptions = {}) {
    this.chunkRangeMs = opts.chunkRangeMs ?? defaultChunkRangeMs;
    this.samplesPerChunk = opts.samplesPerChunk ?? defaultSamplesPerChunk;
    this.oooWindowMs = opts.outOfOrderTimeWindowMs ?? 0;
    this.series = new StripeSeries(opts.stripeSize);
    this.exemplars = new CircularExemplarStorage(opts.maxExemplars ?? 100_000);
    this.chunkStore = opts.chunkStore;
    this.log = opts.log;
    this.floatChunkEncoding = opts.floatChunkEncoding ?? 'xor';
    this.columns.xor2 = this.floatChunkEncoding === 'xor2';
  }

  /** Smallest sample time held (ms), Infinity when empty. */
  get minTime(): number {
    return this.counters.minTime;
  }

  /** Largest sample time held (ms), -Infinity when empty. */
  get maxTime(): number {
    return this.counters.maxTime;
  }

  /** The series with exactly `labels`, creating (and indexing) it if needed. */
  getOrCreate(labels: Labels): { series: MemSeries; created: boolean } {
    const found = this.series.getByLabels(labels);
    if (found !== undefined) return { series: found, created: false };
    if (labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
    return { series: this.createWithRef(++this.#lastSeriesRef, labels), created: true };
  }

  /** Creates a series with a given ref (WAL replay); refs handed out later are above it. */
  createWithRef(ref: number, labels: Labels): MemSeries {
    const s = new MemSeries(ref, labels, this.columns);
    this.series.set(s);
    this.postings.add(ref, labels);
    if (ref > this.#lastSeriesRef) this.#lastSeriesRef = ref;
    this.counters.seriesCreated++;
    return s;
  }

  /** The highest series ref handed out so far. */
  get lastSeriesRef(): number {
    return this.#lastSeriesRef;
  }

  /**
   * Makes sure refs handed out later are above `ref` (Prometheus: loadWAL raises lastSeriesID for
   * every series record, duplicates included, and for every series found in chunks_head/).
   */
  raiseLastSeriesRef(ref: number): void {
    if (ref > this.#lastSeriesRef) this.#lastSeriesRef = ref;
  }

  /** Minimum time an in-order append may have now (Prometheus `appendableMinValidTime`). */
  appendableMinValidTime(): number {
    const cwEnd = this.counters.maxTime - this.chunkRangeMs / 2;
    return cwEnd > this.minValidTime ? cwEnd : this.minValidTime;
  }

  /** A classic and V2 appender in one; its samples become visible together at commit. */
  appender(): HeadAppender {
    return new HeadAppender(this, ++this.#nextAppenderId);
  }

  /** An AppenderV2 (single-call form) with the same semantics as `appender()`. */
  appenderV2(): HeadAppenderV2 {
    return new HeadAppenderV2(this.appender());
  }

  /** A querier over [mint, maxt] (ms, inclusive) that sees the commits made before this call. */
  querier(mint: number, maxt: number): HeadQuerier {
    return new HeadQuerier(this, mint, maxt);
  }

  /** A chunk querier over [mint, maxt] (ms, inclusive), with the same isolation as `querier`. */
  chunkQuerier(mint: number, maxt: number): HeadChunkQuerier {
    return new HeadChunkQuerier(this, mint, maxt);
  }

  /**
   * Prometheus: Head.Delete. Deletes the samples in [mint, maxt] (ms, inclusive) of the series
   * matching all `matchers`: each series gets a tombstone over that range clamped to the times it
   * holds. The tombstones are logged to the WAL (when the head has one) before they apply, so a
   * reopen hides the same samples. Returns the tombstones added.
   */
  async delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<Stone[]> {
    // Do not delete anything beyond the times held.
    const lo = Math.max(mint, this.minTime);
    const hi = Math.min(maxt, this.maxTime);
    if (lo > hi) return [];
    const refs = postingsForMatchers(headIndex(this), [...matchers]);
    const stones: Stone[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.series.getByRef(refs[i]!);
      if (s === undefined || s.isEmpty()) continue;
      // Delete only up to the series' own samples and not beyond.
      const t0 = Math.max(lo, seriesMinTime(s));
      const t1 = Math.min(hi, seriesMaxTime(s));
      if (t0 > t1) continue;
      stones.push({ ref: s.ref, intervals: [{ mint: t0, maxt: t1 }] });
    }
    if (stones.length === 0) return stones;
    await this.log?.logTombstones?.(stones);
    for (const st of stones) this.tombstones.addInterval(st.ref, ...st.intervals);
    return stones;
  }

  /**
   * Drops the data before `mint` (ms): chunks that end before it, then the series left empty
   * (garbage collection, removing them from the index). Samples before `mint` are out of bounds
   * from then on. Returns the refs of the series removed.
   */
  truncate(mint: number): Set<number> {
    return truncateSync(this, mint);
  }

  /** What the head holds now. */
  stats(): HeadStats {
    let numChunks = 0;
    for (const s of this.series.values()) numChunks += s.numChunks();
    const c = this.counters;
    return {
      numSeries: this.series.size,
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
      numLabelPairs: this.postings.numLabelPairs(),
      numExemplarSeries: this.exemplars.numSeries,
    };
  }

  /**
   * Flushes and closes the logs, if any, once the commits under way are done. The head must not
   * be used after.
   */
  async close(): Promise<void> {
    const release = await this.isolation.lockCommits();
    try {
      await this.log?.close();
    } finally {
      release();
    }
  }
}
