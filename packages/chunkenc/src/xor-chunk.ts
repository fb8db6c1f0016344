// Prometheus: tsdb/chunkenc/xor.go XORChunk
import type { Chunk, SampleIterator } from '@tsprom/storage-interfaces';
import { Encoding } from '@tsprom/storage-interfaces';
import { growRegion, MAX_REGION_BYTES, slabRegion } from './chunk-slab.js';
import { ChunkEncodingError } from './errors.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { putUvarint, putUvarintBig, putVarint } from './varint.js';
import { XORAppender } from './xor-appender.js';
import { resetXORIterator, type XORDecodeState, XORIterator, xorIteratorState } from './xor-iterator.js';

const HEADER_BYTES = 2; // Prometheus: chunkHeaderSize
const ALLOCATION_BYTES = 128; // Prometheus: chunkAllocationSize
const COMPACT_THRESHOLD_BYTES = 32; // Prometheus: chunkCompactCapacityThreshold
const MAX_SAMPLES = 0xffff; // The header is a uint16.
// Room made before each append: 19 bytes at most a sample, and the bytes putBits and put32 store
// past the bits they write (3 and 4).
const APPEND_ROOM = 24;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;
const TYPICAL_SAMPLES = 120; // Prometheus: DefaultSamplesPerChunk.

const varintScratch = new Uint8Array(10);
// The sample being appended (time, value), and the value's high and low 32 bits, each in a view of
// its own read at index 0: no imported HI/LO binding to load and check per append.
const io = new Float64Array(2);
const ioHi = new Int32Array(io.buffer, 8 + 4 * HI, 1);
const ioLo = new Int32Array(io.buffer, 8 + 4 * LO, 1);

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
  // The bit stream (Prometheus's bstream, as BitWriter writes it), inline: one object fewer per
  // open chunk, and one dependent load fewer per append. Bytes past #len are spare capacity;
  // #count is the number of unwritten low bits of the last byte (0..8, 8 being Go's empty trailing
  // byte); unwritten bits are zero.
  #buf: Uint8Array;
  #len: number;
  #count = 0;
  // The sample count. Appends update only this field; the header bytes are brought up to date when
  // the bytes are handed out (#view), so an append does not touch the buffer's first cache line.
  #num: number;
  // True while the bytes are the caller's (fromBytes): the first appender() copies them.
  #borrowed: boolean;
  // True while #buf is a region of a shared slab (chunk-slab.ts): a fresh chunk's, until compact().
  #inSlab: boolean;
  // The encoder state (Prometheus's xorAppender fields), folded into the chunk so that an open
  // chunk is one object, not two: the head keeps one per series. Valid while #ready.
  #ready: boolean;
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
  #hi = 0;
  #lo = 0;
  #leading = 0xff; // 0xff: no leading/trailing window written yet.
  #trailing = 0;
  // Appends take the fast path (#appendIo) while #num is below this: MAX_SAMPLES once the encoder
  // state is ready, two samples are in and the time delta is in the safe range; else 0. One int
  // compare per append instead of four tests, one of them a boolean's.
  #fastUntil = 0;

  /**
   * An empty chunk. Its bytes are a region of a buffer shared with other new chunks (no ArrayBuffer
   * of its own) until `compact()`, which a chunk meant to be kept should get once complete: the
   * shared buffer stays in memory while any of its chunks does.
   */
  constructor() {
    if (adopt !== null) {
      this.#buf = adopt;
      this.#len = adopt.length;
      this.#num = (adopt[0]! << 8) | adopt[1]!;
      this.#borrowed = true;
      this.#inSlab = false;
      this.#ready = false;
      adopt = null;
    } else if (given !== null) {
      this.#buf = given;
      this.#len = HEADER_BYTES;
      this.#num = 0;
      this.#borrowed = false;
      this.#inSlab = false;
      this.#ready = true;
      given = null;
    } else {
      this.#buf = slabRegion(ALLOCATION_BYTES);
      this.#len = HEADER_BYTES;
      this.#num = 0;
      this.#borrowed = false;
      this.#inSlab = true;
      this.#ready = true;
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
    adopt = bytes;
    const c = new XORChunk();
    if (options?.validate ?? true) c.#decodeAll();
    return c;
  }

  /**
   * An empty chunk that writes into `buf` (zeroed here) until it outgrows it, then into a buffer of
   * its own, as a fresh chunk does past its first 128 bytes. For an owner creating many chunks at
   * once (a head creating 100k series): `buf` may be a view of one larger buffer shared with other
   * chunks, so that each chunk costs no ArrayBuffer (and no garbage-collected backing store) of its
   * own. The chunk owns `buf`'s bytes from then on: nobody else may read or write them.
   */
  static inBuffer(buf: Uint8Array): XORChunk {
    if (buf.length < HEADER_BYTES) {
      throw new RangeError(`XOR chunk buffer of ${buf.length} bytes is shorter than the header`);
    }
    buf.fill(0);
    given = buf;
    return new XORChunk();
  }

  // Iterates to the end and returns the decoder state; throws on malformed data or trailing bytes.
  #decodeAll(): XORDecodeState {
    const bytes = this.#view();
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
    return this.#view();
  }

  numSamples(): number {
    return this.#num;
  }

  // The written bytes with an up-to-date header. Writes only when the count changed, so bytes
  // borrowed from fromBytes are never written to.
  #view(): Uint8Array {
    this.#syncHeader();
    return this.#buf.subarray(0, this.#len);
  }

  #syncHeader(): void {
    const b = this.#buf;
    const num = this.#num;
    if (((b[0]! << 8) | b[1]!) !== num) {
      b[0] = num >>> 8;
      b[1] = num;
    }
  }

  /**
   * Prometheus: XORChunk.Appender. An appender continuing after the last sample. On a non-empty
   * chunk it decodes the chunk to recover the encoder state, so further appends produce the same
   * bytes as if every sample had been appended through one appender. Throws `ChunkEncodingError` if
   * the chunk's bytes are malformed. Use one appender at a time.
   */
  appender(): XORAppender {
    this.#prepare();
    return new XORAppender(this);
  }

  /** The number of encoded bytes (header included), without making a view. */
  byteLength(): number {
    return this.#len;
  }

  // Recovers the encoder state from the bytes (after fromBytes, or for a fresh appender()).
  #prepare(): void {
    if (this.#len === HEADER_BYTES && !this.#borrowed) {
      this.#resetState();
      return;
    }
    const st = this.#decodeAll();
    const len = this.#len;
    if (this.#borrowed) {
      const buf = new Uint8Array(Math.max(ALLOCATION_BYTES, len * 2));
      buf.set(this.#buf.subarray(0, this.#len));
      this.#buf = buf;
      this.#borrowed = false;
    }
    // Bytes from outside (fromBytes) carry no writer state: derive it, and clear the padding bits,
    // which the OR-ing writer relies on. A no-op for chunks this package wrote.
    const count = len * 8 - st.bitPos; // 0..8: 8 is Go's empty trailing byte.
    if (count !== 0) this.#buf[len - 1]! &= ~((1 << count) - 1);
    this.#count = count;
    if (st.numRead === 0) {
      this.#resetState();
      return;
    }
    this.#t = st.t;
    this.#tDelta = st.tDelta;
    this.#tDeltaBig = st.tDeltaBig;
    this.#hi = st.hi;
    this.#lo = st.lo;
    this.#leading = st.leading;
    this.#trailing = st.trailing;
    this.#ready = true;
    this.#fastUntil = st.numRead >= 2 && st.tDeltaBig === null ? MAX_SAMPLES : 0;
  }

  #resetState(): void {
    this.#t = 0;
    this.#tDelta = 0;
    this.#tDeltaBig = null;
    this.#hi = 0;
    this.#lo = 0;
    this.#leading = 0xff;
    this.#trailing = 0;
    this.#ready = true;
    this.#fastUntil = 0;
  }

  /**
   * An iterator over the samples appended so far. `reuse` is reset and returned when it is an
   * XORIterator, so one iterator can walk many chunks without allocating.
   */
  iterator(reuse?: SampleIterator): XORIterator {
    this.#syncHeader();
    // The whole buffer and the length in use: no view object per iteration.
    return resetXORIterator(reuse instanceof XORIterator ? reuse : new XORIterator(), this.#buf, this.#len);
  }

  /**
   * Empties the chunk so that it is appended to as a new one, keeping its buffer (no allocation).
   * Only for an owner that knows nobody else holds the chunk, its bytes or an iterator over them:
   * they would see the new samples. Bytes from `fromBytes` are never written to: the chunk gets a
   * buffer of its own then.
   */
  reset(): void {
    if (this.#borrowed) {
      this.#buf = new Uint8Array(ALLOCATION_BYTES);
      this.#borrowed = false;
    }
    this.#buf.fill(0, 0, this.#len); // Unwritten bits must be zero: the writer ORs into them.
    this.#len = HEADER_BYTES;
    this.#count = 0;
    this.#num = 0;
    this.#resetState();
  }

  /**
   * Prometheus: XORChunk.Compact. Drops spare capacity above 32 bytes once the chunk is complete. A
   * new chunk's bytes move out of the buffer it shares with other new chunks into one of their own
   * (of their exact size), so that keeping the chunk keeps nothing else in memory.
   * A chunk from fromBytes whose bytes are a small view of a larger buffer (a whole file, say) gets
   * its own exact copy, so it no longer keeps that buffer alive.
   */
  compact(): void {
    if (this.#inSlab) {
      this.#buf = this.#view().slice();
      this.#inSlab = false;
      return;
    }
    const capacity = this.#borrowed ? this.#buf.buffer.byteLength : this.#buf.length;
    if (capacity > this.#len + COMPACT_THRESHOLD_BYTES) {
      this.#buf = this.#view().slice();
      this.#borrowed = false;
    }
  }

  /**
   * Prometheus: xorAppender.Append. Appends a sample after the last one, as `appender().append`
   * does without the appender object (the head appends to its open chunks this way): `t` in ms (a
   * safe integer), `v` any float, its exact bits kept. Throws RangeError for a non-integer `t` or a
   * chunk already holding 65535 samples, and `ChunkEncodingError` if bytes from `fromBytes` are
   * malformed. Allocates nothing per sample.
   */
  append(t: number, v: number): void {
    // Small enough for V8 to inline into the caller's loop: t and v pass through a typed array,
    // not as arguments of the (large) encoder, which a non-inlined call would box per sample.
    io[0] = t;
    io[1] = v;
    this.#appendIo();
  }

  // The steady state (a third or later sample, time deltas in the safe range), with the sample in
  // `io`; anything else goes to #appendSlow. Writes the bits with putBits, whose arguments are small
  // integers (no boxing); the bytes are Go's, as #appendSlow writes them.
  #appendIo(): void {
    const t = io[0]!;
    const num = this.#num;
    const tDelta = t - this.#t;
    const dod = tDelta - this.#tDelta;
    if (
      num >= this.#fastUntil ||
      !Number.isSafeInteger(t) ||
      !(dod <= 0x80000 && dod >= -0x7ffff && tDelta <= MAX_SAFE && tDelta >= -MAX_SAFE)
    ) {
      this.#appendSlow(t, io[1]!);
      return;
    }
    if (this.#buf.length - this.#len < APPEND_ROOM) this.#reserve(APPEND_ROOM, this.#growHint(num));
    const buf = this.#buf;
    // The write position in bits, in a local through the sample (count 8, Go's empty trailing byte,
    // is the same position as count 0 one byte earlier: the next bit goes into that byte).
    let bp = this.#len * 8 - this.#count;
    const hi = ioHi[0]!;
    const lo = ioLo[0]!;
    const xh = hi ^ this.#hi;
    const xl = lo ^ this.#lo;
    // The bits go out through putBits in runs of at most 25: `p` holds the pending run of `pn` bits,
    // and each field joins it or, when the run would grow past 25 bits, starts the next one.
    // Delta of delta: 0, or prefix 10, 110, 1110 and 14, 17, 20 bits (Go: bitRange).
    let p: number;
    let pn: number;
    if (dod === 0) {
      p = 0;
      pn = 1;
    } else if (dod >= -0x1fff && dod <= 0x2000) {
      p = (0b10 << 14) | (dod & 0x3fff);
      pn = 16;
    } else if (dod >= -0xffff && dod <= 0x10000) {
      p = (0b110 << 17) | (dod & 0x1ffff);
      pn = 20;
    } else {
      p = (0b1110 << 20) | (dod & 0xfffff);
      pn = 24;
    }
    this.#tDelta = tDelta;
    this.#t = t;
    this.#num = num + 1;
    // Prometheus: xorWrite.
    if (xh === 0 && xl === 0) {
      bp = putBits(buf, bp, p << 1, pn + 1); // 0: the value is unchanged.
      this.#len = (bp + 7) >>> 3;
      this.#count = -bp & 7;
      return;
    }
    this.#hi = hi;
    this.#lo = lo;
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
    if (leading >= 32) leading = 31; // Clamp: the leading count has 5 bits.
    let shift: number;
    let sigbits: number;
    let u: number;
    let n: number;
    if (this.#leading !== 0xff && leading >= this.#leading && trailing >= this.#trailing) {
      shift = this.#trailing;
      sigbits = 64 - this.#leading - shift;
      u = 0b10; // Fits the previous window: 10 then its significant bits.
      n = 2;
    } else {
      this.#leading = leading;
      this.#trailing = trailing;
      shift = trailing;
      sigbits = 64 - leading - trailing;
      // 64 significant bits would not fit in 6 bits; it is written as 0 (never a real count).
      u = (0b11 << 11) | (leading << 6) | (sigbits & 63);
      n = 13;
    }
    if (pn + n <= 25) {
      p = (p << n) | u;
      pn += n;
    } else {
      bp = putBits(buf, bp, p, pn);
      p = u;
      pn = n;
    }
    // The significant bits, (xh:xl) >>> shift, in fields of at most 16 bits.
    let sh: number;
    let sl: number;
    if (shift === 0) {
      sh = xh;
      sl = xl;
    } else if (shift < 32) {
      sh = xh >>> shift;
      sl = (xl >>> shift) | (xh << (32 - shift));
    } else {
      sh = 0;
      sl = xh >>> (shift - 32);
    }
    if (sigbits >= 32) {
      // The top sigbits - 32 bits join the pending run (in fields of at most 25 bits); the low 32
      // go out whole after it.
      const top = sigbits - 32;
      if (top > 25) {
        u = (sh >>> 16) & ((1 << (top - 16)) - 1);
        n = top - 16;
        if (pn + n <= 25) {
          p = (p << n) | u;
          pn += n;
        } else {
          bp = putBits(buf, bp, p, pn);
          p = u;
          pn = n;
        }
        u = sh & 0xffff;
        n = 16;
      } else {
        u = sh & ((1 << top) - 1);
        n = top;
      }
      if (n === 0) {
        bp = putBits(buf, bp, p, pn);
      } else if (pn + n <= 25) {
        bp = putBits(buf, bp, (p << n) | u, pn + n);
      } else {
        bp = putBits(buf, bp, p, pn);
        bp = putBits(buf, bp, u, n);
      }
      bp = put32(buf, bp, sl);
    } else {
      if (sigbits > 16) {
        n = sigbits - 16;
        u = (sl >>> 16) & ((1 << n) - 1);
        if (pn + n <= 25) {
          p = (p << n) | u;
          pn += n;
        } else {
          bp = putBits(buf, bp, p, pn);
          p = u;
          pn = n;
        }
        u = sl & 0xffff;
        n = 16;
      } else {
        u = sl & ((1 << sigbits) - 1);
        n = sigbits;
      }
      if (pn + n <= 25) {
        bp = putBits(buf, bp, (p << n) | u, pn + n);
      } else {
        bp = putBits(buf, bp, p, pn);
        bp = putBits(buf, bp, u, n);
      }
    }
    // Go's writeBits of a whole number of bytes from a byte boundary leaves an empty byte.
    if ((sigbits & 7) === 0 && (bp & 7) === 0) {
      this.#len = (bp >>> 3) + 1;
      this.#count = 8;
    } else {
      this.#len = (bp + 7) >>> 3;
      this.#count = -bp & 7;
    }
  }

  // The size to grow to (see #appendSlow): the whole chunk's at the rate so far.
  #growHint(num: number): number {
    return num > 0 && num < TYPICAL_SAMPLES
      ? this.#len + Math.ceil(((TYPICAL_SAMPLES - num) * (this.#len - HEADER_BYTES)) / num) + 24
      : 0;
  }

  // Any sample: the first two, deltas beyond the safe range, a full chunk, a non-integer time.
  #appendSlow(t: number, v: number): void {
    if (!this.#ready) this.#prepare();
    const num = this.#num;
    if (!Number.isSafeInteger(t)) throw new RangeError(`XOR chunk: timestamp ${t} is not a safe integer`);
    if (num === MAX_SAMPLES) throw new RangeError('XOR chunk: full at 65535 samples');
    // At most 19 bytes per sample (a 68-bit dod and a 77-bit value XOR), 19 for the first one,
    // and putBits and put32 store up to 3 and 4 bytes past what they write (APPEND_ROOM).
    // When the buffer must grow, size it for a 120-sample chunk (Prometheus's usual cut) at the
    // rate of the samples after the first (which costs ~10 bytes alone), plus slack: one
    // reallocation, and an open chunk, which the head keeps per series, near its final size where
    // doubling 128 bytes would leave ~30% unused. compact() trims what is left over.
    if (this.#buf.length - this.#len < APPEND_ROOM) this.#reserve(APPEND_ROOM, this.#growHint(num));
    f64[0] = v;
    const hi = i32[HI]!;
    const lo = i32[LO]!;
    // On a byte boundary (always so for a chunk this package wrote), Go's byte writes put each
    // byte in the empty trailing byte, or a fresh one, and leave a new empty one after: whole bytes
    // here, then that empty byte (count 8).
    const count = this.#count;
    const aligned = count === 0 || count === 8;
    if (num === 0) {
      if (aligned) {
        const buf = this.#buf;
        const at = count === 8 ? this.#len - 1 : this.#len;
        const n = putVarint(buf, at, t);
        const v = at + n;
        buf[v] = hi >>> 24;
        buf[v + 1] = hi >>> 16;
        buf[v + 2] = hi >>> 8;
        buf[v + 3] = hi;
        buf[v + 4] = lo >>> 24;
        buf[v + 5] = lo >>> 16;
        buf[v + 6] = lo >>> 8;
        buf[v + 7] = lo;
        buf[v + 8] = 0;
        this.#len = v + 9;
        this.#count = 8;
      } else {
        const n = putVarint(varintScratch, 0, t);
        for (let i = 0; i < n; i++) this.#writeByte(varintScratch[i]!);
        this.#writeBits64(hi, lo, 64);
      }
      this.#tDelta = 0;
      this.#tDeltaBig = null;
    } else if (num === 1) {
      const tDelta = t - this.#t;
      if (tDelta >= 0 && tDelta <= MAX_SAFE && aligned) {
        const at = count === 8 ? this.#len - 1 : this.#len;
        const end = at + putUvarint(this.#buf, at, tDelta);
        this.#buf[end] = 0;
        this.#len = end + 1;
        this.#count = 8;
        this.#tDelta = tDelta;
        this.#tDeltaBig = null;
      } else {
        let n: number;
        if (tDelta >= 0 && tDelta <= MAX_SAFE) {
          n = putUvarint(varintScratch, 0, tDelta);
          this.#tDelta = tDelta;
          this.#tDeltaBig = null;
        } else {
          // Negative or beyond 2^53: Go writes uint64(t - a.t).
          const big = BigInt(t) - BigInt(this.#t);
          n = putUvarintBig(varintScratch, 0, big);
          this.#setTDeltaBig(big);
        }
        for (let i = 0; i < n; i++) this.#writeByte(varintScratch[i]!);
      }
      this.#writeVDelta(hi, lo);
    } else {
      const tDelta = t - this.#t;
      const dod = tDelta - this.#tDelta;
      // Each difference is exact when its rounded result is within the safe range.
      if (
        this.#tDeltaBig === null &&
        tDelta <= MAX_SAFE &&
        tDelta >= -MAX_SAFE &&
        dod <= MAX_SAFE &&
        dod >= -MAX_SAFE
      ) {
        if (dod === 0 && hi === this.#hi && lo === this.#lo) {
          this.#putBits(0, 2); // The steady state of a constant series: two zero bits.
        } else {
          this.#writeDod(dod);
          this.#writeVDelta(hi, lo);
        }
        this.#tDelta = tDelta;
      } else {
        const big = BigInt(t) - BigInt(this.#t);
        const dodBig = BigInt.asIntN(64, big - (this.#tDeltaBig ?? BigInt(this.#tDelta)));
        const dodN = Number(dodBig);
        if (dodN <= MAX_SAFE && dodN >= -MAX_SAFE) {
          this.#writeDod(dodN);
        } else {
          const u = BigInt.asUintN(64, dodBig);
          this.#putBits(0b1111, 4);
          this.#writeBits64(Number(u >> 32n), Number(u & 0xffffffffn), 64);
        }
        this.#setTDeltaBig(big);
        this.#writeVDelta(hi, lo);
      }
    }
    this.#t = t;
    this.#hi = hi;
    this.#lo = lo;
    this.#num = num + 1;
    this.#fastUntil = num >= 1 && this.#tDeltaBig === null ? MAX_SAMPLES : 0;
  }

  #setTDeltaBig(tDelta: bigint): void {
    this.#tDelta = Number(tDelta);
    this.#tDeltaBig = this.#tDelta <= MAX_SAFE && this.#tDelta >= -MAX_SAFE ? null : tDelta;
  }

  // Prometheus: milliseconds need wider buckets than Gorilla's seconds, so 14/17/20 bits, else 64.
  // bitRange(x, n) is -(2^(n-1) - 1) <= x <= 2^(n-1); the prefix and value go out in one write.
  #writeDod(dod: number): void {
    if (dod === 0) {
      this.#writeBit(0);
    } else if (dod >= -0x1fff && dod <= 0x2000) {
      this.#putBits((0b10 << 14) | (dod & 0x3fff), 16);
    } else if (dod >= -0xffff && dod <= 0x10000) {
      this.#putBits((0b110 << 17) | (dod & 0x1ffff), 20);
    } else if (dod >= -0x7ffff && dod <= 0x80000) {
      this.#putBits((0b1110 << 20) | (dod & 0xfffff), 24);
    } else {
      const hi = Math.floor(dod / TWO_POW_32);
      this.#putBits(0b1111, 4);
      this.#writeBits64(hi, dod - hi * TWO_POW_32, 64);
    }
  }

  // Prometheus: xorWrite. Go writes the prefix bits and the value bits in separate calls; they go
  // out here in one when they fit in 32 bits, with Go's trailing-byte rule applied after.
  #writeVDelta(hi: number, lo: number): void {
    const xh = hi ^ this.#hi;
    const xl = lo ^ this.#lo;
    if (xh === 0 && xl === 0) {
      this.#writeBit(0);
      return;
    }
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
    // Clamp: the leading count has 5 bits.
    if (leading >= 32) leading = 31;
    let prefix: number;
    let prefixBits: number;
    let shift: number;
    let sigbits: number;
    if (this.#leading !== 0xff && leading >= this.#leading && trailing >= this.#trailing) {
      // Fits the previous window: 10 then its significant bits.
      prefix = 0b10;
      prefixBits = 2;
      shift = this.#trailing;
      sigbits = 64 - this.#leading - shift;
    } else {
      this.#leading = leading;
      this.#trailing = trailing;
      shift = trailing;
      sigbits = 64 - leading - trailing;
      // 64 significant bits would not fit in 6 bits; it is written as 0 (never a real count).
      prefix = (0b11 << 11) | (leading << 6) | (sigbits & 63);
      prefixBits = 13;
    }
    // The significant bits: (xh:xl) >>> shift.
    let sh: number;
    let sl: number;
    if (shift === 0) {
      sh = xh;
      sl = xl;
    } else if (shift < 32) {
      sh = xh >>> shift;
      sl = (xl >>> shift) | (xh << (32 - shift));
    } else {
      sh = 0;
      sl = xh >>> (shift - 32);
    }
    if (prefixBits + sigbits <= 32) {
      this.#putBits((prefix << sigbits) | sl, prefixBits + sigbits);
      if ((sigbits & 7) === 0) this.#trailingByteIfAligned();
    } else {
      this.#putBits(prefix, prefixBits);
      this.#writeBits64(sh, sl, sigbits);
    }
  }

  // The bit-writing primitives of BitWriter (see bit-writer.ts for their Go counterparts).

  // Makes room for `bytes` more bytes: straight to `sizeHint` when that is enough, else doubling.
  #reserve(bytes: number, sizeHint: number): void {
    const need = this.#len + bytes;
    if (this.#buf.length >= need) return;
    let cap = sizeHint >= need ? sizeHint : Math.max(this.#buf.length * 2, ALLOCATION_BYTES);
    while (cap < need) cap *= 2;
    if (this.#inSlab) {
      // In place when this chunk's region is the latest of the slab: no copy.
      this.#buf = growRegion(this.#buf, this.#len, cap);
      this.#inSlab = cap <= MAX_REGION_BYTES;
      return;
    }
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #writeBit(bit: number): void {
    if (this.#count === 0) {
      this.#buf[this.#len++] = 0;
      this.#count = 8;
    }
    this.#count--;
    if (bit !== 0) this.#buf[this.#len - 1]! |= 1 << this.#count;
  }

  // Go: bstream.writeByte (writeBits(b, 8)).
  #writeByte(b: number): void {
    const aligned = this.#count === 0 || this.#count === 8;
    this.#putBits(b, 8);
    if (aligned) this.#trailingByteIfAligned();
  }

  // Go: bstream.writeBits for 1..64 bits of the 64-bit value hi:lo.
  #writeBits64(hi: number, lo: number, n: number): void {
    const aligned = this.#count === 0 || this.#count === 8;
    if (n > 32) {
      this.#putBits(hi, n - 32);
      this.#putBits(lo, 32);
    } else {
      this.#putBits(lo, n);
    }
    if (aligned && (n & 7) === 0) this.#trailingByteIfAligned();
  }

  // BitWriter.putBits: the low n (1..32) bits of u, as a run of single-bit writes would.
  #putBits(u: number, n: number): void {
    if (n < 32) u &= (1 << n) - 1;
    let count = this.#count;
    let len = this.#len;
    const buf = this.#buf;
    if (n <= count) {
      count -= n;
      buf[len - 1]! |= u << count;
      this.#count = count;
      return;
    }
    if (count > 0) {
      n -= count;
      buf[len - 1]! |= u >>> n;
    }
    while (n >= 8) {
      n -= 8;
      buf[len++] = u >>> n;
    }
    if (n > 0) {
      buf[len++] = u << (8 - n);
      count = 8 - n;
    } else {
      count = 0;
    }
    this.#len = len;
    this.#count = count;
  }

  #trailingByteIfAligned(): void {
    if (this.#count !== 0) return;
    this.#buf[this.#len++] = 0;
    this.#count = 8;
  }
}

// Set by fromBytes for the constructor to adopt instead of allocating a fresh buffer.
let adopt: Uint8Array | null = null;
// Set by inBuffer for the constructor to write into instead of allocating a fresh buffer.
let given: Uint8Array | null = null;
// Validation and appender() decode synchronously to the end, so one iterator serves them all.
const scratchIterator = new XORIterator();

function newState(): XORDecodeState {
  return { t: 0, tDelta: 0, tDeltaBig: null, hi: 0, lo: 0, leading: 0xff, trailing: 0, bitPos: 0, numRead: 0 };
}

// The low n (1..25) bits of u (u < 2^n) at bit `bp` of `buf`, as a run of single-bit writes would;
// returns the bit position after them. Stores the 32-bit window from the byte holding bit `bp` on
// (the bits after the new ones are zero, as unwritten bits must be: the caller makes room for the
// bytes stored past the end). A plain function of small integers, which TurboFan inlines.
function putBits(buf: Uint8Array, bp: number, u: number, n: number): number {
  const i = bp >>> 3;
  const w = (buf[i]! << 24) | (u << (32 - (bp & 7) - n));
  buf[i] = w >>> 24;
  buf[i + 1] = w >>> 16;
  buf[i + 2] = w >>> 8;
  buf[i + 3] = w;
  return bp + n;
}

// 32 bits (x as an int32) at bit `bp`, as putBits writes up to 25: the byte holding bit `bp` takes
// the top ones, four more bytes the rest (the last of them partly, its unwritten bits zero).
function put32(buf: Uint8Array, bp: number, x: number): number {
  const i = bp >>> 3;
  const used = bp & 7; // Bits of byte i already written (0..7).
  buf[i]! |= x >>> (24 + used);
  const w = x << (8 - used); // Shifts of 24..31 above and 1..8 here.
  buf[i + 1] = w >>> 24;
  buf[i + 2] = w >>> 16;
  buf[i + 3] = w >>> 8;
  buf[i + 4] = w;
  return bp + 32;
}
