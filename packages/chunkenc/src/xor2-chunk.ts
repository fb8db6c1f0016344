// Prometheus: tsdb/chunkenc/xor2.go XOR2Chunk (the layout is in reference/tsdb-format/chunks.md,
// "XOR2 chunk data"; the Go source was not available, so this follows that text).
import type { Chunk, SampleIterator } from '@tsprom/storage-interfaces';
import { Encoding } from '@tsprom/storage-interfaces';
import { BitWriter } from './bit-writer.js';
import { ChunkEncodingError } from './errors.js';
import type { FromBytesOptions } from './xor-chunk.js';
import { XOR2Appender } from './xor2-appender.js';
import { XOR2_HEADER_BYTES, type XOR2DecodeState, XOR2Iterator, xor2IteratorState } from './xor2-iterator.js';

const ALLOCATION_BYTES = 128; // Prometheus: chunkAllocationSize
const COMPACT_THRESHOLD_BYTES = 32; // Prometheus: chunkCompactCapacityThreshold

/**
 * A chunk of float samples with optional start timestamps (ST) in Prometheus 3's XOR2 encoding:
 * XOR's delta-of-delta timestamps and XOR'd values, with a joint prefix for the timestamp dod and
 * the value change from the third sample on, a short code for the stale marker, and the STs after
 * the samples that need them. Bytes: a big-endian uint16 sample count, the ST header byte, then
 * the bit stream (see reference/tsdb-format/chunks.md).
 *
 * Prometheus before 3.x cannot read XOR2 (2.42 rejects the encoding byte): write it only when the
 * operator asked for it; XOR stays the default. Its encoding byte is `Encoding.XOR2` = 4, a value
 * this project guessed: the reference points at Prometheus's chunk.go for it, which was not
 * available, so it is UNVERIFIED. Not safe for concurrent use.
 */
export class XOR2Chunk implements Chunk {
  #w: BitWriter;
  // True while the bytes are the caller's (fromBytes): the first appender() copies them.
  #borrowed: boolean;
  // The appender `append` goes through: the latest one `appender()` handed out, created on the
  // first `append` otherwise. Holds the encoder state between appends.
  #app: XOR2Appender | undefined;

  /** An empty chunk with room for a typical 120-sample scrape chunk. */
  constructor() {
    if (adopt !== null) {
      this.#w = adopt;
      this.#borrowed = true;
      adopt = null;
    } else {
      this.#w = new BitWriter(new Uint8Array(ALLOCATION_BYTES), XOR2_HEADER_BYTES, 0);
      this.#borrowed = false;
    }
  }

  /**
   * A chunk over existing bytes (header included), as Prometheus's chunkenc.FromData. The chunk
   * borrows `bytes` without copying: they must not change while the chunk is in use; the chunk
   * never writes into them (appender() works on a copy). Throws `ChunkEncodingError` if the bytes
   * are malformed (unless `validate` is false; errors then surface through the iterator's err()).
   */
  static fromBytes(bytes: Uint8Array, options?: FromBytesOptions): XOR2Chunk {
    if (bytes.length < XOR2_HEADER_BYTES) {
      throw new ChunkEncodingError(`XOR2 chunk of ${bytes.length} bytes is shorter than its header`);
    }
    adopt = new BitWriter(bytes, bytes.length, 0);
    const c = new XOR2Chunk();
    if (options?.validate ?? true) c.#decodeAll();
    return c;
  }

  // Iterates to the end and returns the decoder state; throws on malformed data or trailing bytes.
  #decodeAll(): XOR2DecodeState {
    const bytes = this.#w.bytes();
    const num = (bytes[0]! << 8) | bytes[1]!;
    const stChangedOn = bytes[2]! & 0x7f;
    // A writer sets st_changed_on while appending that sample, so it always names one present.
    if (stChangedOn !== 0 && stChangedOn >= num) {
      throw new ChunkEncodingError(`XOR2 chunk: st_changed_on ${stChangedOn} but only ${num} samples`);
    }
    const it = scratchIterator;
    it.reset(bytes);
    while (it.next() !== 0) {}
    const err = it.err();
    if (err !== undefined) throw err;
    const st = xor2IteratorState(it, newState());
    // Go's bit writer leaves an empty trailing byte after a whole-byte write that ends on a byte
    // boundary (always so for one sample); anything more is not an XOR2 chunk.
    const usedBytes = Math.ceil(st.bitPos / 8);
    const extra = bytes.length - usedBytes;
    if (extra !== 0 && !(extra === 1 && (st.bitPos & 7) === 0 && bytes[usedBytes] === 0 && num > 0)) {
      throw new ChunkEncodingError(`XOR2 chunk has ${extra} trailing bytes after its ${st.numRead} samples`);
    }
    return st;
  }

  /** `Encoding.XOR2` (4; the value is unverified, see the class comment). */
  encoding(): typeof Encoding.XOR2 {
    return Encoding.XOR2;
  }

  /** The encoded bytes (header included): a view owned by the chunk, valid until the next append. */
  bytes(): Uint8Array {
    return this.#w.bytes();
  }

  numSamples(): number {
    const b = this.#w.buf;
    return (b[0]! << 8) | b[1]!;
  }

  /** The number of encoded bytes (header included), without making a view. */
  byteLength(): number {
    return this.#w.length;
  }

  /**
   * Appends a sample after the last one, as `appender().append` does without an appender object
   * per call (the head appends to its open chunks this way): `t` in ms, `v` any float, `st` its
   * start timestamp (0 = unknown). Goes through the appender `appender()` handed out last, so do
   * not append through an older one after. Allocates nothing per sample. Throws as
   * `XOR2Appender.append` does, and `ChunkEncodingError` if bytes from `fromBytes` are malformed.
   */
  append(t: number, v: number, st = 0): void {
    let app = this.#app;
    if (app === undefined) app = this.appender();
    app.append(t, v, st);
  }

  /**
   * An appender continuing after the last sample. On a non-empty chunk it decodes the chunk to
   * recover the encoder state, so further appends produce the same bytes as if every sample had
   * been appended through one appender. Throws `ChunkEncodingError` if the chunk's bytes are
   * malformed. Use one appender at a time.
   */
  appender(): XOR2Appender {
    const app = this.#newAppender();
    this.#app = app;
    return app;
  }

  #newAppender(): XOR2Appender {
    if (this.#w.length === XOR2_HEADER_BYTES && !this.#borrowed) return new XOR2Appender(this.#w, null);
    const st = this.#decodeAll();
    const len = this.#w.length;
    if (this.#borrowed) {
      const buf = new Uint8Array(Math.max(ALLOCATION_BYTES, len * 2));
      buf.set(this.#w.bytes());
      this.#w = new BitWriter(buf, len, 0);
      this.#borrowed = false;
    }
    // Bytes from outside carry no writer state: derive it, and clear the padding bits, which the
    // OR-ing writer relies on. A no-op for chunks this package wrote.
    const count = len * 8 - st.bitPos; // 0..8: 8 is Go's empty trailing byte.
    if (count !== 0) this.#w.buf[len - 1]! &= ~((1 << count) - 1);
    this.#w.count = count;
    return new XOR2Appender(this.#w, st.numRead === 0 ? null : st);
  }

  /**
   * An iterator over the samples appended so far. `reuse` is reset and returned when it is an
   * XOR2Iterator, so one iterator can walk many chunks without allocating.
   */
  iterator(reuse?: SampleIterator): XOR2Iterator {
    if (reuse instanceof XOR2Iterator) {
      reuse.reset(this.#w.bytes());
      return reuse;
    }
    return new XOR2Iterator(this.#w.bytes());
  }

  /**
   * Empties the chunk so that it is appended to as a new one, keeping its buffer (no allocation).
   * Only for an owner that knows nobody else holds the chunk, its bytes or an iterator over them:
   * they would see the new samples. Bytes from `fromBytes` are never written to: the chunk gets a
   * buffer of its own then. Appenders handed out before must not be used after.
   */
  reset(): void {
    const w = this.#w;
    if (this.#borrowed) {
      this.#w = new BitWriter(new Uint8Array(ALLOCATION_BYTES), XOR2_HEADER_BYTES, 0);
      this.#borrowed = false;
    } else {
      w.buf.fill(0, 0, w.length); // Unwritten bits must be zero: the writer ORs into them.
      w.length = XOR2_HEADER_BYTES;
      w.count = 0;
    }
    this.#app = undefined;
  }

  /**
   * Drops spare capacity above 32 bytes once the chunk is complete. A chunk from fromBytes whose
   * bytes are a small view of a larger buffer gets its own exact copy, so it no longer keeps that
   * buffer alive.
   */
  compact(): void {
    const w = this.#w;
    const capacity = this.#borrowed ? w.buf.buffer.byteLength : w.buf.length;
    if (capacity > w.length + COMPACT_THRESHOLD_BYTES) {
      w.buf = w.buf.slice(0, w.length);
      this.#borrowed = false;
    }
  }
}

// Set by fromBytes for the constructor to adopt instead of allocating a fresh buffer.
let adopt: BitWriter | null = null;
// Validation and appender() decode synchronously to the end, so one iterator serves them all.
const scratchIterator = new XOR2Iterator();

function newState(): XOR2DecodeState {
  return {
    t: 0,
    tDelta: 0,
    tDeltaBig: null,
    hi: 0,
    lo: 0,
    leading: 0xff,
    trailing: 0,
    st: 0,
    stDelta: 0,
    stDeltaBig: null,
    bitPos: 0,
    numRead: 0,
  };
}
