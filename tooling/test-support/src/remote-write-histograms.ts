// A Remote Write 1.0 request (prompb.WriteRequest, snappy block format) carrying native histograms,
// to feed real Prometheus in the interop tests of chunkenc and tsdb. Encoded by hand: @tsprom/remote
// depends on tsdb, which depends on chunkenc, so neither can use it. Snappy output is all literals:
// valid, just not compressed.
import type { FloatHistogram, Histogram, Span } from '@tsprom/storage-interfaces';
import { CounterResetHint } from '@tsprom/storage-interfaces';

/** One series of the request: labels (sorted by name) and integer or float histograms. */
export interface HistogramSeries {
  labels: [string, string][];
  samples: { t: number; h: Histogram | FloatHistogram; float: boolean }[];
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

class Pb {
  bytes: number[] = [];
  varint(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.bytes.push((x % 128) | 0x80);
      x = Math.floor(x / 128);
    }
    this.bytes.push(x);
  }
  zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  double(v: number): void {
    // Through a typed array element: an array literal `[v]` would quiet the stale marker's NaN.
    f64[0] = v;
    for (const x of f64Bytes) this.bytes.push(x);
  }
  message(field: number, body: Pb): void {
    this.tag(field, 2);
    this.varint(body.bytes.length);
    for (const x of body.bytes) this.bytes.push(x);
  }
  string(field: number, s: string): void {
    const b = new TextEncoder().encode(s);
    this.tag(field, 2);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
  }
}

function spans(p: Pb, field: number, ss: readonly Span[]): void {
  for (const s of ss) {
    const m = new Pb();
    m.tag(1, 0);
    m.zigzag(s.offset);
    m.tag(2, 0);
    m.varint(s.length);
    p.message(field, m);
  }
}

function packedZigzag(p: Pb, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const m = new Pb();
  for (const v of vs) m.zigzag(v);
  p.message(field, m);
}

function packedDouble(p: Pb, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const m = new Pb();
  for (const v of vs) m.double(v);
  p.message(field, m);
}

const RESET_HINT: Record<number, number> = {
  [CounterResetHint.Unknown]: 0,
  [CounterResetHint.CounterReset]: 1,
  [CounterResetHint.NotCounterReset]: 2,
  [CounterResetHint.Gauge]: 3,
};

function histogram(t: number, h: Histogram | FloatHistogram, float: boolean): Pb {
  const p = new Pb();
  if (float) {
    p.tag(2, 1);
    p.double(h.count);
  } else {
    p.tag(1, 0);
    p.varint(h.count);
  }
  p.tag(3, 1);
  p.double(h.sum);
  p.tag(4, 0);
  p.zigzag(h.schema);
  p.tag(5, 1);
  p.double(h.zeroThreshold);
  if (float) {
    p.tag(7, 1);
    p.double(h.zeroCount);
  } else {
    p.tag(6, 0);
    p.varint(h.zeroCount);
  }
  spans(p, 8, h.negativeSpans);
  if (float) packedDouble(p, 10, h.negativeBuckets);
  else packedZigzag(p, 9, h.negativeBuckets);
  spans(p, 11, h.positiveSpans);
  if (float) packedDouble(p, 13, h.positiveBuckets);
  else packedZigzag(p, 12, h.positiveBuckets);
  p.tag(14, 0);
  p.varint(RESET_HINT[h.counterResetHint] ?? 0);
  p.tag(15, 0);
  p.varint(t); // Positive timestamps only (int64 varint).
  packedDouble(p, 16, h.customValues ?? []);
  return p;
}

/** The protobuf WriteRequest for `series`. */
export function encodeHistogramWriteRequest(series: readonly HistogramSeries[]): Uint8Array {
  const req = new Pb();
  for (const s of series) {
    const ts = new Pb();
    for (const [name, value] of s.labels) {
      const l = new Pb();
      l.string(1, name);
      l.string(2, value);
      ts.message(1, l);
    }
    for (const { t, h, float } of s.samples) ts.message(4, histogram(t, h, float));
    req.message(1, ts);
  }
  return Uint8Array.from(req.bytes);
}

/** Snappy block format with literal elements only (what a remote write receiver decompresses). */
export function snappyLiterals(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let n = data.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  for (let i = 0; i < data.length; i += 65536) {
    const len = Math.min(65536, data.length - i);
    // Tag 61: the literal's length - 1 follows in two little-endian bytes.
    if (len <= 60) out.push((len - 1) << 2);
    else out.push(61 << 2, (len - 1) & 0xff, ((len - 1) >>> 8) & 0xff);
    for (let k = 0; k < len; k++) out.push(data[i + k]!);
  }
  return Uint8Array.from(out);
}
