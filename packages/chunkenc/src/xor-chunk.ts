// Prometheus: tsdb/chunkenc/xor.go XORChunk
import type { Chunk, SampleIterator } from '@tsprom/storage-interfaces';
import { Encoding } from '@tsprom/storage-interfaces';
import { BitWriter } from './bit-writer.js';
import { ChunkEncodingError } from './errors.js';
import { XORAppender } from './xor-appender.js';
import { type XORDecodeState, XORIterator, xorIteratorState } from './xor-iterator.js';

const HEADER_BYTES = 2; // Prometheus: chunkHeaderSize
const ALLOCATION_BYTES = 128; // Prometheus: chunkAllocationSize
const COMPACT_THRESHOLD_BYTES = 32; // Prometheus: chunkCompactCapacityThreshold

/** Options of `XORChunk.fromBytes`. */
export interface FromBytesOptions {
  /**
   * Decode every sample up front and throw `ChunkEncodingError` if the data is malformed (default
   * true). Pass false for bytes already known good (say, just written by this package); decoding
   * errors then surface through the iterator's `err()`.
   */
  validate?: boolean;
}

/**
 * A chunk of float samples in Prometheus's XOR (Gorilla) encoding: delta-of-delta timestamps and
 * XOR'd values, byte for byte what Prometheus writes. Bytes: a big-endian uint16 sample count, then
 * the bit stream (see reference/tsdb-format/chunks.md). Not safe for concurrent use.
 */
export class XORChunk implements Chunk {
  #w: BitWriter;
  // True while the bytes are the caller's (fromBytes): the first appender() copies them.
  #borrowed: boolean;

  /** An empty chunk with room for a typical 120-sample scrape chunk. */
  constructor() {
    if (adopt !== null) {
      this.#w = adopt;
      this.#borrowed = true;
      adopt = null;
    } else {
      this.#w = new BitWriter(new Uint8Array(ALLOCATION_BYTES), HEADER_BYTES, 0);
      this.#borrowed = false;
    }
  }

  /**
   * Prometheus: chunkenc.FromData(EncXOR, b). A chunk over existing bytes (header included). The
   * chunk borrows `bytes` without copying: they must not change while the chunk is in use; the
   * chunk never writes into them (appender() works on a copy). Throws `ChunkEncodingError` if the
   * bytes are malformed (unless `validate` is false).
   */
  static fromBytes(bytes: Uint8Array, options?: FromBytesOptions): XORChunk {
    if (bytes.length < HEADER_BYTES) {
      throw new ChunkEncodingError(`XOR chunk of ${bytes.length} bytes is shorter than its header`);
    }
    adopt = new BitWriter(bytes, bytes.length, 0);
    const c = new XORChunk();
    if (options?.validate ?? true) c.#decodeAll();
    return c;
  }

  // Iterates to the end and returns the decoder state; throws on malformed data or trailing bytes.
  #decodeAll(): XORDecodeState {
    const bytes = this.#w.bytes();
    const it = scratchIterator;
    it.reset(bytes);
    while (it.next() !== 0) {}
    const err = it.err();
    if (err !== undefined) throw err;
    const st = xorIteratorState(it, newState());
    // Go's writer leaves an empty trailing byte when the data ends on a byte boundary after a
    // whole-byte write (always so for one sample); anything more is not an XOR chunk.
    const usedBytes = Math.ceil(st.bitPos / 8);
    const extra = bytes.length - usedBytes;
    if (extra !== 0 && !(extra === 1 && (st.bitPos & 7) === 0 && bytes[usedBytes] === 0)) {
      throw new ChunkEncodingError(`XOR chunk has ${extra} trailing bytes after its ${st.numRead} samples`);
    }
    return st;
  }

  encoding(): typeof Encoding.XOR {
    return Encoding.XOR;
  }

  /** The encoded bytes (header included): a view owned by the chunk, valid until the next append. */
  bytes(): Uint8Array {
    return this.#w.bytes();
  }

  numSamples(): number {
    const b = this.#w.buf;
    return (b[0]! << 8) | b[1]!;
  }

  /**
   * Prometheus: XORChunk.Appender. An appender continuing after the last sample. On a non-empty
   * chunk it decodes the chunk to recover the encoder state, so further appends produce the same
   * bytes as if every sample had been appended through one appender. Throws `ChunkEncodingError` if
   * the chunk's bytes are malformed. Use one appender at a time.
   */
  appender(): XORAppender {
    if (this.#w.length === HEADER_BYTES && !this.#borrowed) return new XORAppender(this.#w, null);
    const st = this.#decodeAll();
    const len = this.#w.length;
    if (this.#borrowed) {
      const buf = new Uint8Array(Math.max(ALLOCATION_BYTES, len * 2));
      buf.set(this.#w.bytes());
      this.#w = new BitWriter(buf, len, 0);
      this.#borrowed = false;
    }
    // Bytes from outside (fromBytes) carry no writer state: derive it, and clear the padding bits,
    // which the OR-ing writer relies on. A no-op for chunks this package wrote.
    const count = len * 8 - st.bitPos; // 0..8: 8 is Go's empty trailing byte.
    if (count !== 0) this.#w.buf[len - 1]! &= ~((1 << count) - 1);
    this.#w.count = count;
    return new XORAppender(this.#w, st.numRead === 0 ? null : st);
  }

  /**
   * An iterator over the samples appended so far. `reuse` is reset and returned when it is an
   * XORIterator, so one iterator can walk many chunks without allocating.
   */
  iterator(reuse?: SampleIterator): XORIterator {
    if (reuse instanceof XORIterator) {
      reuse.reset(this.#w.bytes());
      return reuse;
    }
    return new XORIterator(this.#w.bytes());
  }

  /**
   * Prometheus: XORChunk.Compact. Drops spare capacity above 32 bytes once the chunk is complete.
   * A chunk from fromBytes whose bytes are a small view of a larger buffer (a whole file, say) gets
   * its own exact copy, so it no longer keeps that buffer alive.
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
const scratchIterator = new XORIterator();

function newState(): XORDecodeState {
  return { t: 0, tDelta: 0, tDeltaBig: null, hi: 0, lo: 0, leading: 0xff, trailing: 0, bitPos: 0, numRead: 0 };
}
