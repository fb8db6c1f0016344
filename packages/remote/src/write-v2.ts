// Prometheus: prompb/io/prometheus/write/v2/types.proto Request, TimeSeries, Sample, Exemplar,
// Metadata, and prompb/io/prometheus/write/v2/symbols.go SymbolsTable: the Remote Write 2.0
// message, whose strings are references into one symbol table per request.
import { readHistogram, type PbHistogram, writeHistogramBody } from './proto-histogram.js';
import {
  checkEnd,
  newReader,
  type Reader,
  readEnd,
  readInt64,
  readRepeated,
  readString,
  readUint32,
} from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';

/** io.prometheus.write.v2.Sample: value, timestamp and start timestamp in ms (0: none). */
export interface V2Sample {
  value: number;
  timestamp: number;
  startTimestamp: number;
}

/** io.prometheus.write.v2.Exemplar */
export interface V2Exemplar {
  labelsRefs: number[];
  value: number;
  timestamp: number;
}

/** io.prometheus.write.v2.Metadata.MetricType: METRIC_TYPE_* numbers, same as Remote Write 1.0's. */
export interface V2Metadata {
  type: number;
  helpRef: number;
  unitRef: number;
}

/** io.prometheus.write.v2.TimeSeries: `labelsRefs` are name, value, name, value... symbol refs. */
export interface V2TimeSeries {
  labelsRefs: number[];
  samples: V2Sample[];
  histograms: PbHistogram[];
  exemplars: V2Exemplar[];
  metadata: V2Metadata;
}

/** io.prometheus.write.v2.Request: the Remote Write 2.0 body (before snappy). */
export interface V2Request {
  /** symbols[0] is always the empty string. */
  symbols: string[];
  timeseries: V2TimeSeries[];
}

/**
 * Prometheus: writev2.SymbolsTable. Interns the strings of one request: `symbolize` returns the
 * index of a string in `symbols`, adding it on first use; index 0 is the empty string.
 */
export class SymbolTable {
  readonly #refs = new Map<string, number>([['', 0]]);
  readonly #symbols: string[] = [''];

  /** The ref of `s`, added if new. */
  symbolize(s: string): number {
    let ref = this.#refs.get(s);
    if (ref === undefined) {
      ref = this.#symbols.length;
      this.#symbols.push(s);
      this.#refs.set(s, ref);
    }
    return ref;
  }

  /** The symbols so far; owned by the table, valid until `reset()`. */
  symbols(): readonly string[] {
    return this.#symbols;
  }

  /** Empties the table for the next request (keeps only ""). */
  reset(): void {
    this.#refs.clear();
    this.#refs.set('', 0);
    this.#symbols.length = 1;
  }
}

/** Writes a packed repeated uint32 field. */
export function writePackedRefs(w: ProtoWriter, field: number, refs: ArrayLike<number>, n = refs.length): void {
  if (n === 0) return;
  w.tag(field, 2);
  const at = w.fork();
  for (let i = 0; i < n; i++) w.uint32(refs[i]!);
  w.ldelim(at);
}

/** Writes a v2 `Sample` field 2 of a TimeSeries. */
export function writeV2Sample(w: ProtoWriter, value: number, timestamp: number, startTimestamp: number): void {
  w.tag(2, 2);
  const at = w.fork();
  if (!Object.is(value, 0)) {
    w.tag(1, 1);
    w.double(value);
  }
  if (timestamp !== 0) {
    w.tag(2, 0);
    w.int64(timestamp);
  }
  if (startTimestamp !== 0) {
    w.tag(3, 0);
    w.int64(startTimestamp);
  }
  w.ldelim(at);
}

/** Writes the (always present, non-nullable) Metadata field 5 of a v2 TimeSeries. */
export function writeV2Metadata(w: ProtoWriter, type: number, helpRef: number, unitRef: number): void {
  w.tag(5, 2);
  const at = w.fork();
  if (type !== 0) {
    w.tag(1, 0);
    w.uint32(type);
  }
  if (helpRef !== 0) {
    w.tag(3, 0);
    w.uint32(helpRef);
  }
  if (unitRef !== 0) {
    w.tag(4, 0);
    w.uint32(unitRef);
  }
  w.ldelim(at);
}

/** Writes the symbols (field 4) of a Request. */
export function writeSymbols(w: ProtoWriter, symbols: readonly string[]): void {
  for (const s of symbols) {
    w.tag(4, 2);
    w.string(s);
  }
}

/**
 * Encodes a v2 Request. Returns a view of `w`'s buffer (valid until `w` is written again); pass no
 * writer to get bytes of your own.
 */
export function encodeV2Request(req: V2Request, w?: ProtoWriter): Uint8Array {
  const own = w === undefined;
  const out = w ?? new ProtoWriter(1024);
  out.reset();
  writeSymbols(out, req.symbols);
  for (const ts of req.timeseries) {
    out.tag(5, 2);
    const at = out.fork();
    writePackedRefs(out, 1, ts.labelsRefs);
    for (const s of ts.samples) writeV2Sample(out, s.value, s.timestamp, s.startTimestamp);
    for (const h of ts.histograms) {
      out.tag(3, 2);
      const hat = out.fork();
      writeHistogramBody(out, h, true);
      out.ldelim(hat);
    }
    for (const e of ts.exemplars) {
      out.tag(4, 2);
      const eat = out.fork();
      writePackedRefs(out, 1, e.labelsRefs);
      if (!Object.is(e.value, 0)) {
        out.tag(2, 1);
        out.double(e.value);
      }
      if (e.timestamp !== 0) {
        out.tag(3, 0);
        out.int64(e.timestamp);
      }
      out.ldelim(eat);
    }
    writeV2Metadata(out, ts.metadata.type, ts.metadata.helpRef, ts.metadata.unitRef);
    out.ldelim(at);
  }
  return own ? out.finish().slice() : out.finish();
}

function readV2Sample(r: Reader): V2Sample {
  const e = readEnd(r);
  const s: V2Sample = { value: 0, timestamp: 0, startTimestamp: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x09) s.value = r.double();
    else if (tag === 0x10) s.timestamp = readInt64(r);
    else if (tag === 0x18) s.startTimestamp = readInt64(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return s;
}

function readV2Exemplar(r: Reader): V2Exemplar {
  const e = readEnd(r);
  const x: V2Exemplar = { labelsRefs: [], value: 0, timestamp: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) readRepeated(r, tag & 7, x.labelsRefs, readUint32);
    else if (tag === 0x11) x.value = r.double();
    else if (tag === 0x18) x.timestamp = readInt64(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return x;
}

function readV2Metadata(r: Reader): V2Metadata {
  const e = readEnd(r);
  const m: V2Metadata = { type: 0, helpRef: 0, unitRef: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) m.type = r.uint32();
    else if (tag === 0x18) m.helpRef = r.uint32();
    else if (tag === 0x20) m.unitRef = r.uint32();
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return m;
}

function readV2TimeSeries(r: Reader): V2TimeSeries {
  const e = readEnd(r);
  const ts: V2TimeSeries = {
    labelsRefs: [],
    samples: [],
    histograms: [],
    exemplars: [],
    metadata: { type: 0, helpRef: 0, unitRef: 0 },
  };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        readRepeated(r, tag & 7, ts.labelsRefs, readUint32);
        break;
      case 2:
        ts.samples.push(readV2Sample(r));
        break;
      case 3:
        ts.histograms.push(readHistogram(r));
        break;
      case 4:
        ts.exemplars.push(readV2Exemplar(r));
        break;
      case 5:
        ts.metadata = readV2Metadata(r);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  checkEnd(r, e);
  return ts;
}

/**
 * Decodes a v2 Request (already snappy-decoded). Refs are not checked against the symbol table
 * here: a receiver resolves them and reports refs out of range. Throws RangeError or Error on
 * truncated or malformed bytes.
 */
export function decodeV2Request(buf: Uint8Array): V2Request {
  const r = newReader(buf);
  const req: V2Request = { symbols: [], timeseries: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x22) req.symbols.push(readString(r));
    else if (tag === 0x2a) req.timeseries.push(readV2TimeSeries(r));
    else r.skipType(tag & 7);
  }
  return req;
}
