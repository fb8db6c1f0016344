// Prometheus: tsdb/head_wal.go loadWAL, loadWBL; tsdb/head.go Head.Init (WAL replay part).
// Loaded by db.ts only when the DB has a directory: it needs node:fs.
import type { HeadState } from './head-state.js';
import { insertOOO } from './head-commit.js';
import type { MemSeries } from './mem-series.js';
import {
  type ChunkDiskMapper,
  ChunkCorruptionError,
  type CorruptionError,
  lastCheckpoint,
  newRefSamples,
  RecordDecoder,
  RecordType,
  type RefSamples,
  type RefSeries,
  type RepairResult,
  readAllRecords,
  repair,
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
  /** Records of types the head does not load yet (histograms). */
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
   * The damage found and what repair cut away (no repair in read-only mode); everything before
   * it was loaded.
   */
  corruption?: { error: CorruptionError; repair?: RepairResult };
}

/** Samples buffered before they are applied grouped by series. */
const flushThreshold = 1 << 20;

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
  readonly #series: RefSeries[] = [];
  readonly report = emptyReport();
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

  onRecord = (rec: Uint8Array): void => {
    const r = this.report;
    r.records++;
    const head = this.#head;
    switch (this.#dec.type(rec)) {
      case RecordType.Series: {
        this.#series.length = 0;
        for (const { ref, labels } of this.#dec.series(rec, this.#series)) {
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
        return;
      }
      case RecordType.Samples: {
        // Buffered and applied grouped by series (see flush): far fewer cache misses.
        this.#dec.samplesInto(rec, this.#samples);
        if (this.#samples.length >= flushThreshold) this.flush();
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
      case RecordType.MmapMarkers: {
        // Prometheus: every OOO sample before a marker is in the m-mapped chunk it names, so the
        // open OOO chunk rebuilt so far is dropped. Buffered samples belong before the marker.
        // Only for chunks read back from chunks_head/: a later one was lost in a crash, its
        // samples are those rebuilt from the WBL (Prometheus: loadWBL with lastMmapRef).
        this.flush();
        for (const m of this.#dec.mmapMarkers(rec)) {
          if (m.mmapRef === 0 || m.mmapRef > this.#lastMmapRef) continue;
          const s = this.#get(m.ref);
          if (s === undefined) r.unknownRefs++;
          else if (s.ooo !== undefined) {
            head.counters.numSamples -= s.ooo.length;
            r.samples -= s.ooo.length;
            s.ooo = undefined;
          }
        }
        return;
      }
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
  };

  /**
   * Applies the buffered samples. Samples of different series are independent, so they are
   * applied series by series (a stable counting sort by ref keeps each series' order), which keeps
   * a series' chunk in cache across its samples. Series records only ever add series, so
   * resolving refs now gives what resolving them record by record would.
   */
  flush(): void {
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
    this.#applySamples(sc, n, order);
    sc.length = 0;
  }

  #applySamples(sc: RefSamples, n: number, order: Int32Array | undefined): void {
    const head = this.#head;
    const c = head.counters;
    const r = this.report;
    const { refs, ts, vs } = sc;
    const range = head.chunkRangeMs;
    const spc = head.samplesPerChunk;
    const store = head.chunkStore;
    let last: MemSeries | undefined;
    let mint = c.minTime;
    let maxt = c.maxTime;
    let added = 0;
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k]!;
      const ref = refs[i]!;
      const s = last !== undefined && last.ref === ref ? last : this.#get(ref);
      if (s === undefined) {
        r.unknownRefs++;
        continue;
      }
      last = s;
      const t = ts[i]!;
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
}

/**
 * Rebuilds `head` from the WAL in `walDir`: the last checkpoint, then the segments after it. On
 * damage in a segment, the WAL is repaired (cut at the damage, later segments deleted) and the
 * report says what was lost; damage in a checkpoint rejects (the head cannot know what it lost).
 */
export async function replayWAL(
  head: HeadState,
  walDir: string,
  readOnly = false,
  chunkMapper?: ChunkDiskMapper,
): Promise<ReplayReport> {
  const mmapped = new Map<number, number[]>();
  const oooMmapped = new Map<number, number[]>();
  let chunksCorruption: ChunkCorruptionError | undefined;
  const last = { mmapRef: 0, seriesRef: 0 };
  if (chunkMapper !== undefined) chunksCorruption = await loadMmappedChunks(chunkMapper, mmapped, oooMmapped, last);
  // Refs of chunks on disk stay taken even if the WAL lost their series (a checkpoint dropped it):
  // a new series given one would get those chunks on the next replay.
  head.raiseLastSeriesRef(last.seriesRef);
  const rp = new Replayer(head, false, mmapped, oooMmapped);
  rp.report.lastMmapRef = last.mmapRef;
  if (chunksCorruption !== undefined) rp.report.chunksCorruption = chunksCorruption;
  const cp = await lastCheckpoint(walDir);
  let from = 0;
  if (cp !== undefined) {
    const res = await readAllRecords(cp.dir, rp.onRecord);
    rp.flush();
    if (res.corruption !== undefined) throw res.corruption;
    rp.report.checkpoint = cp.index;
    from = cp.index + 1;
  }
  const res = await readAllRecords(walDir, rp.onRecord, { from });
  rp.flush();
  if (res.corruption !== undefined) {
    const error = res.corruption;
    rp.report.corruption = readOnly ? { error } : { error, repair: await repair(walDir, error) };
  }
  return rp.report;
}

/**
 * Replays the out-of-order samples of the WBL in `wblDir` into the head's OOO chunks.
 * `lastMmapRef` is the WAL replay's `ReplayReport.lastMmapRef`: markers of later chunks are ignored.
 */
export async function replayWBL(
  head: HeadState,
  wblDir: string,
  readOnly = false,
  lastMmapRef = 0,
): Promise<ReplayReport> {
  const rp = new Replayer(head, true, undefined, undefined, lastMmapRef);
  rp.report.lastMmapRef = lastMmapRef;
  const res = await readAllRecords(wblDir, rp.onRecord);
  rp.flush();
  if (res.corruption !== undefined) {
    const error = res.corruption;
    rp.report.corruption = readOnly ? { error } : { error, repair: await repair(wblDir, error) };
  }
  return rp.report;
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
): Promise<ChunkCorruptionError | undefined> {
  const collect = (): void => {
    out.clear();
    oooOut.clear();
    last.mmapRef = 0;
    last.seriesRef = 0;
    cdm.iterateAllChunks((m) => {
      if (m.chunkRef > last.mmapRef) last.mmapRef = m.chunkRef;
      if (m.seriesRef > last.seriesRef) last.seriesRef = m.seriesRef;
      const into = m.isOOO ? oooOut : out;
      let l = into.get(m.seriesRef);
      if (l === undefined) {
        l = [];
        into.set(m.seriesRef, l);
      }
      // An in-order chunk overlapping the previous one of the series is stale (written before a
      // crash); out-of-order chunks overlap by nature.
      if (!m.isOOO && l.length > 0 && m.mint <= l[l.length - 2]!) return;
      l.push(m.chunkRef, m.mint, m.maxt, m.numSamples);
    });
  };
  try {
    collect();
    return undefined;
  } catch (err) {
    if (!(err instanceof ChunkCorruptionError)) throw err;
    await cdm.deleteCorrupted(err);
    collect();
    return err;
  }
}
