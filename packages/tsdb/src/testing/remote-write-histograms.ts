// Test helper: a Remote Write 1.0 request (prompb.WriteRequest, snappy) carrying integer native
// histograms, to feed real Prometheus in interop tests. Encoded here: @tsprom/remote depends on
// this package. Test helper, not part of the API.
import type { Histogram, Span } from '@tsprom/storage-interfaces';
import { snappyEncode } from '../wlog/snappy.js';

/** One series: labels (sorted by name) and its histogram samples in time order. */
export interface HistogramSeries {
  labels: [string, string][];
  samples: { t: number; h: Histogram }[];
}

class Pb {
  readonly bytes: number[] = [];
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
  double(field: number, v: number): void {
    this.tag(field, 1);
    for (const b of new Uint8Array(new Float64Array([v]).buffer)) this.bytes.push(b);
  }
  message(field: number, m: Pb): void {
    this.tag(field, 2);
    this.varint(m.bytes.length);
    for (const b of m.bytes) this.bytes.push(b);
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

function deltas(p: Pb, field: number, vs: readonly number[]): void {
  if (vs.length === 0) return;
  const m = new Pb();
  for (const v of vs) m.zigzag(v);
  p.message(field, m);
}

// prompb.Histogram: count_int 1, sum 3, schema 4, zero_threshold 5, zero_count_int 6,
// negative_spans 8, negative_deltas 9, positive_spans 11, positive_deltas 12, reset_hint 14,
// timestamp 15.
function histogram(t: number, h: Histogram): Pb {
  const p = new Pb();
  p.tag(1, 0);
  p.varint(h.count);
  p.double(3, h.sum);
  p.tag(4, 0);
  p.zigzag(h.schema);
  p.double(5, h.zeroThreshold);
  p.tag(6, 0);
  p.varint(h.zeroCount);
  spans(p, 8, h.negativeSpans);
  deltas(p, 9, h.negativeBuckets);
  spans(p, 11, h.positiveSpans);
  deltas(p, 12, h.positiveBuckets);
  p.tag(14, 0);
  p.varint(h.counterResetHint);
  p.tag(15, 0);
  p.varint(t);
  return p;
}

/** The snappy-compressed protobuf WriteRequest for `series`, ready to POST to /api/v1/write. */
export function histogramWriteRequest(series: readonly HistogramSeries[]): Uint8Array {
  const req = new Pb();
  for (const s of series) {
    const ts = new Pb();
    for (const [name, value] of s.labels) {
      const l = new Pb();
      l.string(1, name);
      l.string(2, value);
      ts.message(1, l);
    }
    for (const { t, h } of s.samples) ts.message(4, histogram(t, h));
    req.message(1, ts);
  }
  return snappyEncode(Uint8Array.from(req.bytes));
}
