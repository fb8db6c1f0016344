// Prometheus: tsdb/head_wal.go loadWAL, loadWBL; tsdb/head.go Head.Init (WAL replay part).
// Loaded by db.ts only when the DB has a directory: it needs node:fs.
import { stat } from 'node:fs/promises';
import type { HeadState } from './head-state.js';
import { insertOOO } from './head-commit.js';
import type { MemSeries } from './mem-series.js';
import { seriesRecordPiece, seriesRecordPieces } from './record/series-record-pieces.js';
import { BatchOp, type GroupedSamples, OP_WIDTH } from './wal-decode-batch.js';
import { WALDecodeWorker } from './wal-decode-worker-client.js';
import {
  type ChunkDiskMapper,
  ChunkCorruptionError,
  CorruptionError,
  lastCheckpoint,
  listSegments,
  newRefSamples,
  RecordDecodeError,
  RecordDecoder,
  RecordType,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMmapMarker,
  type RefSamples,
  type RefSeries,
  type RepairResult,
  readAllRecords,
  repair,
  SegmentsReader,
  segmentName,
  TimeSlicer,
} from './wal-api.js';

/** What replaying a WAL (or WBL) directory read and what it had to drop. */
export interface ReplayReport {
  /** Index of the checkpoint loaded first, if any. */
  checkpoint?: number;
  records: number;
  series: number;
  samples: number;
  exemplars: number;
  /** Samples of series never declared by a series record (Prometheus `unknownRefs`). */
  unknownRefs: number;
  /** Samples dropped because their series already had data at or after their time. */
  outOfOrderSamples: number;
  /** Tombstone intervals applied. */
  tombstones: number;
  /** Tombstones of series never declared by a series record (Prometheus `unknownTombstoneRefs`). */
  unknownTombstoneRefs: number;
  /** Records decoded but not loaded: records of unknown types. */
  skippedRecords: number;
  /** Chunks read back from chunks_head/ and attached to their series. */
  mmappedChunks: number;
  /**
   * Largest chunk ref read back from chunks_head/ (0 if none): WBL m-map markers naming a later
   * chunk are ignored, that chunk never reached the disk (Prometheus loadWBL's lastMmapRef).
   */
  lastMmapRef: number;
  /** Damage found in chunks_head/: the files from the damaged one on were deleted. */
  chunksCorruption?: ChunkCorruptionError;
  /**
   * The damage found, what it cost and what repair cut away (no repair in read-only mode);
   * everything before it was loaded.
   */
  corruption?: ReplayCorruption;
}

/** Damage found by a replay (see {@link ReplayReport.corruption}). */
export interface ReplayCorruption {
  error: CorruptionError;
  /** What was not loaded: everything from the damage on. */
  lost: ReplayLoss;
  /** What repair removed from disk; undefined in read-only mode. */
  repair?: RepairResult;
}

/** The part of a WAL (or WBL) at and after damage, which replay could not load. */
export interface ReplayLoss {
  /** Bytes of the damaged segment from the damaged record on. */
  segmentBytes: number;
  /** The segments after the damaged one, all lost (a repair deletes them). */
  laterSegments: number[];
  /** Records and float samples those later segments hold, as far as they could be read. */
  laterRecords: number;
  laterSamples: number;
}

/** Options of {@link replayWAL} and {@link replayWBL}. */
export interface ReplayOptions {
  /** Never write: damage is reported, not repaired. */
  readOnly?: boolean;
  /** false: damage rejects with its {@link CorruptionError}, the logs are left as they are. */
  repair?: boolean;
  /** Full chunks in chunks_head/ to attach (WAL replay only). */
  chunkMapper?: ChunkDiskMapper;
  /** Gives the event loop a turn every few ms. */
  slicer?: TimeSlicer;
  /**
   * WAL replay only: told the segments to replay once before the first (current = min), then
   * after each segment; the replay waits for a returned promise.
   */
  onStatus?: (status: WALReplayStatus) => void | Promise<void>;
  /**
   * Whether a worker thread reads and decodes the records while this thread applies them. Default:
   * when the segments to read hold at least {@link WORKER_MIN_BYTES} (below, starting the worker
   * costs more than it saves).
   */
  decodeInWorker?: boolean;
}

/** Bytes of segments from which a replay decodes in a worker thread by default. */
export const WORKER_MIN_BYTES = 16 << 20;

/**
 * Prometheus: tsdb/head.go WALReplayStatus: the WAL segments a replay reads (those after the
 * checkpoint: min to max) and the last one it finished (`current`).
 */
export interface WALReplayStatus {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

/**
 * Samples buffered before they are applied grouped by series: 7/8 of 2^20, so that the buffer,
 * which grows by doubling, holds the records that cross the threshold (up to 2^17 samples) without
 * doubling once more (a 24 MB copy that held the event loop).
 */
const flushThreshold = (1 << 20) - (1 << 17);
/** Samples handled between two looks at the clock. */
const sliceUnits = 1 << 14;
/** Series records larger than this are decoded in pieces of about this size (~900 series). */
const seriesPieceBytes = 64 * 1024;

function emptyReport(): ReplayReport {
  return {
    records: 0,
    series: 0,
    samples: 0,
    exemplars: 0,
    tombstones: 0,
    unknownTombstoneRefs: 0,
    unknownRefs: 0,
    outOfOrderSamples: 0,
    skippedRecords: 0,
    mmappedChunks: 0,
    lastMmapRef: 0,
  };
}

/** Replays records into a head; shared by the WAL and the WBL passes. */
class Replayer {
  readonly #head: HeadState;
  readonly #dec = new RecordDecoder();
  readonly #samples: RefSamples = newRefSamples(4096);
  // Scratch of flush's counting sort.
  #counts = new Int32Array(0);
  #order = new Int32Array(0);
  /** The head's time range and the samples added, during a stretch of #applyRun calls. */
  #mint = 0;
  #maxt = 0;
  #added = 0;
  readonly #series: RefSeries[] = [];
  /** Index in #series of the next series to create; -1 when none waits. */
  #seriesAt = -1;
  /**
   * A large series record waiting to be decoded piece by piece, with its piece offsets. The view
   * stays valid until work() resolves: the replay loop reads the next record only after.
   */
  #seriesRec: Uint8Array | undefined;
  #seriesPieces: number[] = [];
  /** Histogram samples waiting for the buffered float samples to be applied first. */
  #histograms: (RefHistogramSample | RefFloatHistogramSample)[] = [];
  /** M-map markers waiting for the buffered samples to be applied first. */
  #markers: RefMmapMarker[] | undefined;
  readonly report = emptyReport();
  /** The directory read, named by corruption errors. */
  dir = '';
  /** A record that could not be decoded: replay stops there. */
  corruption: CorruptionError | undefined;
  readonly #ooo: boolean;
  /** WBL markers naming chunks after this one are ignored (see ReplayReport.lastMmapRef). */
  readonly #lastMmapRef: number;
  /** In-order chunks found in chunks_head/, by series ref: flat (ref, mint, maxt, numSamples). */
  readonly #mmapped: Map<number, number[]>;
  /** Out-of-order chunks found in chunks_head/, by series ref: flat (ref, mint, maxt, numSamples). */
  readonly #oooMmapped: Map<number, number[]>;

  constructor(
    head: HeadState,
    ooo: boolean,
    mmapped = new Map<number, number[]>(),
    oooMmapped = new Map<number, number[]>(),
    lastMmapRef = 0,
  ) {
    this.#head = head;
    this.#ooo = ooo;
    this.#lastMmapRef = lastMmapRef;
    this.#mmapped = mmapped;
    this.#oooMmapped = oooMmapped;
  }

  #get(ref: number): MemSeries | undefined {
    return this.#head.series.getByRef(ref) ?? this.#head.walDuplicateRefs.get(ref);
  }

  /**
   * Takes one record (`start`/`end`: its offsets in `segment`). Decoding happens here; work that
   * can take long (creating series, applying samples) is queued for {@link work}, which must run
   * before the next record. A record that does not decode sets {@link corruption}.
   */
  onRecord(rec: Uint8Array, segment: number, start: number, end: number): void {
    const r = this.report;
    r.records++;
    const head = this.#head;
    const type = this.#dec.type(rec);
    try {
      switch (type) {
        case RecordType.Series:
          if (rec.length > seriesPieceBytes) {
            // Checked whole now (a damaged record creates no series), decoded in pieces by work().
            this.#seriesPieces = seriesRecordPieces(rec, seriesPieceBytes);
            this.#seriesRec = rec;
            return;
          }
          this.#series.length = 0;
          this.#dec.series(rec, this.#series);
          this.#seriesAt = 0;
          return;
        case RecordType.Samples: {
          // Buffered and applied grouped by series (see flush): far fewer cache misses.
          const sc = this.#samples;
          const n0 = sc.length;
          this.#dec.samplesInto(rec, sc);
          const ts = sc.ts;
          for (let i = n0; i < sc.length; i++) {
            const t = ts[i]!;
            if (t > Number.MAX_SAFE_INTEGER || t < -Number.MAX_SAFE_INTEGER) {
              sc.length = n0;
              throw new RecordDecodeError(`timestamp ${t} is not a safe integer (beyond ±2^53-1 ms)`);
            }
          }
          return;
        }
        case RecordType.Exemplars: {
          for (const e of this.#dec.exemplars(rec)) {
            const s = this.#get(e.ref);
            if (s === undefined) {
              r.unknownRefs++;
              continue;
            }
            try {
              head.exemplars.add(s.labels, { labels: e.labels, value: e.v, ts: e.t, hasTs: true });
              r.exemplars++;
            } catch (err) {
              if (!(err instanceof Error)) throw err; // Out of order or duplicate: skipped, as on append.
            }
          }
          return;
        }
        case RecordType.Metadata: {
          for (const m of this.#dec.metadata(rec)) {
            const s = this.#get(m.ref);
            if (s !== undefined) s.meta = { type: m.type, unit: m.unit, help: m.help };
          }
          return;
        }
        case RecordType.HistogramSamples:
        case RecordType.CustomBucketsHistogramSamples:
          // Applied by work() once the samples buffered before them are (WAL: in order; WBL: to
          // the out-of-order head).
          this.#dec.histogramSamples(rec, this.#histograms as RefHistogramSample[]);
          return;
        case RecordType.FloatHistogramSamples:
        case RecordType.CustomBucketsFloatHistogramSamples:
          this.#dec.floatHistogramSamples(rec, this.#histograms as RefFloatHistogramSample[]);
          return;
        case RecordType.MmapMarkers:
          // Applied by work() once the samples buffered before them are.
          this.#markers = this.#dec.mmapMarkers(rec);
          return;
        case RecordType.Tombstones: {
          // Prometheus loadWAL: intervals ending before the head's valid range are dropped, the
          // others apply to the series (or to the series a duplicate ref stands for).
          for (const st of this.#dec.tombstones(rec)) {
            const s = this.#get(st.ref);
            if (s === undefined) {
              r.unknownTombstoneRefs++;
              continue;
            }
            for (const iv of st.intervals) {
              if (iv.maxt < head.minValidTime) continue;
              head.tombstones.addInterval(s.ref, iv);
              r.tombstones++;
            }
          }
          return;
        }
        default:
          r.skippedRecords++;
      }
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      r.records--; // Not loaded.
      // Prometheus loadWAL: a record that fails to decode is corruption at that segment and
      // offset (its end, as Prometheus counts), repaired like damaged bytes.
      this.corruption = new CorruptionError(this.dir, segment, start, `decode ${whatOf(type)}: ${err.message}`, {
        readOffset: end,
        kind: 'decode',
        cause: err,
      });
    }
  }

  /**
   * Applies samples decoded elsewhere (by the decoding worker): runs `[runFrom, runTo)` of `b`,
   * from entry `from` on, the samples of `records` samples records grouped by series (each
   * series' in WAL order), as a flush applies its buffer, a run at a time (split at slice ends).
   * Nothing may be buffered (worker replays buffer nothing).
   */
  async applyGrouped(
    b: GroupedSamples,
    from: number,
    runFrom: number,
    runTo: number,
    records: number,
    slicer: TimeSlicer,
  ): Promise<void> {
    this.report.records += records;
    const { runRefs, runEnds, ts, vs } = b;
    let k = from;
    let j = runFrom;
    while (j < runTo) {
      const limit = k + sliceUnits;
      this.#beginApply();
      while (j < runTo) {
        const e = runEnds[j]!;
        if (e > limit) {
          this.#applyRun(runRefs[j]!, ts, vs, k, limit);
          k = limit;
          break;
        }
        this.#applyRun(runRefs[j]!, ts, vs, k, e);
        k = e;
        j++;
      }
      this.#endApply();
      if (slicer.due()) await slicer.yield();
    }
  }

  /** Whether work queued by onRecord waits. */
  hasWork(): boolean {
    return (
      this.#seriesAt >= 0 ||
      this.#seriesRec !== undefined ||
      this.#markers !== undefined ||
      this.#histograms.length > 0 ||
      this.#samples.length >= flushThreshold
    );
  }

  /** Does the queued work, giving the event loop a turn whenever `slicer` says. */
  async work(slicer: TimeSlicer): Promise<void> {
    if (this.#seriesAt >= 0) await this.#createSeries(slicer);
    const rec = this.#seriesRec;
    if (rec !== undefined) {
      const pieces = this.#seriesPieces;
      for (let k = 0; k + 1 < pieces.length; k++) {
        this.#series.length = 0;
        this.#dec.series(seriesRecordPiece(rec, pieces[k]!, pieces[k + 1]!), this.#series);
        this.#seriesAt = 0;
        await this.#createSeries(slicer);
        if (slicer.due()) await slicer.yield();
      }
      this.#seriesRec = undefined;
    }
    if (this.#markers !== undefined) {
      // Prometheus: every OOO sample before a marker is in the m-mapped chunk it names, so the
      // open OOO chunk rebuilt so far is dropped. Buffered samples belong before the marker.
      // Only for chunks read back from chunks_head/: a later one was lost in a crash, its
      // samples are those rebuilt from the WBL (Prometheus: loadWBL with lastMmapRef).
      await this.flush(slicer);
      const head = this.#head;
      const r = this.report;
      for (const m of this.#markers) {
        if (m.mmapRef === 0 || m.mmapRef > this.#lastMmapRef) continue;
        const s = this.#get(m.ref);
        if (s === undefined) r.unknownRefs++;
        else if (s.ooo !== undefined) {
          head.counters.numSamples -= s.ooo.length;
          r.samples -= s.ooo.length;
          s.ooo = undefined;
        }
      }
      this.#markers = undefined;
    }
    if (this.#histograms.length > 0) {
      // After the float samples logged before them: a series may change from one to the other.
      await this.flush(slicer);
      this.#applyHistograms();
    }
    if (this.#samples.length >= flushThreshold) await this.flush(slicer);
  }

  /**
   * Prometheus loadWAL's histogram samples: appended in order, as float samples are; loadWBL's: to
   * the out-of-order head, as float samples are.
   */
  #applyHistograms(): void {
    const head = this.#head;
    const c = head.counters;
    const r = this.report;
    const range = head.chunkRangeMs;
    const store = head.chunkStore;
    const minValid = head.minValidTime;
    for (const x of this.#histograms) {
      const s = this.#get(x.ref);
      if (s === undefined) {
        r.unknownRefs++;
        continue;
      }
      const t = x.t;
      let ok: boolean;
      if (this.#ooo) {
        ok =
          t < s.maxt &&
          ('h' in x ? insertOOO(s, t, 0, store, undefined, x.h) : insertOOO(s, t, 0, store, undefined, x.fh, true));
      } else {
        if (t < minValid) continue;
        if (s.mmapped.length > 0 && t <= s.mmapped[s.mmapped.length - 2]!) continue;
        ok =
          'h' in x
            ? s.appendHistogram(t, x.h, undefined, range, store)
            : s.appendHistogram(t, undefined, x.fh, range, store);
      }
      if (!ok) {
        r.outOfOrderSamples++;
        continue;
      }
      if (t < c.minTime) c.minTime = t;
      if (t > c.maxTime) c.maxTime = t;
      c.numSamples++;
      r.samples++;
    }
    this.#histograms = [];
  }

  async #createSeries(slicer: TimeSlicer): Promise<void> {
    const list = this.#series;
    const head = this.#head;
    const r = this.report;
    for (let i = this.#seriesAt; i < list.length; i++) {
      // Every 128 series: creating one takes tens of µs (hashing, postings, the objects that stay).
      if ((i & 127) === 127 && slicer.due()) {
        this.#seriesAt = i;
        await slicer.yield();
      }
      const { ref, labels } = list[i]!;
      // Every ref the WAL used stays taken, duplicates included: a new series given one of
      // them would get the samples logged under it.
      head.raiseLastSeriesRef(ref);
      const existing = head.series.getByLabels(labels);
      if (existing !== undefined) {
        if (existing.ref !== ref) head.walDuplicateRefs.set(ref, existing);
        continue;
      }
      if (head.series.getByRef(ref) !== undefined) continue;
      const s = head.createWithRef(ref, labels);
      s.walLogged = true;
      r.series++;
      this.#attachMmapped(s, ref);
    }
    this.#seriesAt = -1;
    list.length = 0;
  }

  #attachMmapped(s: MemSeries, ref: number): void {
    const head = this.#head;
    const r = this.report;
    const chunks = this.#mmapped.get(ref);
    if (chunks !== undefined) {
      // WAL samples up to the last of these chunks' maxt are in them already.
      for (let i = 0; i < chunks.length; i += 4) {
        s.addMmapped(chunks[i]!, chunks[i + 1]!, chunks[i + 2]!, chunks[i + 3]!);
        head.counters.numSamples += chunks[i + 3]!;
        if (chunks[i + 1]! < head.counters.minTime) head.counters.minTime = chunks[i + 1]!;
        if (chunks[i + 2]! > head.counters.maxTime) head.counters.maxTime = chunks[i + 2]!;
      }
      r.mmappedChunks += chunks.length / 4;
      this.#mmapped.delete(ref);
    }
    const oooChunks = this.#oooMmapped.get(ref);
    if (oooChunks !== undefined) {
      s.oooCompleted = [];
      for (let i = 0; i < oooChunks.length; i += 4) {
        const [cref, mint, maxt, n] = [oooChunks[i]!, oooChunks[i + 1]!, oooChunks[i + 2]!, oooChunks[i + 3]!];
        s.oooCompleted.push({ chunk: cref, mint, maxt, numSamples: n });
        head.counters.numSamples += n;
        if (mint < head.counters.minTime) head.counters.minTime = mint;
        if (maxt > head.counters.maxTime) head.counters.maxTime = maxt;
      }
      r.mmappedChunks += oooChunks.length / 4;
      this.#oooMmapped.delete(ref);
    }
  }

  /**
   * Applies the buffered samples. Samples of different series are independent, so they are
   * applied series by series (a stable counting sort by ref keeps each series' order), which keeps
   * a series' chunk in cache across its samples. Refs are resolved now, not record by record:
   * the same result for every WAL a head writes (its series record always comes before the
   * samples naming the series), but a samples record naming a ref whose series record comes
   * later in the same flush is applied here, where Prometheus counts it as an unknown ref.
   * Applies them in slices, giving the event loop a turn between them when `slicer` says.
   */
  async flush(slicer: TimeSlicer): Promise<void> {
    const sc = this.#samples;
    const n = sc.length;
    if (n === 0) return;
    const refs = sc.refs;
    let maxRef = 0;
    for (let i = 0; i < n; i++) if (refs[i]! > maxRef) maxRef = refs[i]!;
    let order: Int32Array | undefined;
    if (maxRef <= 4 * n + 1_000_000) {
      // Both arrays are kept across flushes: a replay flushes every 1M samples.
      let counts = this.#counts;
      if (counts.length < maxRef + 2) {
        counts = new Int32Array(maxRef + 2 + (maxRef >> 2));
        this.#counts = counts;
      } else counts.fill(0, 0, maxRef + 2);
      for (let i = 0; i < n; i++) {
        const r = refs[i]! + 1;
        counts[r] = counts[r]! + 1;
      }
      for (let k = 1; k < maxRef + 2; k++) counts[k] = counts[k]! + counts[k - 1]!;
      if (this.#order.length < n) this.#order = new Int32Array(n);
      order = this.#order;
      for (let i = 0; i < n; i++) {
        const r = refs[i]!;
        const at = counts[r]!;
        order[at] = i;
        counts[r] = at + 1;
      }
    }
    for (let from = 0; from < n; from += sliceUnits) {
      this.#applySamples(sc, from, Math.min(n, from + sliceUnits), order);
      if (slicer.due()) await slicer.yield();
    }
    sc.length = 0;
  }

  #applySamples(sc: RefSamples, from: number, to: number, order: Int32Array | undefined): void {
    if (order === undefined && !this.#ooo) {
      this.#applyRuns(sc, from, to);
      return;
    }
    const head = this.#head;
    const c = head.counters;
    const r = this.report;
    const { refs, ts, vs } = sc;
    const range = head.chunkRangeMs;
    const spc = head.samplesPerChunk;
    const store = head.chunkStore;
    const minValid = head.minValidTime;
    let last: MemSeries | undefined;
    let mint = c.minTime;
    let maxt = c.maxTime;
    let added = 0;
    for (let k = from; k < to; k++) {
      const i = order === undefined ? k : order[k]!;
      const ref = refs[i]!;
      const s = last !== undefined && last.ref === ref ? last : this.#get(ref);
      if (s === undefined) {
        r.unknownRefs++;
        continue;
      }
      last = s;
      const t = ts[i]!;
      // Prometheus processWALSamples: samples before the newest block's end are in blocks already.
      if (!this.#ooo && t < minValid) continue;
      // In a chunk on disk already (the last stored chunk's maxt is second to last in mmapped).
      if (!this.#ooo && s.mmapped.length > 0 && t <= s.mmapped[s.mmapped.length - 2]!) continue;
      const ok = this.#ooo ? t < s.maxt && insertOOO(s, t, vs[i]!, store) : s.append(t, vs[i]!, range, spc, store);
      if (!ok) {
        r.outOfOrderSamples++;
        continue;
      }
      added++;
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
    }
    c.minTime = mint;
    c.maxTime = maxt;
    c.numSamples += added;
    r.samples += added;
  }

  /**
   * #applySamples of in-order samples laid out by series (runs of one ref): each run goes to its
   * series' appendRun, the series looked up once; a sample appendRun leaves (a chunk cut, one
   * before the valid range or out of order, an open chunk out of its slot) takes the per-sample
   * path of #applySamples, then the run continues.
   */
  #applyRuns(sc: RefSamples, from: number, to: number): void {
    const { refs, ts, vs } = sc;
    this.#beginApply();
    let k = from;
    while (k < to) {
      const ref = refs[k]!;
      let e = k + 1;
      while (e < to && refs[e] === ref) e++;
      this.#applyRun(ref, ts, vs, k, e);
      k = e;
    }
    this.#endApply();
  }

  /** Starts a stretch of #applyRun calls: the head's time range and the samples added so far. */
  #beginApply(): void {
    const c = this.#head.counters;
    this.#mint = c.minTime;
    this.#maxt = c.maxTime;
    this.#added = 0;
  }

  /** Ends a stretch of #applyRun calls: the head's counters and the report take what they did. */
  #endApply(): void {
    const c = this.#head.counters;
    c.minTime = this.#mint;
    c.maxTime = this.#maxt;
    c.numSamples += this.#added;
    this.report.samples += this.#added;
  }

  /**
   * Applies samples `[k, e)` of `ts`/`vs`, all of series `ref`, in order, as #applySamples does
   * (between #beginApply and #endApply). In order (WAL): through the series' appendRun.
   */
  #applyRun(ref: number, ts: Float64Array, vs: Float64Array, k: number, e: number): void {
    const r = this.report;
    const s = this.#get(ref);
    if (s === undefined) {
      r.unknownRefs += e - k;
      return;
    }
    const head = this.#head;
    const store = head.chunkStore;
    let mint = this.#mint;
    let maxt = this.#maxt;
    let added = 0;
    if (this.#ooo) {
      for (; k < e; k++) {
        const t = ts[k]!;
        if (t < s.maxt && insertOOO(s, t, vs[k]!, store)) {
          added++;
          if (t < mint) mint = t;
          if (t > maxt) maxt = t;
        } else r.outOfOrderSamples++;
      }
    } else {
      const range = head.chunkRangeMs;
      const spc = head.samplesPerChunk;
      const minValid = head.minValidTime;
      while (k < e) {
        // Times are integers: after the last stored chunk's maxt is at or after it + 1.
        const mm = s.mmapped;
        const floor = mm.length === 0 ? minValid : Math.max(minValid, mm[mm.length - 2]! + 1);
        const stop = s.appendRun(ts, vs, k, e, spc, floor);
        if (stop > k) {
          added += stop - k;
          if (ts[k]! < mint) mint = ts[k]!;
          if (ts[stop - 1]! > maxt) maxt = ts[stop - 1]!;
          k = stop;
          if (k === e) break;
        }
        const t = ts[k]!;
        // As #applySamples: before the valid range, or in a chunk on disk already: skipped.
        if (t >= minValid && (mm.length === 0 || t > mm[mm.length - 2]!)) {
          if (s.append(t, vs[k]!, range, spc, store)) {
            added++;
            if (t < mint) mint = t;
            if (t > maxt) maxt = t;
          } else r.outOfOrderSamples++;
        }
        k++;
      }
    }
    this.#mint = mint;
    this.#maxt = maxt;
    this.#added += added;
  }
}

/**
 * Rebuilds `head` from the WAL in `walDir`: the last checkpoint, then the segments after it.
 * Segments are read in bounded pieces and the event loop gets a turn every few ms. On damage in a
 * segment (bytes that do not read, or a record that does not decode), everything before it is
 * kept and, unless `opts.repair` is false (then the damage rejects), the WAL is repaired: cut at
 * the damage, later segments deleted; read-only, it is only reported. The report says what was
 * lost. Damage in a checkpoint rejects (the head cannot know what it lost), as in Prometheus.
 */
export async function replayWAL(head: HeadState, walDir: string, opts: ReplayOptions = {}): Promise<ReplayReport> {
  const slicer = opts.slicer ?? new TimeSlicer();
  const mmapped = new Map<number, number[]>();
  const oooMmapped = new Map<number, number[]>();
  let chunksCorruption: ChunkCorruptionError | undefined;
  const last = { mmapRef: 0, seriesRef: 0 };
  if (opts.chunkMapper !== undefined) {
    chunksCorruption = await loadMmappedChunks(opts.chunkMapper, mmapped, oooMmapped, last, head.minValidTime, slicer);
  }
  // Refs of chunks on disk stay taken even if the WAL lost their series (a checkpoint dropped it):
  // a new series given one would get those chunks on the next replay.
  head.raiseLastSeriesRef(last.seriesRef);
  const rp = new Replayer(head, false, mmapped, oooMmapped);
  rp.report.lastMmapRef = last.mmapRef;
  if (chunksCorruption !== undefined) rp.report.chunksCorruption = chunksCorruption;
  const cp = await lastCheckpoint(walDir);
  let from = 0;
  if (cp !== undefined) {
    const err = await replayDir(rp, cp.dir, {}, slicer, undefined, opts.decodeInWorker);
    if (err !== undefined) throw err;
    rp.report.checkpoint = cp.index;
    from = cp.index + 1;
  }
  const status = opts.onStatus === undefined ? undefined : await statusReporter(walDir, from, opts.onStatus);
  const err = await replayDir(rp, walDir, { from }, slicer, status, opts.decodeInWorker);
  if (err !== undefined) rp.report.corruption = await onCorruption(walDir, err, opts, slicer);
  return rp.report;
}

/**
 * Prometheus Head.Init's startWALReplayStatus and updateWALReplayStatusRead: reports the range
 * of segments from `from` on, then `done(segment)` reports progress up to a finished segment.
 */
async function statusReporter(
  walDir: string,
  from: number,
  onStatus: (status: WALReplayStatus) => void | Promise<void>,
): Promise<(done: number) => Promise<void>> {
  const segs = (await listSegments(walDir)).map((s) => s.index).filter((i) => i >= from);
  const min = segs[0] ?? from;
  const max = segs.at(-1) ?? from;
  let current = min;
  await onStatus({ min, max, current });
  return async (done) => {
    if (done <= current || done < min) return;
    current = Math.min(done, max);
    await onStatus({ min, max, current });
  };
}

/**
 * Replays the out-of-order samples of the WBL in `wblDir` into the head's OOO chunks; damage is
 * handled as by {@link replayWAL}. `lastMmapRef` is the WAL replay's `ReplayReport.lastMmapRef`:
 * markers of later chunks are ignored.
 */
export async function replayWBL(
  head: HeadState,
  wblDir: string,
  opts: ReplayOptions = {},
  lastMmapRef = 0,
): Promise<ReplayReport> {
  const slicer = opts.slicer ?? new TimeSlicer();
  const rp = new Replayer(head, true, undefined, undefined, lastMmapRef);
  rp.report.lastMmapRef = lastMmapRef;
  const err = await replayDir(rp, wblDir, {}, slicer, undefined, opts.decodeInWorker);
  if (err !== undefined) rp.report.corruption = await onCorruption(wblDir, err, opts, slicer);
  return rp.report;
}

/**
 * Replays the segments of `dir` in `range` into `rp`; returns the damage that stopped it. Large
 * logs are read and decoded by a worker thread (see ReplayOptions.decodeInWorker).
 */
async function replayDir(
  rp: Replayer,
  dir: string,
  range: { from?: number; to?: number },
  slicer: TimeSlicer,
  segmentDone?: (segment: number) => Promise<void>,
  decodeInWorker?: boolean,
): Promise<CorruptionError | undefined> {
  rp.dir = dir;
  if (decodeInWorker ?? (await segmentBytes(dir, range)) >= WORKER_MIN_BYTES) {
    return replayDirInWorker(rp, dir, range, slicer, segmentDone);
  }
  return replayDirInThread(rp, dir, range, slicer, segmentDone);
}

/** Total size of the segments of `dir` in `range`. */
async function segmentBytes(dir: string, range: { from?: number; to?: number }): Promise<number> {
  const from = range.from ?? 0;
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  let n = 0;
  for (const s of await listSegments(dir)) {
    if (s.index >= from && s.index <= to) n += (await stat(s.path)).size;
  }
  return n;
}

/** replayDir with the records read and decoded by a {@link WALDecodeWorker}. */
async function replayDirInWorker(
  rp: Replayer,
  dir: string,
  range: { from?: number; to?: number },
  slicer: TimeSlicer,
  segmentDone?: (segment: number) => Promise<void>,
): Promise<CorruptionError | undefined> {
  // Listed here first: a gap in the numbering rejects with its SegmentGapError, as in-thread.
  await listSegments(dir);
  const w = WALDecodeWorker.start({ dir, range, cutAtSegments: segmentDone !== undefined });
  try {
    let n = 0;
    let segment = -1;
    for (let b = await w.next(); b !== undefined; b = await w.next()) {
      const { ops, raw, samples } = b;
      for (let o = 0; o < b.numOps * OP_WIDTH; o += OP_WIDTH) {
        const seg = ops[o + 1]!;
        if (segmentDone !== undefined && seg !== segment) {
          if (segment >= 0) {
            await rp.flush(slicer);
            await segmentDone(seg - 1);
          }
          segment = seg;
        }
        if (ops[o] === BatchOp.Samples) {
          await rp.applyGrouped(samples, ops[o + 4]!, ops[o + 7]!, ops[o + 8]!, ops[o + 6]!, slicer);
          continue;
        }
        rp.onRecord(raw.subarray(ops[o + 4]!, ops[o + 5]!), seg, ops[o + 2]!, ops[o + 3]!);
        if (rp.corruption !== undefined) {
          await rp.flush(slicer);
          return rp.corruption;
        }
        if (rp.hasWork()) {
          await rp.work(slicer);
          // Work ends without a look at the clock (a series record creates a few hundred series).
          if (slicer.due()) await slicer.yield();
        } else if ((++n & 63) === 0 && slicer.due()) await slicer.yield();
      }
      w.release(b);
      if (slicer.due()) await slicer.yield();
    }
  } finally {
    await w.close();
  }
  await rp.flush(slicer);
  const err = w.corruption();
  if (err === undefined) await segmentDone?.(Number.MAX_SAFE_INTEGER);
  return err;
}

/** replayDir reading and decoding in this thread. */
async function replayDirInThread(
  rp: Replayer,
  dir: string,
  range: { from?: number; to?: number },
  slicer: TimeSlicer,
  segmentDone?: (segment: number) => Promise<void>,
): Promise<CorruptionError | undefined> {
  const r = await SegmentsReader.open(dir, range);
  try {
    let n = 0;
    let segment = -1;
    do {
      while (r.next()) {
        if (segmentDone !== undefined && r.segment() !== segment) {
          // A record of a later segment: the ones before are done once what they buffered is applied.
          if (segment >= 0) {
            await rp.flush(slicer);
            await segmentDone(r.segment() - 1);
          }
          segment = r.segment();
        }
        rp.onRecord(r.record(), r.segment(), r.recordOffset(), r.offset());
        if (rp.corruption !== undefined) {
          await rp.flush(slicer);
          return rp.corruption;
        }
        if (rp.hasWork()) {
          await rp.work(slicer);
          // Work ends without a look at the clock (a series record creates a few hundred series).
          if (slicer.due()) await slicer.yield();
        }
        // The clock is read once per 64 records: small records are cheap.
        else if ((++n & 63) === 0 && slicer.due()) await slicer.yield();
      }
      if (slicer.due()) await slicer.yield();
    } while (await r.fill());
  } finally {
    await r.close();
  }
  await rp.flush(slicer);
  const err = r.err();
  if (err === undefined) await segmentDone?.(Number.MAX_SAFE_INTEGER);
  return err;
}

/** Measures what damage cost, then repairs, reports (read-only) or rejects (`repair: false`). */
async function onCorruption(
  dir: string,
  error: CorruptionError,
  opts: ReplayOptions,
  slicer: TimeSlicer,
): Promise<ReplayCorruption> {
  if (opts.repair === false) throw error;
  const lost = await measureLoss(dir, error, slicer);
  if (opts.readOnly === true) return { error, lost };
  return { error, lost, repair: await repair(dir, error) };
}

/** What replay could not load from the damage in `dir` on (read before a repair deletes it). */
async function measureLoss(dir: string, error: CorruptionError, slicer: TimeSlicer): Promise<ReplayLoss> {
  const size = (await stat(segmentName(dir, error.segment))).size;
  const laterSegments = (await listSegments(dir)).filter((s) => s.index > error.segment).map((s) => s.index);
  let laterRecords = 0;
  let laterSamples = 0;
  if (laterSegments.length > 0) {
    const dec = new RecordDecoder();
    const scratch = newRefSamples(4096);
    const res = await readAllRecords(
      dir,
      (rec) => {
        if (dec.type(rec) !== RecordType.Samples) return;
        scratch.length = 0;
        try {
          laterSamples += dec.samplesInto(rec, scratch);
        } catch (err) {
          if (!(err instanceof RecordDecodeError)) throw err; // Counted as a record holding none.
        }
      },
      { from: laterSegments[0] },
      slicer,
    );
    laterRecords = res.records;
  }
  return { segmentBytes: Math.max(0, size - error.offset), laterSegments, laterRecords, laterSamples };
}

/** Prometheus's name of a record type in its "decode …" errors. */
function whatOf(type: RecordType): string {
  switch (type) {
    case RecordType.Series:
      return 'series';
    case RecordType.Samples:
      return 'samples';
    case RecordType.Exemplars:
      return 'exemplars';
    case RecordType.Metadata:
      return 'metadata';
    case RecordType.MmapMarkers:
      return 'mmap markers';
    case RecordType.Tombstones:
      return 'tombstones';
    case RecordType.HistogramSamples:
    case RecordType.CustomBucketsHistogramSamples:
      return 'histogram samples';
    case RecordType.FloatHistogramSamples:
    case RecordType.CustomBucketsFloatHistogramSamples:
      return 'float histogram samples';
    default:
      return 'record';
  }
}

/**
 * Prometheus: Head.loadMmappedChunks. Collects the in-order and out-of-order chunks of
 * chunks_head/ by series ref, oldest first. On damage, the damaged file and later ones are deleted (their chunks are rebuilt
 * from the WAL) and the error is returned.
 */
async function loadMmappedChunks(
  cdm: ChunkDiskMapper,
  out: Map<number, number[]>,
  oooOut: Map<number, number[]>,
  last: { mmapRef: number; seriesRef: number },
  minValidTime: number,
  slicer: TimeSlicer,
): Promise<ChunkCorruptionError | undefined> {
  const collect = async (): Promise<void> => {
    out.clear();
    oooOut.clear();
    last.mmapRef = 0;
    last.seriesRef = 0;
    await cdm.iterateAllChunksAsync(
      (m) => {
        if (m.chunkRef > last.mmapRef) last.mmapRef = m.chunkRef;
        if (m.seriesRef > last.seriesRef) last.seriesRef = m.seriesRef;
        const into = m.isOOO ? oooOut : out;
        let l = into.get(m.seriesRef);
        if (l === undefined) {
          l = [];
          into.set(m.seriesRef, l);
        }
        // Prometheus loadMmappedChunks: in-order chunks ending before the newest block's end are in
        // blocks already.
        if (!m.isOOO && m.maxt < minValidTime) return;
        // An in-order chunk overlapping the previous one of the series is stale (written before a
        // crash); out-of-order chunks overlap by nature.
        if (!m.isOOO && l.length > 0 && m.mint <= l[l.length - 2]!) return;
        l.push(m.chunkRef, m.mint, m.maxt, m.numSamples);
      },
      { slicer },
    );
  };
  try {
    await collect();
    return undefined;
  } catch (err) {
    if (!(err instanceof ChunkCorruptionError)) throw err;
    await cdm.deleteCorrupted(err);
    await collect();
    return err;
  }
}
