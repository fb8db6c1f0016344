// Prometheus: tsdb/record/record.go Encoder
import type { Labels } from '@tsprom/labels';
import { CustomBucketsSchema, type FloatHistogram, type Histogram, type Span } from '@tsprom/storage-interfaces';
import { EncBuf } from './enc-buf.js';
import { metricTypeToByte, RecordType } from './record-type.js';
import type {
  RefExemplar,
  RefFloatHistogramSample,
  RefHistogramSample,
  RefMetadata,
  RefMmapMarker,
  RefSample,
  RefSamples,
  RefSeries,
  Stone,
} from './ref-types.js';

/**
 * Encodes WAL records byte for byte as Prometheus's `record.Encoder`. Every method returns a new
 * Uint8Array owned by the caller. Not safe for concurrent use (it reuses one scratch buffer), which
 * in single-threaded JS only matters across `await`s: none happen inside a method.
 */
export class RecordEncoder {
  readonly #buf = new EncBuf(64 * 1024);

  /** A series record (type 1). */
  series(series: readonly RefSeries[]): Uint8Array {
    const buf = this.#start(RecordType.Series);
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      buf.putBE64(s.ref);
      putLabels(buf, s.labels);
    }
    return buf.bytes();
  }

  /** A samples record (type 2). An empty list encodes as the type byte alone, as in Prometheus. */
  samples(samples: readonly RefSample[]): Uint8Array {
    const buf = this.#start(RecordType.Samples);
    if (samples.length === 0) return buf.bytes();
    const first = samples[0]!;
    buf.putBE64(first.ref);
    buf.putBE64int(first.t);
    buf.reserve(samples.length * 20);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      buf.putVarint(s.ref - first.ref);
      buf.putVarint(s.t - first.t);
      buf.putBEFloat64(s.v);
    }
    return buf.bytes();
  }

  /** A samples record (type 2) from columns: entries `[from, to)` of `s` (default: all). */
  samplesColumnar(s: RefSamples, from = 0, to = s.length): Uint8Array {
    const buf = this.#start(RecordType.Samples);
    if (to <= from) return buf.bytes();
    const { refs, ts, vs } = s;
    const ref0 = refs[from]!;
    const t0 = ts[from]!;
    buf.putBE64(ref0);
    buf.putBE64int(t0);
    buf.putSampleDeltas(refs, ts, vs, from, to, ref0, t0);
    return buf.bytes();
  }

  /**
   * A tombstones record (type 3): one entry (ref, mint, maxt) per interval. Decoding gives one
   * Stone per interval, as in Prometheus.
   */
  tombstones(stones: readonly Stone[]): Uint8Array {
    const buf = this.#start(RecordType.Tombstones);
    for (const s of stones) {
      for (const iv of s.intervals) {
        buf.putBE64(s.ref);
        buf.putVarint(iv.mint);
        buf.putVarint(iv.maxt);
      }
    }
    return buf.bytes();
  }

  /** An exemplars record (type 4). */
  exemplars(exemplars: readonly RefExemplar[]): Uint8Array {
    const buf = this.#start(RecordType.Exemplars);
    if (exemplars.length === 0) return buf.bytes();
    const first = exemplars[0]!;
    buf.putBE64(first.ref);
    buf.putBE64int(first.t);
    for (const e of exemplars) {
      buf.putVarint(e.ref - first.ref);
      buf.putVarint(e.t - first.t);
      buf.putBEFloat64(e.v);
      putLabels(buf, e.labels);
    }
    return buf.bytes();
  }

  /** An m-map markers record (type 5). */
  mmapMarkers(markers: readonly RefMmapMarker[]): Uint8Array {
    const buf = this.#start(RecordType.MmapMarkers);
    for (const m of markers) {
      buf.putBE64(m.ref);
      buf.putBE64(m.mmapRef);
    }
    return buf.bytes();
  }

  /** A metadata record (type 6), with the two fields Prometheus writes: UNIT and HELP. */
  metadata(metadata: readonly RefMetadata[]): Uint8Array {
    const buf = this.#start(RecordType.Metadata);
    for (const m of metadata) {
      buf.putUvarint(m.ref);
      buf.putByte(metricTypeToByte(m.type));
      buf.putUvarint(2);
      buf.putUvarintStr('UNIT');
      buf.putUvarintStr(m.unit);
      buf.putUvarintStr('HELP');
      buf.putUvarintStr(m.help);
    }
    return buf.bytes();
  }

  /**
   * Integer native histogram samples: type 7 for exponential schemas, type 9 for custom buckets
   * (schema -53), as Prometheus splits them. Returns zero, one or two records (an empty input
   * gives one record holding only the type byte, as Prometheus writes it).
   */
  histogramSamples(hs: readonly RefHistogramSample[]): Uint8Array[] {
    if (hs.length === 0) return [new Uint8Array([RecordType.HistogramSamples])];
    const out: Uint8Array[] = [];
    const expo = hs.filter((s) => s.h.schema !== CustomBucketsSchema);
    const custom = hs.filter((s) => s.h.schema === CustomBucketsSchema);
    if (expo.length > 0) out.push(this.#histograms(RecordType.HistogramSamples, expo));
    if (custom.length > 0) out.push(this.#histograms(RecordType.CustomBucketsHistogramSamples, custom));
    return out;
  }

  /** Float native histogram samples: type 8, or 10 for custom buckets. See `histogramSamples`. */
  floatHistogramSamples(hs: readonly RefFloatHistogramSample[]): Uint8Array[] {
    if (hs.length === 0) return [new Uint8Array([RecordType.FloatHistogramSamples])];
    const out: Uint8Array[] = [];
    const expo = hs.filter((s) => s.fh.schema !== CustomBucketsSchema);
    const custom = hs.filter((s) => s.fh.schema === CustomBucketsSchema);
    if (expo.length > 0) out.push(this.#floatHistograms(RecordType.FloatHistogramSamples, expo));
    if (custom.length > 0) out.push(this.#floatHistograms(RecordType.CustomBucketsFloatHistogramSamples, custom));
    return out;
  }

  #histograms(type: number, hs: readonly RefHistogramSample[]): Uint8Array {
    const buf = this.#start(type);
    const first = hs[0]!;
    buf.putBE64(first.ref);
    buf.putBE64int(first.t);
    for (const s of hs) {
      buf.putVarint(s.ref - first.ref);
      buf.putVarint(s.t - first.t);
      encodeHistogram(buf, s.h);
    }
    return buf.bytes();
  }

  #floatHistograms(type: number, hs: readonly RefFloatHistogramSample[]): Uint8Array {
    const buf = this.#start(type);
    const first = hs[0]!;
    buf.putBE64(first.ref);
    buf.putBE64int(first.t);
    for (const s of hs) {
      buf.putVarint(s.ref - first.ref);
      buf.putVarint(s.t - first.t);
      encodeFloatHistogram(buf, s.fh);
    }
    return buf.bytes();
  }

  #start(type: number): EncBuf {
    const buf = this.#buf;
    buf.reset();
    buf.putByte(type);
    return buf;
  }
}

/** Prometheus: record.EncodeLabels. Count as uvarint, then name/value pairs as uvarint strings. */
export function putLabels(buf: EncBuf, ls: Labels): void {
  buf.putUvarint(ls.length);
  ls.forEach((name, value) => {
    buf.putUvarintStr(name);
    buf.putUvarintStr(value);
  });
}

function putSpans(buf: EncBuf, spans: readonly Span[]): void {
  buf.putUvarint(spans.length);
  for (const s of spans) {
    buf.putVarint(s.offset);
    buf.putUvarint(s.length);
  }
}

function putCustomValues(buf: EncBuf, values: readonly number[] | undefined): void {
  const n = values?.length ?? 0;
  buf.putUvarint(n);
  for (let i = 0; i < n; i++) buf.putBEFloat64(values![i]!);
}

/** Prometheus: record.EncodeHistogram. */
export function encodeHistogram(buf: EncBuf, h: Histogram): void {
  buf.putByte(h.counterResetHint);
  buf.putVarint(h.schema);
  buf.putBEFloat64(h.zeroThreshold);
  buf.putUvarint(h.zeroCount);
  buf.putUvarint(h.count);
  buf.putBEFloat64(h.sum);
  putSpans(buf, h.positiveSpans);
  putSpans(buf, h.negativeSpans);
  buf.putUvarint(h.positiveBuckets.length);
  for (const b of h.positiveBuckets) buf.putVarint(b);
  buf.putUvarint(h.negativeBuckets.length);
  for (const b of h.negativeBuckets) buf.putVarint(b);
  if (h.schema === CustomBucketsSchema) putCustomValues(buf, h.customValues);
}

/** Prometheus: record.EncodeFloatHistogram. */
export function encodeFloatHistogram(buf: EncBuf, h: FloatHistogram): void {
  buf.putByte(h.counterResetHint);
  buf.putVarint(h.schema);
  buf.putBEFloat64(h.zeroThreshold);
  buf.putBEFloat64(h.zeroCount);
  buf.putBEFloat64(h.count);
  buf.putBEFloat64(h.sum);
  putSpans(buf, h.positiveSpans);
  putSpans(buf, h.negativeSpans);
  buf.putUvarint(h.positiveBuckets.length);
  for (const b of h.positiveBuckets) buf.putBEFloat64(b);
  buf.putUvarint(h.negativeBuckets.length);
  for (const b of h.negativeBuckets) buf.putBEFloat64(b);
  if (h.schema === CustomBucketsSchema) putCustomValues(buf, h.customValues);
}
