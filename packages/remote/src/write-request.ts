// Prometheus: prompb/remote.proto WriteRequest and prompb/types.proto TimeSeries, Label, Sample,
// Exemplar, MetricMetadata: the Remote Write 1.0 message, encoded and decoded.
import { readHistogram, type PbHistogram, writeHistogramBody } from './proto-histogram.js';
import { checkEnd, newReader, type Reader, readEnd, readInt64, readString } from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';

/** prometheus.Label */
export interface PbLabel {
  name: string;
  value: string;
}

/** prometheus.Sample: value, timestamp in ms. */
export interface PbSample {
  value: number;
  timestamp: number;
}

/** prometheus.Exemplar */
export interface PbExemplar {
  labels: PbLabel[];
  value: number;
  timestamp: number;
}

/** prometheus.TimeSeries: labels sorted by name, samples in timestamp order. */
export interface PbTimeSeries {
  labels: PbLabel[];
  samples: PbSample[];
  exemplars: PbExemplar[];
  histograms: PbHistogram[];
}

/** prometheus.MetricMetadata.MetricType */
export const PbMetricType = {
  UNKNOWN: 0,
  COUNTER: 1,
  GAUGE: 2,
  HISTOGRAM: 3,
  GAUGEHISTOGRAM: 4,
  SUMMARY: 5,
  INFO: 6,
  STATESET: 7,
} as const;

/** prometheus.MetricMetadata */
export interface PbMetricMetadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}

/** prometheus.WriteRequest: the Remote Write 1.0 body (before snappy). */
export interface WriteRequest {
  timeseries: PbTimeSeries[];
  metadata: PbMetricMetadata[];
}

/** Writes a `Label` field (`field`, length-delimited) with its name and value. */
export function writeLabel(w: ProtoWriter, field: number, name: string, value: string): void {
  w.tag(field, 2);
  const at = w.fork();
  if (name !== '') {
    w.tag(1, 2);
    w.string(name);
  }
  if (value !== '') {
    w.tag(2, 2);
    w.string(value);
  }
  w.ldelim(at);
}

/** Writes a `Sample` field 2 of a TimeSeries. */
export function writeSample(w: ProtoWriter, value: number, timestamp: number): void {
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
  w.ldelim(at);
}

function writeExemplar(w: ProtoWriter, e: PbExemplar): void {
  w.tag(3, 2);
  const at = w.fork();
  for (const l of e.labels) writeLabel(w, 1, l.name, l.value);
  if (!Object.is(e.value, 0)) {
    w.tag(2, 1);
    w.double(e.value);
  }
  if (e.timestamp !== 0) {
    w.tag(3, 0);
    w.int64(e.timestamp);
  }
  w.ldelim(at);
}

/** Writes a `MetricMetadata` field 3 of a WriteRequest. */
export function writeMetadata(w: ProtoWriter, m: PbMetricMetadata): void {
  w.tag(3, 2);
  const at = w.fork();
  if (m.type !== 0) {
    w.tag(1, 0);
    w.uint32(m.type);
  }
  if (m.metricFamilyName !== '') {
    w.tag(2, 2);
    w.string(m.metricFamilyName);
  }
  if (m.help !== '') {
    w.tag(4, 2);
    w.string(m.help);
  }
  if (m.unit !== '') {
    w.tag(5, 2);
    w.string(m.unit);
  }
  w.ldelim(at);
}

/**
 * Encodes a WriteRequest. Returns a view of `w`'s buffer (valid until `w` is written again); pass
 * no writer to get bytes of your own.
 */
export function encodeWriteRequest(req: WriteRequest, w?: ProtoWriter): Uint8Array {
  const own = w === undefined;
  const out = w ?? new ProtoWriter(1024);
  out.reset();
  for (const ts of req.timeseries) {
    out.tag(1, 2);
    const at = out.fork();
    for (const l of ts.labels) writeLabel(out, 1, l.name, l.value);
    for (const s of ts.samples) writeSample(out, s.value, s.timestamp);
    for (const e of ts.exemplars) writeExemplar(out, e);
    for (const h of ts.histograms) {
      out.tag(4, 2);
      const hat = out.fork();
      writeHistogramBody(out, h, false);
      out.ldelim(hat);
    }
    out.ldelim(at);
  }
  for (const m of req.metadata) writeMetadata(out, m);
  return own ? out.finish().slice() : out.finish();
}

/** Reads a length-prefixed prometheus.Label. */
export function readLabel(r: Reader): PbLabel {
  const e = readEnd(r);
  const l: PbLabel = { name: '', value: '' };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x0a) l.name = readString(r);
    else if (tag === 0x12) l.value = readString(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return l;
}

function readSample(r: Reader): PbSample {
  const e = readEnd(r);
  const s: PbSample = { value: 0, timestamp: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x09) s.value = r.double();
    else if (tag === 0x10) s.timestamp = readInt64(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return s;
}

function readExemplar(r: Reader): PbExemplar {
  const e = readEnd(r);
  const x: PbExemplar = { labels: [], value: 0, timestamp: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x0a) x.labels.push(readLabel(r));
    else if (tag === 0x11) x.value = r.double();
    else if (tag === 0x18) x.timestamp = readInt64(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return x;
}

/** Reads a length-prefixed prometheus.TimeSeries. */
export function readTimeSeries(r: Reader): PbTimeSeries {
  const e = readEnd(r);
  const ts: PbTimeSeries = { labels: [], samples: [], exemplars: [], histograms: [] };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        ts.labels.push(readLabel(r));
        break;
      case 0x12:
        ts.samples.push(readSample(r));
        break;
      case 0x1a:
        ts.exemplars.push(readExemplar(r));
        break;
      case 0x22:
        ts.histograms.push(readHistogram(r));
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  checkEnd(r, e);
  return ts;
}

/** Reads a length-prefixed prometheus.MetricMetadata. */
export function readMetadata(r: Reader): PbMetricMetadata {
  const e = readEnd(r);
  const m: PbMetricMetadata = { type: 0, metricFamilyName: '', help: '', unit: '' };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) m.type = r.uint32();
    else if (tag === 0x12) m.metricFamilyName = readString(r);
    else if (tag === 0x22) m.help = readString(r);
    else if (tag === 0x2a) m.unit = readString(r);
    else r.skipType(tag & 7);
  }
  checkEnd(r, e);
  return m;
}

/**
 * Decodes a WriteRequest (already snappy-decoded). Unknown fields are skipped; throws RangeError or
 * Error (protobufjs's) on truncated or malformed bytes.
 */
export function decodeWriteRequest(buf: Uint8Array): WriteRequest {
  const r = newReader(buf);
  const req: WriteRequest = { timeseries: [], metadata: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 0x0a) req.timeseries.push(readTimeSeries(r));
    else if (tag === 0x1a) req.metadata.push(readMetadata(r));
    else r.skipType(tag & 7);
  }
  return req;
}
