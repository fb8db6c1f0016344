// Prometheus: tsdb/record/record.go Decoder
import { type Labels, ScratchBuilder } from '@tsprom/labels';
import type { CounterResetHint, FloatHistogram, Histogram, Span } from '@tsprom/storage-interfaces';
import { CustomBucketsSchema } from '@tsprom/storage-interfaces';
import { DecBuf } from './dec-buf.js';
import { RecordDecodeError } from './errors.js';
import { metricTypeFromByte, RecordType, recordTypeName } from './record-type.js';
import {
  growRefSamples,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type RefMmapMarker,
  type RefSample,
  type RefSamples,
  type RefSeries,
  type SeriesRefs,
  type Stone,
} from './ref-types.js';

const TWO_32 = 4294967296;

/**
 * Decodes WAL records written by Prometheus (any version up to the reference format) or by
 * {@link RecordEncoder}. The input bytes are only borrowed during the call; results own their
 * memory. Malformed records throw {@link RecordDecodeError}.
 */
export class RecordDecoder {
  readonly #sb = new ScratchBuilder();

  /** The record's type; `RecordType.Unknown` for an empty record or an unknown first byte. */
  type(rec: Uint8Array): RecordType {
    if (rec.length < 1) return RecordType.Unknown;
    const t = rec[0]!;
    return t >= 1 && t <= 10 ? (t as RecordType) : RecordType.Unknown;
  }

  /** Series of a series record, appended to `into` when given. */
  series(rec: Uint8Array, into: RefSeries[] = []): RefSeries[] {
    const d = this.#open(rec, RecordType.Series);
    while (d.remaining() > 0) {
      const ref = d.be64();
      into.push({ ref, labels: this.#labels(d) });
    }
    return into;
  }

  /**
   * The refs of a series record's entries and where each ends, into `into` from index 0 (see
   * `SeriesRefs`), without decoding the labels: allocates nothing unless `into` must grow. The
   * structure is checked as `series` checks it (label counts and lengths within the record), not
   * the label text. Returns the number of entries.
   */
  seriesRefsInto(rec: Uint8Array, into: SeriesRefs): number {
    const d = this.#open(rec, RecordType.Series);
    let n = 0;
    while (d.remaining() > 0) {
      const ref = d.be64();
      const pairs = d.uvarint();
      for (let i = 0; i < 2 * pairs; i++) d.skip(d.uvarint());
      if (n === into.refs.length) {
        const refs = new Float64Array(n * 2 + 16);
        const ends = new Float64Array(n * 2 + 16);
        refs.set(into.refs);
        ends.set(into.ends);
        into.refs = refs;
        into.ends = ends;
      }
      into.refs[n] = ref;
      into.ends[n++] = d.pos;
    }
    into.length = n;
    return n;
  }

  /** Samples of a samples record as objects, appended to `into` when given. */
  samples(rec: Uint8Array, into: RefSample[] = []): RefSample[] {
    const d = this.#open(rec, RecordType.Samples);
    if (d.remaining() === 0) return into;
    const ref0 = d.be64();
    const t0 = d.be64int();
    while (d.remaining() > 0) {
      const ref = ref0 + d.varint();
      const t = t0 + d.varint();
      into.push({ ref, t, v: d.beFloat64() });
    }
    return into;
  }

  /**
   * Samples of a samples record into columns, without allocating per sample: they go to
   * `into` from index `into.length` on, growing its arrays when needed. Returns the number decoded.
   */
  samplesInto(rec: Uint8Array, into: RefSamples): number {
    if (rec[0] !== RecordType.Samples) throw this.#wrongType(rec, RecordType.Samples);
    const n0 = into.length;
    if (rec.length === 1) return 0;
    if (rec.length < 17) throw new RecordDecodeError('invalid size: samples record ended early');
    // Every sample takes at least 10 bytes (two 1-byte varints and the value).
    growRefSamples(into, n0 + Math.floor((rec.length - 17) / 10));
    const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    const ref0 = dv.getUint32(1) * TWO_32 + dv.getUint32(5);
    const t0 = dv.getInt32(9) * TWO_32 + dv.getUint32(13);
    const { refs, ts, vs } = into;
    const end = rec.length;
    let p = 17;
    let n = n0;
    while (p < end) {
      // Inline zig-zag varints: samples are the bulk of every replay.
      let c = rec[p++]!;
      let u: number;
      if (c < 0x80) u = c;
      else {
        u = c & 0x7f;
        let mul = 128;
        for (;;) {
          if (p >= end) throw new RecordDecodeError('invalid size: samples record ended early');
          c = rec[p++]!;
          if (c < 0x80) {
            u += c * mul;
            break;
          }
          u += (c & 0x7f) * mul;
          mul *= 128;
          if (mul > 2 ** 63) throw new RecordDecodeError('varint overflows a 64-bit integer');
        }
      }
      const dref = u % 2 === 1 ? -(u + 1) / 2 : u / 2;
      if (p >= end) throw new RecordDecodeError('invalid size: samples record ended early');
      c = rec[p++]!;
      if (c < 0x80) u = c;
      else {
        u = c & 0x7f;
        let mul = 128;
        for (;;) {
          if (p >= end) throw new RecordDecodeError('invalid size: samples record ended early');
          c = rec[p++]!;
          if (c < 0x80) {
            u += c * mul;
            break;
          }
          u += (c & 0x7f) * mul;
          mul *= 128;
          if (mul > 2 ** 63) throw new RecordDecodeError('varint overflows a 64-bit integer');
        }
      }
      const dt = u % 2 === 1 ? -(u + 1) / 2 : u / 2;
      if (p + 8 > end) throw new RecordDecodeError('invalid size: samples record ended early');
      refs[n] = ref0 + dref;
      ts[n] = t0 + dt;
      vs[n] = dv.getFloat64(p);
      p += 8;
      n++;
    }
    into.length = n;
    return n - n0;
  }

  /** Tombstones of a tombstones record, one Stone per stored interval. */
  tombstones(rec: Uint8Array, into: Stone[] = []): Stone[] {
    const d = this.#open(rec, RecordType.Tombstones);
    while (d.remaining() > 0) {
      const ref = d.be64();
      const mint = d.varint();
      const maxt = d.varint();
      into.push({ ref, intervals: [{ mint, maxt }] });
    }
    return into;
  }

  /** Exemplars of an exemplars record. */
  exemplars(rec: Uint8Array, into: RefExemplar[] = []): RefExemplar[] {
    const d = this.#open(rec, RecordType.Exemplars);
    if (d.remaining() === 0) return into;
    const ref0 = d.be64();
    const t0 = d.be64int();
    while (d.remaining() > 0) {
      const ref = ref0 + d.varint();
      const t = t0 + d.varint();
      const v = d.beFloat64();
      into.push({ ref, t, v, labels: this.#labels(d) });
    }
    return into;
  }

  /** Markers of an m-map markers record. */
  mmapMarkers(rec: Uint8Array, into: RefMmapMarker[] = []): RefMmapMarker[] {
    const d = this.#open(rec, RecordType.MmapMarkers);
    while (d.remaining() > 0) {
      const ref = d.be64();
      into.push({ ref, mmapRef: d.be64() });
    }
    return into;
  }

  /** Metadata of a metadata record; fields other than UNIT and HELP are skipped, as Prometheus does. */
  metadata(rec: Uint8Array, into: RefMetadata[] = []): RefMetadata[] {
    const d = this.#open(rec, RecordType.Metadata);
    while (d.remaining() > 0) {
      const ref = d.uvarint();
      const type = metricTypeFromByte(d.byte());
      const n = d.uvarint();
      let unit = '';
      let help = '';
      for (let i = 0; i < n; i++) {
        const name = d.uvarintStr();
        const value = d.uvarintStr();
        if (name === 'UNIT') unit = value;
        else if (name === 'HELP') help = value;
      }
      into.push({ ref, type, unit, help });
    }
    return into;
  }

  /** Integer histogram samples of a type 7 or type 9 record. */
  histogramSamples(rec: Uint8Array, into: RefHistogramSample[] = []): RefHistogramSample[] {
    const t = rec[0];
    if (t !== RecordType.HistogramSamples && t !== RecordType.CustomBucketsHistogramSamples) {
      throw this.#wrongType(rec, RecordType.HistogramSamples);
    }
    const d = new DecBuf(rec, 1);
    if (d.remaining() === 0) return into;
    const ref0 = d.be64();
    const t0 = d.be64int();
    while (d.remaining() > 0) {
      const ref = ref0 + d.varint();
      const ts = t0 + d.varint();
      into.push({ ref, t: ts, h: decodeHistogram(d) });
    }
    return into;
  }

  /** Float histogram samples of a type 8 or type 10 record. */
  floatHistogramSamples(rec: Uint8Array, into: RefFloatHistogramSample[] = []): RefFloatHistogramSample[] {
    const t = rec[0];
    if (t !== RecordType.FloatHistogramSamples && t !== RecordType.CustomBucketsFloatHistogramSamples) {
      throw this.#wrongType(rec, RecordType.FloatHistogramSamples);
    }
    const d = new DecBuf(rec, 1);
    if (d.remaining() === 0) return into;
    const ref0 = d.be64();
    const t0 = d.be64int();
    while (d.remaining() > 0) {
      const ref = ref0 + d.varint();
      const ts = t0 + d.varint();
      into.push({ ref, t: ts, fh: decodeFloatHistogram(d) });
    }
    return into;
  }

  #open(rec: Uint8Array, type: RecordType): DecBuf {
    if (rec[0] !== type) throw this.#wrongType(rec, type);
    return new DecBuf(rec, 1);
  }

  #wrongType(rec: Uint8Array, want: RecordType): RecordDecodeError {
    const got = rec.length === 0 ? 'empty record' : `type ${rec[0]} (${recordTypeName(rec[0]!)})`;
    return new RecordDecodeError(`invalid record type: want ${recordTypeName(want)}, got ${got}`);
  }

  #labels(d: DecBuf): Labels {
    const sb = this.#sb;
    sb.reset();
    const n = d.uvarint();
    for (let i = 0; i < n; i++) {
      const name = d.uvarintStr();
      sb.add(name, d.uvarintStr());
    }
    return sb.labels();
  }
}

/** Reads a count of items that take at least one byte each, rejecting counts the record cannot hold. */
function readCount(d: DecBuf): number {
  const n = d.uvarint();
  if (n > d.remaining())
    throw new RecordDecodeError(`invalid size: count ${n} exceeds the ${d.remaining()} bytes left`);
  return n;
}

function decodeSpans(d: DecBuf): Span[] {
  const n = readCount(d);
  const spans: Span[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const offset = d.varint();
    spans[i] = { offset, length: d.uvarint() };
  }
  return spans;
}

function decodeCustomValues(d: DecBuf): number[] {
  const n = readCount(d);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = d.beFloat64();
  return out;
}

/** Prometheus: record.DecodeHistogram. */
export function decodeHistogram(d: DecBuf): Histogram {
  const counterResetHint = d.byte() as CounterResetHint;
  const schema = d.varint();
  const zeroThreshold = d.beFloat64();
  const zeroCount = d.uvarint();
  const count = d.uvarint();
  const sum = d.beFloat64();
  const positiveSpans = decodeSpans(d);
  const negativeSpans = decodeSpans(d);
  const np = readCount(d);
  const positiveBuckets: number[] = new Array(np);
  for (let i = 0; i < np; i++) positiveBuckets[i] = d.varint();
  const nn = readCount(d);
  const negativeBuckets: number[] = new Array(nn);
  for (let i = 0; i < nn; i++) negativeBuckets[i] = d.varint();
  const h: Histogram = {
    counterResetHint,
    schema,
    zeroThreshold,
    zeroCount,
    count,
    sum,
    positiveSpans,
    negativeSpans,
    positiveBuckets,
    negativeBuckets,
  };
  if (schema === CustomBucketsSchema) h.customValues = decodeCustomValues(d);
  return h;
}

/** Prometheus: record.DecodeFloatHistogram. */
export function decodeFloatHistogram(d: DecBuf): FloatHistogram {
  const counterResetHint = d.byte() as CounterResetHint;
  const schema = d.varint();
  const zeroThreshold = d.beFloat64();
  const zeroCount = d.beFloat64();
  const count = d.beFloat64();
  const sum = d.beFloat64();
  const positiveSpans = decodeSpans(d);
  const negativeSpans = decodeSpans(d);
  const np = readCount(d);
  const positiveBuckets: number[] = new Array(np);
  for (let i = 0; i < np; i++) positiveBuckets[i] = d.beFloat64();
  const nn = readCount(d);
  const negativeBuckets: number[] = new Array(nn);
  for (let i = 0; i < nn; i++) negativeBuckets[i] = d.beFloat64();
  const h: FloatHistogram = {
    counterResetHint,
    schema,
    zeroThreshold,
    zeroCount,
    count,
    sum,
    positiveSpans,
    negativeSpans,
    positiveBuckets,
    negativeBuckets,
  };
  if (schema === CustomBucketsSchema) h.customValues = decodeCustomValues(d);
  return h;
}
