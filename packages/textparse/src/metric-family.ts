// Prometheus: prometheus/client_model io/prometheus/client/metrics.proto, decoded with protobufjs's
// Reader into plain objects (decoders written out for this schema: no runtime code generation, so
// the package also runs where `new Function` is forbidden, and unknown fields are skipped).
import protobuf from 'protobufjs/minimal.js';
import { decodeBody } from './body-text.js';

type Reader = protobuf.Reader;

/** io.prometheus.client.MetricType */
export const PbMetricType = { COUNTER: 0, GAUGE: 1, SUMMARY: 2, UNTYPED: 3, HISTOGRAM: 4, GAUGE_HISTOGRAM: 5 } as const;

export interface PbLabelPair {
  name: string;
  value: string;
}
/** google.protobuf.Timestamp, in ms (seconds*1000 + nanos/1e6 truncated, as Prometheus). */
export type PbTimestampMs = number | undefined;
export interface PbExemplar {
  label: PbLabelPair[];
  value: number;
  timestampMs: PbTimestampMs;
}
export interface PbCounter {
  value: number;
  exemplar: PbExemplar | undefined;
  createdTimestampMs: PbTimestampMs;
}
export interface PbQuantile {
  quantile: number;
  value: number;
}
export interface PbSummary {
  sampleCount: number;
  sampleSum: number;
  quantile: PbQuantile[];
  createdTimestampMs: PbTimestampMs;
}
export interface PbBucket {
  cumulativeCount: number;
  cumulativeCountFloat: number;
  upperBound: number;
  exemplar: PbExemplar | undefined;
}
export interface PbSpan {
  offset: number;
  length: number;
}
export interface PbHistogram {
  sampleCount: number;
  sampleCountFloat: number;
  sampleSum: number;
  bucket: PbBucket[];
  createdTimestampMs: PbTimestampMs;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  zeroCountFloat: number;
  negativeSpan: PbSpan[];
  negativeDelta: number[];
  negativeCount: number[];
  positiveSpan: PbSpan[];
  positiveDelta: number[];
  positiveCount: number[];
  exemplars: PbExemplar[];
}
export interface PbMetric {
  label: PbLabelPair[];
  gauge: number | undefined;
  counter: PbCounter | undefined;
  summary: PbSummary | undefined;
  untyped: number | undefined;
  histogram: PbHistogram | undefined;
  timestampMs: number;
}
export interface PbMetricFamily {
  name: string;
  help: string;
  type: number;
  metric: PbMetric[];
  unit: string;
}

const TWO32 = 4294967296;

// The two 32-bit halves of the last varint read by readVarint64, kept in variables so that reading
// a 64-bit number allocates nothing.
let vlo = 0;
let vhi = 0;

function readVarint64(r: Reader): void {
  const buf = r.buf;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let b: number;
  do {
    if (r.pos >= r.len) throw new RangeError(`index out of range: ${r.pos} + 1 > ${r.len}`);
    if (shift > 63) throw new Error('invalid varint encoding');
    b = buf[r.pos++]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
  } while (b & 0x80);
  vlo = lo >>> 0;
  vhi = hi >>> 0;
}

/** A varint as an unsigned 64-bit number (exact below 2^53). */
function uint64(r: Reader): number {
  readVarint64(r);
  return vhi * TWO32 + vlo;
}

/** A varint as a signed two's-complement 64-bit number (int64). */
function int64(r: Reader): number {
  readVarint64(r);
  if ((vhi & 0x80000000) === 0) return vhi * TWO32 + vlo;
  // Negative: -(~v + 1), computed on the halves.
  return -((~vhi >>> 0) * TWO32 + (~vlo >>> 0) + 1);
}

/** A zigzag varint (sint64). */
function sint64(r: Reader): number {
  readVarint64(r);
  const lo = ((vlo >>> 1) | (vhi << 31)) >>> 0;
  const mag = (vhi >>> 1) * TWO32 + lo;
  return (vlo & 1) === 0 ? mag : -mag - 1;
}

/**
 * A string field. Invalid UTF-8 is kept visible as lone surrogates (see decodeBody) so that the
 * parser can reject names and values that are not valid UTF-8, as Prometheus does.
 */
function str(r: Reader): string {
  const n = r.uint32();
  const a = r.pos;
  const b = a + n;
  if (b > r.len) throw new RangeError(`index out of range: ${a} + ${n} > ${r.len}`);
  r.pos = b;
  const buf = r.buf;
  if (n <= 64) {
    let ascii = true;
    for (let k = a; k < b; k++) {
      if (buf[k]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(a, b) as unknown as number[]);
  }
  return decodeBody(buf.subarray(a, b));
}

function end(r: Reader): number {
  return r.uint32() + r.pos;
}

function timestampMs(r: Reader): number {
  const e = end(r);
  let seconds = 0;
  let nanos = 0;
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) seconds = int64(r);
    else if (tag === 0x10) nanos = r.int32();
    else r.skipType(tag & 7);
  }
  return seconds * 1000 + Math.trunc(nanos / 1e6);
}

function labelPair(r: Reader): PbLabelPair {
  const e = end(r);
  const lp: PbLabelPair = { name: '', value: '' };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x0a) lp.name = str(r);
    else if (tag === 0x12) lp.value = str(r);
    else r.skipType(tag & 7);
  }
  return lp;
}

/** A message with a single double at field 1 (Gauge, Untyped). */
function singleValue(r: Reader): number {
  const e = end(r);
  let v = 0;
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x09) v = r.double();
    else r.skipType(tag & 7);
  }
  return v;
}

function exemplar(r: Reader): PbExemplar {
  const e = end(r);
  const ex: PbExemplar = { label: [], value: 0, timestampMs: undefined };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x0a) ex.label.push(labelPair(r));
    else if (tag === 0x11) ex.value = r.double();
    else if (tag === 0x1a) ex.timestampMs = timestampMs(r);
    else r.skipType(tag & 7);
  }
  return ex;
}

function counter(r: Reader): PbCounter {
  const e = end(r);
  const c: PbCounter = { value: 0, exemplar: undefined, createdTimestampMs: undefined };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x09) c.value = r.double();
    else if (tag === 0x12) c.exemplar = exemplar(r);
    else if (tag === 0x1a) c.createdTimestampMs = timestampMs(r);
    else r.skipType(tag & 7);
  }
  return c;
}

function summary(r: Reader): PbSummary {
  const e = end(r);
  const s: PbSummary = { sampleCount: 0, sampleSum: 0, quantile: [], createdTimestampMs: undefined };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) s.sampleCount = uint64(r);
    else if (tag === 0x11) s.sampleSum = r.double();
    else if (tag === 0x1a) {
      const qe = end(r);
      const q: PbQuantile = { quantile: 0, value: 0 };
      while (r.pos < qe) {
        const t = r.uint32();
        if (t === 0x09) q.quantile = r.double();
        else if (t === 0x11) q.value = r.double();
        else r.skipType(t & 7);
      }
      s.quantile.push(q);
    } else if (tag === 0x22) s.createdTimestampMs = timestampMs(r);
    else r.skipType(tag & 7);
  }
  return s;
}

function bucket(r: Reader): PbBucket {
  const e = end(r);
  const b: PbBucket = { cumulativeCount: 0, cumulativeCountFloat: 0, upperBound: 0, exemplar: undefined };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) b.cumulativeCount = uint64(r);
    else if (tag === 0x21) b.cumulativeCountFloat = r.double();
    else if (tag === 0x11) b.upperBound = r.double();
    else if (tag === 0x1a) b.exemplar = exemplar(r);
    else r.skipType(tag & 7);
  }
  return b;
}

function span(r: Reader): PbSpan {
  const e = end(r);
  const s: PbSpan = { offset: 0, length: 0 };
  while (r.pos < e) {
    const tag = r.uint32();
    if (tag === 0x08) s.offset = r.sint32();
    else if (tag === 0x10) s.length = r.uint32();
    else r.skipType(tag & 7);
  }
  return s;
}

/** A repeated sint64 (field `wireTag` unpacked, or packed) appended to `out`. */
function sint64s(r: Reader, tag: number, out: number[]): void {
  if ((tag & 7) === 2) {
    const e = end(r);
    while (r.pos < e) out.push(sint64(r));
  } else out.push(sint64(r));
}

function doubles(r: Reader, tag: number, out: number[]): void {
  if ((tag & 7) === 2) {
    const e = end(r);
    while (r.pos < e) out.push(r.double());
  } else out.push(r.double());
}

function histogram(r: Reader): PbHistogram {
  const e = end(r);
  const h: PbHistogram = {
    sampleCount: 0,
    sampleCountFloat: 0,
    sampleSum: 0,
    bucket: [],
    createdTimestampMs: undefined,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    zeroCountFloat: 0,
    negativeSpan: [],
    negativeDelta: [],
    negativeCount: [],
    positiveSpan: [],
    positiveDelta: [],
    positiveCount: [],
    exemplars: [],
  };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        h.sampleCount = uint64(r);
        break;
      case 4:
        h.sampleCountFloat = r.double();
        break;
      case 2:
        h.sampleSum = r.double();
        break;
      case 3:
        h.bucket.push(bucket(r));
        break;
      case 15:
        h.createdTimestampMs = timestampMs(r);
        break;
      case 5:
        h.schema = r.sint32();
        break;
      case 6:
        h.zeroThreshold = r.double();
        break;
      case 7:
        h.zeroCount = uint64(r);
        break;
      case 8:
        h.zeroCountFloat = r.double();
        break;
      case 9:
        h.negativeSpan.push(span(r));
        break;
      case 10:
        sint64s(r, tag, h.negativeDelta);
        break;
      case 11:
        doubles(r, tag, h.negativeCount);
        break;
      case 12:
        h.positiveSpan.push(span(r));
        break;
      case 13:
        sint64s(r, tag, h.positiveDelta);
        break;
      case 14:
        doubles(r, tag, h.positiveCount);
        break;
      case 16:
        h.exemplars.push(exemplar(r));
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return h;
}

function metric(r: Reader): PbMetric {
  const e = end(r);
  const m: PbMetric = {
    label: [],
    gauge: undefined,
    counter: undefined,
    summary: undefined,
    untyped: undefined,
    histogram: undefined,
    timestampMs: 0,
  };
  while (r.pos < e) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        m.label.push(labelPair(r));
        break;
      case 0x12:
        m.gauge = singleValue(r);
        break;
      case 0x1a:
        m.counter = counter(r);
        break;
      case 0x22:
        m.summary = summary(r);
        break;
      case 0x2a:
        m.untyped = singleValue(r);
        break;
      case 0x3a:
        m.histogram = histogram(r);
        break;
      case 0x30:
        m.timestampMs = int64(r);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return m;
}

/**
 * Decodes one MetricFamily message from `buf[start:end]`. Throws protobufjs's errors (RangeError
 * for truncated data, Error for bad wire types) on malformed input.
 */
export function decodeMetricFamily(buf: Uint8Array, start: number, endPos: number): PbMetricFamily {
  const r = protobuf.Reader.create(buf);
  r.pos = start;
  r.len = endPos;
  const mf: PbMetricFamily = { name: '', help: '', type: 0, metric: [], unit: '' };
  while (r.pos < endPos) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        mf.name = str(r);
        break;
      case 0x12:
        mf.help = str(r);
        break;
      case 0x18:
        mf.type = r.int32();
        break;
      case 0x22:
        mf.metric.push(metric(r));
        break;
      case 0x2a:
        mf.unit = str(r);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  if (r.pos !== endPos) throw new RangeError(`message overruns its length by ${r.pos - endPos} bytes`);
  return mf;
}

/**
 * Reads the varint length prefix of a delimited message at `pos` (Prometheus readDelimited):
 * returns [length, varint size], size 0 if the varint is invalid or longer than 5 bytes.
 */
export function readDelimitedLength(buf: Uint8Array, pos: number): [number, number] {
  let v = 0;
  for (let k = 0; k < 5 && pos + k < buf.length; k++) {
    const b = buf[pos + k]!;
    v += (b & 0x7f) * 2 ** (7 * k);
    if ((b & 0x80) === 0) return [v, k + 1];
  }
  return [0, 0];
}
