// Prometheus: tsdb/head_append.go headAppender.log (the WAL half of Commit) and the WBL writes of
// out-of-order samples. Loaded by db.ts only when the DB has a directory: it needs node:fs.
import type { OOOBatch } from './head-log.js';
import type { CommitBatch, HeadLog, HistogramEntry } from './head-log.js';
import type { MemSeries } from './mem-series.js';
import { COMMIT_SLICE_MS, TimeSlicer } from './time-slicer.js';
import {
  type ChunkDiskMapper,
  newRefSamples,
  RecordEncoder,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type RefMmapMarker,
  type RefSeries,
  type Stone,
  type WL,
} from './wal-api.js';

/** Samples per samples record: bounds record size for huge commits (Prometheus writes one). */
const maxSamplesPerRecord = 10_000;
/** Series per series record: bounds the time to encode one (Prometheus writes one per commit). */
const maxSeriesPerRecord = 500;
/**
 * Bytes of records encoded but not yet written from which they are written (compressed,
 * checksummed) at once: a slice then ends with at most this much to write, not with all it
 * encoded. The bytes in the WAL are the same however records are grouped into writes.
 */
const maxPendingBytes = 64 * 1024;

/** Writes commits to the WAL (and out-of-order samples to the WBL) in Prometheus's record format. */
export class HeadWAL implements HeadLog {
  readonly wal: WL;
  readonly wbl: WL | undefined;
  /** The chunks_head/ files, closed with the logs. */
  readonly chunkMapper: ChunkDiskMapper | undefined;
  readonly #enc = new RecordEncoder();
  readonly #scratch = newRefSamples(1024);

  constructor(wal: WL, wbl: WL | undefined, chunkMapper?: ChunkDiskMapper) {
    this.wal = wal;
    this.wbl = wbl;
    this.chunkMapper = chunkMapper;
  }

  /**
   * Writes the records of a commit: series records first, then metadata, samples and exemplars.
   * Records are handed to the WAL once 64 KiB of them are encoded, and once a slice is used up the
   * event loop gets a turn, so a commit of 100k new series does not stall it: writing (snappy,
   * CRC, write(2)) counts against the slice as encoding does, unless the WAL compresses in its
   * worker (then the records of the commit are compressed there while the next are encoded).
   * Resolves once all were written.
   */
  async logCommit(batch: CommitBatch): Promise<void> {
    const enc = this.#enc;
    const slicer = new TimeSlicer(COMMIT_SLICE_MS);
    // Records go out together (one write(2) for a small commit) unless they are big or a slice is
    // used up.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const logged: Promise<void>[] = [];
    // The first failed write seen: the commit stops there, logging nothing more.
    let failure: { err: unknown } | undefined;
    const log = (recs: Uint8Array[]): void => {
      const p = this.wal.log(...recs);
      p.catch((err: unknown) => {
        failure ??= { err };
      });
      logged.push(p);
    };
    const write = async (rec: Uint8Array): Promise<void> => {
      if (failure !== undefined) throw failure.err;
      pending.push(rec);
      pendingBytes += rec.length;
      const due = slicer.due();
      if (!due && pendingBytes < maxPendingBytes) return;
      log(pending);
      pending = [];
      pendingBytes = 0;
      if (due || slicer.due()) await slicer.yield();
    };
    const ns = batch.newSeries;
    // Prometheus writes one series record per commit; several read back the same.
    for (let from = 0; from < ns.length; from += maxSeriesPerRecord) {
      const to = Math.min(ns.length, from + maxSeriesPerRecord);
      const rs: RefSeries[] = new Array(to - from);
      for (let i = from; i < to; i++) rs[i - from] = { ref: ns[i]!.ref, labels: ns[i]!.labels };
      await write(enc.series(rs));
    }
    if (batch.metadata.length > 0) {
      const ms: RefMetadata[] = batch.metadata.map(({ series, m }) => ({
        ref: series.ref,
        type: m.type,
        unit: m.unit,
        help: m.help,
      }));
      await write(enc.metadata(ms));
    }
    const records: Uint8Array[] = [];
    for (let from = 0; from < batch.length; from += maxSamplesPerRecord) {
      this.#pushSamples(
        records,
        batch.refs ?? batch.series,
        batch.ts,
        batch.vs,
        Math.min(batch.length, from + maxSamplesPerRecord),
        from,
      );
      await write(records.pop()!);
    }
    if (batch.histograms.length > 0) {
      // Prometheus: integer histograms (types 7 and 9) then float histograms (8 and 10).
      const hs: RefHistogramSample[] = [];
      const fhs: RefFloatHistogramSample[] = [];
      for (const { series, t, h, fh } of batch.histograms) {
        if (h !== undefined) hs.push({ ref: series.ref, t, h });
        else fhs.push({ ref: series.ref, t, fh: fh! });
      }
      if (hs.length > 0) for (const rec of enc.histogramSamples(hs)) await write(rec);
      if (fhs.length > 0) for (const rec of enc.floatHistogramSamples(fhs)) await write(rec);
    }
    if (batch.exemplars.length > 0) {
      const es: RefExemplar[] = batch.exemplars.map(({ series, e }) => ({
        ref: series.ref,
        t: e.ts,
        v: e.value,
        labels: e.labels,
      }));
      await write(enc.exemplars(es));
    }
    if (failure !== undefined) throw failure.err;
    if (pending.length > 0) log(pending);
    await Promise.all(logged);
  }

  #pushSamples(
    records: Uint8Array[],
    refsOrSeries: Float64Array | readonly MemSeries[],
    ts: Float64Array,
    vs: Float64Array,
    n: number,
    start = 0,
  ): void {
    if (refsOrSeries instanceof Float64Array) {
      // The columns as they are: encoded in place, no copy.
      const cols = { refs: refsOrSeries, ts, vs, length: n };
      for (let from = start; from < n; from += maxSamplesPerRecord) {
        records.push(this.#enc.samplesColumnar(cols, from, Math.min(n, from + maxSamplesPerRecord)));
      }
      return;
    }
    const sc = this.#scratch;
    for (let from = start; from < n; from += maxSamplesPerRecord) {
      const to = Math.min(n, from + maxSamplesPerRecord);
      if (sc.refs.length < to - from) {
        const grown = newRefSamples(to - from);
        sc.refs = grown.refs;
        sc.ts = grown.ts;
        sc.vs = grown.vs;
      }
      for (let i = from; i < to; i++) sc.refs[i - from] = refsOrSeries[i]!.ref;
      sc.ts.set(ts.subarray(from, to));
      sc.vs.set(vs.subarray(from, to));
      sc.length = to - from;
      records.push(this.#enc.samplesColumnar(sc));
    }
  }

  async logOOO(batch: OOOBatch): Promise<void> {
    const { series, ts, vs, length, markers, histograms, histogramMarkers } = batch;
    if (this.wbl === undefined || (length === 0 && histograms.length === 0)) return;
    const records: Uint8Array[] = [];
    let from = 0;
    for (let k = 0; k < markers.length; ) {
      const at = markers[k]!;
      if (at > from) this.#pushSamples(records, series, ts, vs, at, from);
      from = at;
      k = this.#pushMarkers(records, markers, k);
    }
    if (length > from) this.#pushSamples(records, series, ts, vs, length, from);
    from = 0;
    for (let k = 0; k < histogramMarkers.length; ) {
      const at = histogramMarkers[k]!;
      if (at > from) this.#pushHistograms(records, histograms.slice(from, at));
      from = at;
      k = this.#pushMarkers(records, histogramMarkers, k);
    }
    if (histograms.length > from) this.#pushHistograms(records, histograms.slice(from));
    this.wbl.logSync(records);
  }

  // One m-map marker record of the markers (triples) at markers[k]'s index; returns the next k.
  #pushMarkers(records: Uint8Array[], markers: readonly number[], k: number): number {
    const at = markers[k]!;
    const ms: RefMmapMarker[] = [];
    for (; k < markers.length && markers[k] === at; k += 3) ms.push({ ref: markers[k + 1]!, mmapRef: markers[k + 2]! });
    records.push(this.#enc.mmapMarkers(ms));
    return k;
  }

  // Prometheus: integer histograms (types 7 and 9) then float histograms (8 and 10).
  #pushHistograms(records: Uint8Array[], entries: readonly HistogramEntry[]): void {
    const hs: RefHistogramSample[] = [];
    const fhs: RefFloatHistogramSample[] = [];
    for (const { series, t, h, fh } of entries) {
      if (h !== undefined) hs.push({ ref: series.ref, t, h });
      else fhs.push({ ref: series.ref, t, fh: fh! });
    }
    if (hs.length > 0) records.push(...this.#enc.histogramSamples(hs));
    if (fhs.length > 0) records.push(...this.#enc.floatHistogramSamples(fhs));
  }

  async logTombstones(stones: readonly Stone[]): Promise<void> {
    if (stones.length > 0) await this.wal.log(this.#enc.tombstones(stones));
  }

  async close(): Promise<void> {
    await this.wal.close();
    await this.wbl?.close();
    await this.chunkMapper?.close();
  }
}
