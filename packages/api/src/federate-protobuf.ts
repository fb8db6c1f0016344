// Prometheus: prometheus/client_model io/prometheus/client/metrics.proto (MetricFamily, Metric,
// LabelPair, Untyped, Histogram, BucketSpan) written as expfmt's delimited encoder writes them for
// /federate: each family a varint length then its bytes, proto2 fields set as Go sets them
// (repeated scalars unpacked).
import type { FloatHistogram, Span } from '@tsprom/storage-interfaces';

/** The media type of the delimited protobuf exposition format (expfmt FmtProtoDelim). */
export const PROTO_DELIMITED_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** io.prometheus.client.MetricType values used by federation. */
export const FederatedType = { UNTYPED: 3, HISTOGRAM: 4, GAUGE_HISTOGRAM: 5 } as const;

/** One series of a federated family: labels in order, the latest sample (a float or a histogram). */
export interface FederatedMetric {
  readonly labels: readonly (readonly [string, string])[];
  readonly t: number;
  readonly f: number;
  readonly h: FloatHistogram | undefined;
}

const UTF8 = new TextEncoder();
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;

/** A growable buffer of protobuf wire data. */
class ProtoWriter {
  #buf = new Uint8Array(256);
  #len = 0;
  readonly #view = new DataView(new ArrayBuffer(8));

  get length(): number {
    return this.#len;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** An unsigned varint below 2^53. */
  varint(v: number): void {
    this.#ensure(10);
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  /** A signed 64-bit varint (int64: negatives as their two's complement, ten bytes). */
  int64(v: number): void {
    if (v >= 0) {
      this.varint(v);
      return;
    }
    // Two's complement of |v| on 64 bits, written 7 bits at a time from two 32-bit halves.
    const mag = -v;
    let lo = ~(mag % 0x100000000) >>> 0;
    let hi = ~Math.floor(mag / 0x100000000) >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    this.#ensure(10);
    for (let i = 0; i < 9; i++) {
      this.#buf[this.#len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.#buf[this.#len++] = lo & 0x01;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  doubleField(field: number, v: number): void {
    this.tag(field, WIRE_FIXED64);
    this.#ensure(8);
    this.#view.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.#buf[this.#len++] = this.#view.getUint8(i);
  }

  uintField(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }

  /** sint32 (zigzag). */
  sintField(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  int64Field(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.int64(v);
  }

  stringField(field: number, s: string): void {
    this.bytesField(field, UTF8.encode(s));
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(b.length);
    this.#ensure(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }
}

function spans(w: ProtoWriter, field: number, ss: readonly Span[]): void {
  for (const s of ss) {
    const m = new ProtoWriter();
    m.sintField(1, s.offset);
    m.uintField(2, s.length);
    w.bytesField(field, m.bytes());
  }
}

// Prometheus: web/federate.go: the fields of dto.Histogram a federated native histogram sets.
function histogram(h: FloatHistogram): Uint8Array {
  const w = new ProtoWriter();
  w.doubleField(2, h.sum);
  w.doubleField(4, h.count);
  w.sintField(5, h.schema);
  w.doubleField(6, h.zeroThreshold);
  w.doubleField(8, h.zeroCount);
  spans(w, 9, h.negativeSpans);
  for (const c of h.negativeBuckets) w.doubleField(11, c);
  spans(w, 12, h.positiveSpans);
  for (const c of h.positiveBuckets) w.doubleField(14, c);
  return w.bytes();
}

function metric(m: FederatedMetric): Uint8Array {
  const w = new ProtoWriter();
  for (const [name, value] of m.labels) {
    const l = new ProtoWriter();
    l.stringField(1, name);
    l.stringField(2, value);
    w.bytesField(1, l.bytes());
  }
  if (m.h === undefined) {
    const u = new ProtoWriter();
    u.doubleField(1, m.f);
    w.bytesField(5, u.bytes());
  }
  w.int64Field(6, m.t);
  if (m.h !== undefined) w.bytesField(7, histogram(m.h));
  return w.bytes();
}

/**
 * Appends one MetricFamily (`name`, `type`, its metrics) to `out` in the delimited encoding: its
 * length as a varint, then the message.
 */
export function writeDelimitedFamily(
  out: Uint8Array[],
  name: string,
  type: number,
  metrics: readonly FederatedMetric[],
): void {
  const w = new ProtoWriter();
  w.stringField(1, name);
  w.uintField(3, type);
  for (const m of metrics) w.bytesField(4, metric(m));
  const head = new ProtoWriter();
  head.varint(w.length);
  out.push(head.bytes().slice(), w.bytes().slice());
}
