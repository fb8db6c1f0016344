// Prometheus: tsdb/head_append.go headAppender.log (the WAL half of Commit) and the WBL writes of
// out-of-order samples. Loaded by db.ts only when the DB has a directory: it needs node:fs.
import type { CommitBatch, HeadLog } from './head-log.js';
import type { MemSeries } from './mem-series.js';
import {
  type ChunkDiskMapper,
  newRefSamples,
  RecordEncoder,
  type RefExemplar,
  type RefMetadata,
  type RefMmapMarker,
  type RefSeries,
  type Stone,
  type WL,
} from './wal-api.js';

/** Samples per samples record: bounds record size for huge commits (Prometheus writes one). */
const maxSamplesPerRecord = 10_000;

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

  async logCommit(batch: CommitBatch): Promise<void> {
    const enc = this.#enc;
    const records: Uint8Array[] = [];
    if (batch.newSeries.length > 0) {
      const rs: RefSeries[] = batch.newSeries.map((s) => ({ ref: s.ref, labels: s.labels }));
      records.push(enc.series(rs));
    }
    if (batch.metadata.length > 0) {
      const ms: RefMetadata[] = batch.metadata.map(({ series, m }) => ({
        ref: series.ref,
        type: m.type,
        unit: m.unit,
        help: m.help,
      }));
      records.push(enc.metadata(ms));
    }
    this.#pushSamples(records, batch.series, batch.ts, batch.vs, batch.length);
    if (batch.exemplars.length > 0) {
      const es: RefExemplar[] = batch.exemplars.map(({ series, e }) => ({
        ref: series.ref,
        t: e.ts,
        v: e.value,
        labels: e.labels,
      }));
      records.push(enc.exemplars(es));
    }
    if (records.length > 0) this.wal.logSync(records);
  }

  #pushSamples(
    records: Uint8Array[],
    series: readonly MemSeries[],
    ts: Float64Array,
    vs: Float64Array,
    n: number,
    start = 0,
  ): void {
    const sc = this.#scratch;
    for (let from = start; from < n; from += maxSamplesPerRecord) {
      const to = Math.min(n, from + maxSamplesPerRecord);
      if (sc.refs.length < to - from) {
        const grown = newRefSamples(to - from);
        sc.refs = grown.refs;
        sc.ts = grown.ts;
        sc.vs = grown.vs;
      }
      for (let i = from; i < to; i++) sc.refs[i - from] = series[i]!.ref;
      sc.ts.set(ts.subarray(from, to));
      sc.vs.set(vs.subarray(from, to));
      sc.length = to - from;
      records.push(this.#enc.samplesColumnar(sc));
    }
  }

  async logOOO(
    series: readonly MemSeries[],
    ts: Float64Array,
    vs: Float64Array,
    length: number,
    markers: readonly number[],
  ): Promise<void> {
    if (this.wbl === undefined || length === 0) return;
    const records: Uint8Array[] = [];
    let from = 0;
    for (let k = 0; k < markers.length; ) {
      const at = markers[k]!;
      if (at > from) this.#pushSamples(records, series, ts, vs, at, from);
      from = at;
      const ms: RefMmapMarker[] = [];
      for (; k < markers.length && markers[k] === at; k += 3)
        ms.push({ ref: markers[k + 1]!, mmapRef: markers[k + 2]! });
      records.push(this.#enc.mmapMarkers(ms));
    }
    if (length > from) this.#pushSamples(records, series, ts, vs, length, from);
    this.wbl.logSync(records);
  }

  async logTombstones(stones: readonly Stone[]): Promise<void> {
    if (stones.length > 0) this.wal.logSync([this.#enc.tombstones(stones)]);
  }

  async close(): Promise<void> {
    await this.wal.close();
    await this.wbl?.close();
    await this.chunkMapper?.close();
  }
}
