// Prometheus: tsdb/head.go Head (its fields), getOrCreate
// The state of a head that its facets work on: the appender and commit (head-append.ts,
// head-commit.ts), the queriers (head-read.ts) and the WAL replay (head-replay.ts). A leaf: it
// imports none of them, so they depend on it and never on the Head class that wires them.
import type { Labels } from '@tsprom/labels';
import { InvalidLabelsError } from '@tsprom/storage-interfaces';
import { CircularExemplarStorage } from './exemplar-storage.js';
import type { HeadLog } from './head-log.js';
import { Isolation } from './isolation.js';
import { MemPostings } from './mem-postings.js';
import {
  type CommitSlots,
  defaultSamplesPerChunk,
  type HeadChunkStore,
  MemSeries,
  SeriesColumns,
} from './mem-series.js';
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

/** Per-sample buffers of an appender: series, timestamps (ms) and values of sample i at index i. */
export interface AppendBuffers {
  series: MemSeries[];
  refs: Float64Array<ArrayBuffer>;
  ts: Float64Array<ArrayBuffer>;
  vs: Float64Array<ArrayBuffer>;
  /** The series' column offset, open chunk's slot id and slab when it had one (see applyCommit). */
  slots: CommitSlots;
}

/**
 * Everything a head holds: its series (by ref and by labels, their numeric columns), the inverted
 * index, isolation, exemplars, tombstones, where chunks and commits go, and the counters behind its
 * stats. Not exported from the package: the Head is its only owner, and its facets share it.
 */
export class HeadState {
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
  /** Where completed chunks go (chunks_head/); set once, at construction. */
  readonly chunkStore: HeadChunkStore | undefined;
  /** Where commits are logged; set at construction or by `Head.attachLog` after replay. */
  log: HeadLog | undefined;
  #lastSeriesRef = 0;
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
  /**
   * In-order samples older than this are out of bounds for an appender's first sample: head
   * compaction raises it to the end of the range it compacts before it waits for the appenders
   * holding samples (an appender created earlier but empty until then cannot add to the range).
   */
  appendMinValidTime = -Infinity;
  /**
   * The buffers of the last appender that finished (committed or rolled back), for the next one to
   * take: a head taking 100k samples a scrape would otherwise grow three arrays to that size, by
   * doubling, for every commit. Owned by whoever takes them; see `HeadAppender`.
   */
  spareAppendBuffers: AppendBuffers | undefined;
  /**
   * Commits whose log write failed (their series records were unmarked as logged again): an
   * appender that saw a series marked as logged before such a failure checks all its series.
   */
  logFailures = 0;
  /** Counters behind `Head.stats()`; appenders and replay update them. */
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
}
