// Prometheus: tsdb/chunkenc/float_histogram.go FloatHistogramChunk and
// FloatHistogramAppender.AppendFloatHistogram
import type { Chunk, FloatHistogram, SampleIterator } from '@tsprom/storage-interfaces';
import { CounterResetHint, Encoding } from '@tsprom/storage-interfaces';
import { BitWriter } from './bit-writer.js';
import { ChunkEncodingError, HistogramNotAppendableError } from './errors.js';
import { FloatHistogramAppender, type FloatHistogramAppendTarget } from './float-histogram-appender.js';
import { FloatHistogramEncoder } from './float-histogram-encoder.js';
import { FloatHistogramIterator } from './float-histogram-iterator.js';
import { APPENDABLE, checkHistogram } from './histogram-encoder.js';
import { HISTOGRAM_HEADER_BYTES } from './histogram-iterator.js';
import { adjustForInserts, type Insert, insertBuckets } from './histogram-meta.js';
import { COUNTER_RESET_HEADER_MASK, CounterResetHeader, countSpans, type HistogramLayout } from './histogram-layout.js';
import type { FromBytesOptions } from './xor-chunk.js';

const COMPACT_THRESHOLD_BYTES = 32; // Prometheus: chunkCompactCapacityThreshold
const MAX_SAMPLES = 0xffff;

/**
 * Prometheus: FloatHistogramChunk. A chunk of float native histograms (encoding 3), byte for byte
 * what Prometheus writes: a uint16 sample count, a flags byte whose top bits are the counter reset
 * header, the layout the first sample dictates (zero threshold, schema, spans, custom bounds),
 * then per sample the varbit delta of delta of the timestamp and the XOR of count, zero count, sum
 * and each bucket (absolute counts, not deltas) (see reference/tsdb-format/chunks.md). Not safe for concurrent use.
 */
export class FloatHistogramChunk implements Chunk, FloatHistogramAppendTarget {
  // The encoder once the chunk is written to (new, or bytes being continued); null while the chunk
  // only reads borrowed bytes.
  #enc: FloatHistogramEncoder | null;
  #borrowed: Uint8Array | null = null;

  /** An empty chunk. */
  constructor() {
    this.#enc = new FloatHistogramEncoder();
  }

  /**
   * Prometheus: chunkenc.FromData(EncFloatHistogram, b). A chunk over existing bytes (borrowed, never
   * written to: appending works on a copy). Throws ChunkEncodingError for malformed bytes unless
   * `validate` is false.
   */
  static fromBytes(bytes: Uint8Array, options?: FromBytesOptions): FloatHistogramChunk {
    if (bytes.length < HISTOGRAM_HEADER_BYTES) {
      throw new ChunkEncodingError(`float histogram chunk of ${bytes.length} bytes is shorter than its header`);
    }
    const c = new FloatHistogramChunk();
    c.#enc = null;
    c.#borrowed = bytes;
    if (options?.validate ?? true) c.#decodeAll();
    return c;
  }

  // Decodes every sample; throws on malformed data or trailing bytes. Returns the final iterator.
  #decodeAll(): FloatHistogramIterator {
    const bytes = this.bytes();
    const it = new FloatHistogramIterator(bytes);
    while (it.next() !== 0) {}
    const err = it.err();
    if (err !== undefined) throw err;
    const st = it.decodeState();
    const used = Math.ceil(st.bitPos / 8);
    const extra = bytes.length - used;
    // Go's writer may leave one empty byte after a byte-aligned whole-byte write; nothing more.
    if (extra !== 0 && !(extra === 1 && (st.bitPos & 7) === 0 && bytes[used] === 0)) {
      throw new ChunkEncodingError(`float histogram chunk has ${extra} trailing bytes after its ${st.numRead} samples`);
    }
    return it;
  }

  encoding(): typeof Encoding.FloatHistogram {
    return Encoding.FloatHistogram;
  }

  /** The encoded bytes (header included): a view owned by the chunk, valid until the next append. */
  bytes(): Uint8Array {
    return this.#enc !== null ? this.#enc.b.bytes() : this.#borrowed!;
  }

  /** The number of encoded bytes, without making a view. */
  byteLength(): number {
    return this.#enc !== null ? this.#enc.b.length : this.#borrowed!.length;
  }

  numSamples(): number {
    const b = this.#enc !== null ? this.#enc.b.buf : this.#borrowed!; // No view: no allocation.
    return (b[0]! << 8) | b[1]!;
  }

  /** Prometheus: GetCounterResetHeader. One of CounterResetHeader. */
  counterResetHeader(): CounterResetHeader {
    const b = this.#enc !== null ? this.#enc.b.buf : this.#borrowed!;
    return (b[2]! & COUNTER_RESET_HEADER_MASK) as CounterResetHeader;
  }

  /** Prometheus: SetCounterResetHeader. Copies borrowed bytes first (they are never written). */
  setCounterResetHeader(h: CounterResetHeader): void {
    this.#encoder().setHeader(h);
  }

  /** Prometheus: FloatHistogramChunk.Layout. The layout of the first sample; throws on malformed bytes. */
  layout(): HistogramLayout {
    const it = new FloatHistogramIterator(this.bytes());
    if (it.next() === 0) {
      const err = it.err();
      if (err !== undefined) throw err;
      return { schema: 0, zeroThreshold: 0, positiveSpans: [], negativeSpans: [], customValues: [] };
    }
    const st = it.decodeState();
    return {
      schema: st.schema,
      zeroThreshold: st.zeroThreshold,
      positiveSpans: st.positiveSpans,
      negativeSpans: st.negativeSpans,
      customValues: st.customValues,
    };
  }

  /** An appender continuing after the last sample. Throws ChunkEncodingError on malformed bytes. */
  appender(): FloatHistogramAppender {
    this.#encoder();
    return new FloatHistogramAppender(this);
  }

  // The encoder; for borrowed bytes, recovered by decoding them into a copy.
  #encoder(): FloatHistogramEncoder {
    if (this.#enc !== null) return this.#enc;
    const bytes = this.#borrowed!;
    const st = this.#decodeAll().decodeState();
    const buf = new Uint8Array(Math.max(128, bytes.length * 2));
    buf.set(bytes);
    const count = bytes.length * 8 - st.bitPos; // 0..8: 8 is Go's empty trailing byte.
    if (count > 0 && count < 8) buf[bytes.length - 1]! &= ~((1 << count) - 1); // Writes OR into zero bits.
    this.#enc = FloatHistogramEncoder.fromDecodeState(new BitWriter(buf, bytes.length, count), st);
    this.#borrowed = null;
    return this.#enc;
  }

  /**
   * An iterator over the samples. `reuse` is reset and returned when it is a FloatHistogramIterator.
   */
  iterator(reuse?: SampleIterator): FloatHistogramIterator {
    if (reuse instanceof FloatHistogramIterator) {
      reuse.reset(this.bytes());
      return reuse;
    }
    return new FloatHistogramIterator(this.bytes());
  }

  /** Prometheus: FloatHistogramChunk.Compact. Drops spare capacity above 32 bytes. */
  compact(): void {
    const enc = this.#enc;
    if (enc === null) {
      const b = this.#borrowed!;
      if (b.buffer.byteLength > b.length + COMPACT_THRESHOLD_BYTES) this.#borrowed = b.slice();
      return;
    }
    if (enc.b.buf.length > enc.b.length + COMPACT_THRESHOLD_BYTES) {
      enc.b.buf = enc.b.buf.slice(0, enc.b.length);
    }
  }

  /**
   * Prometheus: FloatHistogramAppender.AppendHistogram(prev, t, h, appendOnly). Appends `h` at `t` (ms)
   * and returns undefined, or returns the chunk to continue with when `h` cannot go into this one:
   * - a new chunk holding just `h` (this one is complete), cut on a counter reset, a schema, zero
   *   threshold or custom bounds change, a switch between gauge and counter histograms, or a
   *   regular histogram after a stale marker; its counter reset header says why;
   * - a recoded copy of this chunk with `h` appended (more than one sample; it replaces this
   *   chunk), when `h` has buckets the chunk's layout lacks.
   * `prev` is the series' previous chunk when this one is new, so that the first sample's counter
   * reset header can be derived from it. With `appendOnly`, throws HistogramNotAppendableError
   * instead of cutting or recoding. Throws RangeError for a histogram that cannot be encoded (buckets that
   * disagree with the spans, a timestamp or integer count that is not a safe integer) or a full
   * chunk (65535 samples). `h` is neither kept nor changed.
   */
  appendFloatHistogram(
    t: number,
    h: FloatHistogram,
    prev?: FloatHistogramChunk,
    appendOnly = false,
  ): FloatHistogramChunk | undefined {
    const enc = this.#encoder();
    checkHistogram(t, h, false);
    if (enc.num === MAX_SAMPLES) throw new RangeError('float histogram chunk: full at 65535 samples');
    if (enc.num === 0) {
      enc.appendRaw(t, h);
      if (h.counterResetHint === CounterResetHint.Gauge) enc.setHeader(CounterResetHeader.GaugeType);
      else if (h.counterResetHint === CounterResetHint.CounterReset) enc.setHeader(CounterResetHeader.CounterReset);
      else if (prev !== undefined && prev.numSamples() > 0) {
        const r = prev.#encoder().appendable(h);
        enc.setHeader(r === APPENDABLE ? CounterResetHeader.NotCounterReset : (r as CounterResetHeader));
      }
      return undefined;
    }
    let hh = h;
    if (h.counterResetHint !== CounterResetHint.Gauge) {
      const r = enc.appendable(h);
      if (r !== APPENDABLE) {
        if (appendOnly)
          throw new HistogramNotAppendableError(
            r === CounterResetHeader.CounterReset ? 'counter reset' : 'layout change',
            t,
          );
        return newChunkWith(t, h, r as CounterResetHeader);
      }
      const pb = enc.expP.backward;
      const nb = enc.expN.backward;
      const pf = enc.expP.forward;
      const nf = enc.expN.forward;
      if (pb.length > 0 || nb.length > 0) {
        // h lacks empty buckets of the chunk: give them back to it (on a copy; h is the caller's).
        hh = { ...h };
        if (pf.length === 0 && nf.length === 0) {
          hh.positiveSpans = enc.pSpans;
          hh.negativeSpans = enc.nSpans;
        } else {
          hh.positiveSpans = adjustForInserts(h.positiveSpans, pb);
          hh.negativeSpans = adjustForInserts(h.negativeSpans, nb);
        }
        if (pb.length > 0)
          hh.positiveBuckets = insertBuckets(
            h.positiveBuckets,
            new Array<number>(countSpans(hh.positiveSpans)),
            pb,
            true,
          );
        if (nb.length > 0)
          hh.negativeBuckets = insertBuckets(
            h.negativeBuckets,
            new Array<number>(countSpans(hh.negativeSpans)),
            nb,
            true,
          );
      }
      if (pf.length > 0 || nf.length > 0) {
        if (appendOnly) throw new HistogramNotAppendableError('new buckets', t);
        return this.#recoded(t, hh, pf, nf);
      }
      enc.appendRaw(t, hh);
      return undefined;
    }
    const merged = enc.appendableGauge(h);
    if (merged === null) {
      if (appendOnly) throw new HistogramNotAppendableError('layout change', t);
      return newChunkWith(t, h, CounterResetHeader.GaugeType);
    }
    const pb = enc.expP.backward;
    const nb = enc.expN.backward;
    if (pb.length > 0 || nb.length > 0) {
      if (appendOnly) throw new HistogramNotAppendableError('new buckets', t);
      hh = { ...h, positiveSpans: merged[0], negativeSpans: merged[1] };
      if (pb.length > 0)
        hh.positiveBuckets = insertBuckets(h.positiveBuckets, new Array<number>(countSpans(merged[0])), pb, false);
      if (nb.length > 0)
        hh.negativeBuckets = insertBuckets(h.negativeBuckets, new Array<number>(countSpans(merged[1])), nb, false);
    }
    const pf = enc.expP.forward;
    const nf = enc.expN.forward;
    if (pf.length > 0 || nf.length > 0) {
      if (appendOnly) throw new HistogramNotAppendableError('new buckets', t);
      return this.#recoded(t, hh, pf, nf);
    }
    enc.appendRaw(t, hh);
    return undefined;
  }

  // Prometheus: FloatHistogramAppender.recode, then the append to the recoded chunk.
  #recoded(t: number, h: FloatHistogram, pf: readonly Insert[], nf: readonly Insert[]): FloatHistogramChunk {
    const c = new FloatHistogramChunk();
    const into = c.#enc!;
    this.#enc!.recodeInto(into, pf, nf, h.positiveSpans, h.negativeSpans);
    into.appendRaw(t, h);
    return c;
  }
}

function newChunkWith(t: number, h: FloatHistogram, header: CounterResetHeader): FloatHistogramChunk {
  const c = new FloatHistogramChunk();
  c.appendFloatHistogram(t, h);
  c.setCounterResetHeader(header);
  return c;
}
