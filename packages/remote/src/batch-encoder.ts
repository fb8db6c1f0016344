// Prometheus: storage/remote/queue_manager.go populateTimeSeries / buildWriteRequest (1.0) and
// populateV2TimeSeries / buildV2WriteRequest (2.0), over the columns of a batch. Samples of one
// series are grouped into one TimeSeries in their WAL order (Prometheus sends a TimeSeries per
// sample; grouping is what the spec allows and sends fewer bytes). Labels are copied from their
// pre-encoded bytes (1.0) or interned once per series and batch (2.0). Histogram samples follow the
// float ones with the exemplars, one TimeSeries per run of them of one series.
import { writeHistogramBody } from './proto-histogram.js';
import { ProtoWriter } from './proto-writer.js';
import { fromFloatHistogram, fromIntHistogram } from './receive-convert.js';
import type { SentSeries } from './series-store.js';
import type { SampleBatch } from './shard-buffer.js';
import { type RefExemplar, SnappyEncoder } from '@tsprom/tsdb/wal';
import type { WalHistogramSample } from './wal-watcher.js';
import { writeLabel, writeSample } from './write-request.js';
import { writePackedRefs, writeSymbols, writeV2Metadata, writeV2Sample } from './write-v2.js';

/** Looks up a series by ref, and the string table of its `symIds` (the queue's SeriesStore). */
export interface SeriesLookup {
  get(ref: number): SentSeries | undefined;
  readonly strings: readonly string[];
}

/**
 * Encodes batches of samples into WriteRequest bodies (before snappy). Reuses its buffers: the
 * bytes returned are owned by the encoder and valid until its next `encode`. One per shard.
 */
export class BatchEncoder {
  readonly #w = new ProtoWriter(64 * 1024);
  readonly #body = new ProtoWriter(64 * 1024);
  readonly #symbols: string[] = [''];
  readonly #exemplarSymbols = new Map<string, number>();
  /** Per string id: its symbol ref in the current request, valid when #epochs[id] === #epoch. */
  #local = new Uint32Array(1024);
  #epochs = new Uint32Array(1024);
  #epoch = 0;
  #order = new Float64Array(0);
  #refs = new Uint32Array(64);
  readonly #v2: boolean;
  readonly #snappy = new SnappyEncoder();

  constructor(v2: boolean) {
    this.#v2 = v2;
  }

  /**
   * Encodes and snappy-compresses a batch (see `encode`). The bytes are a view of the encoder's
   * buffer, valid until its next `encodeCompressed` (a shard sends one batch at a time).
   */
  encodeCompressed(b: SampleBatch, lookup: SeriesLookup): Uint8Array {
    return this.#snappy.encode(this.encode(b, lookup));
  }

  /**
   * Encodes samples `[0, b.length)` whose series `lookup` knows (the caller drops the others
   * before). Returns the encoded request.
   */
  encode(b: SampleBatch, lookup: SeriesLookup): Uint8Array {
    const n = b.length;
    // Sort sample indexes by (ref, position): keys ref * 2^k + i sort numerically with the typed
    // array's native sort, no comparator closure.
    let k = 1;
    while (k < n) k *= 2;
    if (this.#order.length < n) this.#order = new Float64Array(Math.max(n, 16));
    const order = this.#order.subarray(0, n);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      order[i] = b.refs[i]! * k + i;
      if (i > 0 && order[i]! < order[i - 1]!) sorted = false;
    }
    // Samples of one scrape come in ref order mostly: skip the sort then.
    if (!sorted) order.sort();
    return this.#v2 ? this.#encodeV2(b, order, k, lookup) : this.#encodeV1(b, order, k, lookup);
  }

  #encodeV1(b: SampleBatch, order: Float64Array, k: number, lookup: SeriesLookup): Uint8Array {
    const w = this.#w;
    w.reset();
    const n = order.length;
    let i = 0;
    while (i < n) {
      const ref = Math.floor(order[i]! / k);
      const s = lookup.get(ref);
      w.tag(1, 2);
      const at = w.fork();
      if (s !== undefined) w.raw(s.v1Labels);
      while (i < n) {
        const key = order[i]!;
        const j = key - ref * k;
        if (j >= k || j < 0) break;
        writeSample(w, b.vs[j]!, b.ts[j]!);
        i++;
      }
      w.ldelim(at);
    }
    const hs = b.objects;
    const hn = b.oLength;
    for (let i = 0; i < hn; ) {
      const ref = hs[i]!.ref;
      const s = lookup.get(ref);
      w.tag(1, 2);
      const at = w.fork();
      if (s !== undefined) w.raw(s.v1Labels);
      for (; i < hn && hs[i]!.ref === ref; i++) {
        const o = hs[i]!;
        if ('labels' in o) writeV1Exemplar(w, o);
        else writeHistogram(w, 4, o, false);
      }
      w.ldelim(at);
    }
    return w.finish();
  }

  // Prometheus: writev2.SymbolsTable.Symbolize, with the strings' ids as typed-array indexes.
  #symbol(id: number, strings: readonly string[]): number {
    if (this.#epochs[id] === this.#epoch) return this.#local[id]!;
    const ref = this.#symbols.length;
    this.#symbols.push(strings[id]!);
    this.#epochs[id] = this.#epoch;
    this.#local[id] = ref;
    return ref;
  }

  // Prometheus: writev2.SymbolsTable.Symbolize for strings not in the series' table (exemplar labels).
  #symbolString(v: string): number {
    let ref = this.#exemplarSymbols.get(v);
    if (ref === undefined) {
      ref = this.#symbols.length;
      this.#symbols.push(v);
      this.#exemplarSymbols.set(v, ref);
    }
    return ref;
  }

  // io.prometheus.write.v2.Exemplar, field 4 of a TimeSeries.
  #writeV2Exemplar(w: ProtoWriter, e: RefExemplar): void {
    const refs: number[] = [];
    e.labels.forEach((n, v) => {
      refs.push(this.#symbolString(n), this.#symbolString(v));
    });
    w.tag(4, 2);
    const at = w.fork();
    writePackedRefs(w, 1, refs);
    if (!Object.is(e.v, 0)) {
      w.tag(2, 1);
      w.double(e.v);
    }
    if (e.t !== 0) {
      w.tag(3, 0);
      w.int64(e.t);
    }
    w.ldelim(at);
  }

  #encodeV2(b: SampleBatch, order: Float64Array, k: number, lookup: SeriesLookup): Uint8Array {
    const body = this.#body;
    const strings = lookup.strings;
    body.reset();
    this.#symbols.length = 1;
    this.#exemplarSymbols.clear();
    if (this.#local.length < strings.length) {
      this.#local = new Uint32Array(strings.length * 2);
      this.#epochs = new Uint32Array(strings.length * 2);
    }
    this.#epoch++;
    this.#epochs[0] = this.#epoch;
    this.#local[0] = 0;
    const n = order.length;
    let i = 0;
    while (i < n) {
      const ref = Math.floor(order[i]! / k);
      const s = lookup.get(ref);
      body.tag(5, 2);
      const at = body.fork();
      if (s !== undefined) {
        const ids = s.symIds;
        if (this.#refs.length < ids.length) this.#refs = new Uint32Array(ids.length * 2);
        for (let f = 0; f < ids.length; f++) this.#refs[f] = this.#symbol(ids[f]!, strings);
        writePackedRefs(body, 1, this.#refs, ids.length);
      }
      while (i < n) {
        const j = order[i]! - ref * k;
        if (j >= k || j < 0) break;
        writeV2Sample(body, b.vs[j]!, b.ts[j]!, 0);
        i++;
      }
      if (s !== undefined) {
        const help = s.helpId === 0 ? 0 : this.#symbol(s.helpId, strings);
        const unit = s.unitId === 0 ? 0 : this.#symbol(s.unitId, strings);
        writeV2Metadata(body, s.type, help, unit);
      } else writeV2Metadata(body, 0, 0, 0);
      body.ldelim(at);
    }
    const hs = b.objects;
    const hn = b.oLength;
    for (let i = 0; i < hn; ) {
      const ref = hs[i]!.ref;
      const s = lookup.get(ref);
      body.tag(5, 2);
      const at = body.fork();
      if (s !== undefined) {
        const ids = s.symIds;
        if (this.#refs.length < ids.length) this.#refs = new Uint32Array(ids.length * 2);
        for (let f = 0; f < ids.length; f++) this.#refs[f] = this.#symbol(ids[f]!, strings);
        writePackedRefs(body, 1, this.#refs, ids.length);
      }
      for (; i < hn && hs[i]!.ref === ref; i++) {
        const o = hs[i]!;
        if ('labels' in o) this.#writeV2Exemplar(body, o);
        else writeHistogram(body, 3, o, true);
      }
      if (s !== undefined) {
        const help = s.helpId === 0 ? 0 : this.#symbol(s.helpId, strings);
        const unit = s.unitId === 0 ? 0 : this.#symbol(s.unitId, strings);
        writeV2Metadata(body, s.type, help, unit);
      } else writeV2Metadata(body, 0, 0, 0);
      body.ldelim(at);
    }
    const w = this.#w;
    w.reset();
    writeSymbols(w, this.#symbols);
    w.raw(body.finish());
    return w.finish();
  }
}

// Prometheus: prompb.FromIntHistogram / FromFloatHistogram, written as field `field` of a TimeSeries.
function writeHistogram(w: ProtoWriter, field: number, s: WalHistogramSample, v2: boolean): void {
  w.tag(field, 2);
  const at = w.fork();
  writeHistogramBody(w, 'h' in s ? fromIntHistogram(s.t, s.h) : fromFloatHistogram(s.t, s.fh), v2);
  w.ldelim(at);
}

// prometheus.Exemplar, field 3 of a Remote Write 1.0 TimeSeries.
function writeV1Exemplar(w: ProtoWriter, e: RefExemplar): void {
  w.tag(3, 2);
  const at = w.fork();
  e.labels.forEach((n, v) => {
    writeLabel(w, 1, n, v);
  });
  if (!Object.is(e.v, 0)) {
    w.tag(2, 1);
    w.double(e.v);
  }
  if (e.t !== 0) {
    w.tag(3, 0);
    w.int64(e.t);
  }
  w.ldelim(at);
}
