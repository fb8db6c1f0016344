// Prometheus: tsdb/chunkenc/xor.go xorAppender, xorWrite, bitRange
import type { ChunkAppender } from '@tsprom/storage-interfaces';
import type { BitWriter } from './bit-writer.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { putUvarint, putUvarintBig, putVarint } from './varint.js';
import type { XORDecodeState } from './xor-iterator.js';

const MAX_SAMPLES = 0xffff; // The header is a uint16.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;
const TYPICAL_SAMPLES = 120; // Prometheus: DefaultSamplesPerChunk.

const varintScratch = new Uint8Array(10);

/**
 * Prometheus: xorAppender. Appends float samples to an XORChunk; obtain it from
 * `chunk.appender()`. Timestamps are ms, safe integers, in increasing order (the encoding copes
 * with any order, as Prometheus's does, but the chunk's consumers assume it). Values keep their
 * exact bits, NaN payloads included. Allocates nothing per sample.
 */
export class XORAppender implements ChunkAppender {
  readonly #w: BitWriter;
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
  #hi = 0;
  #lo = 0;
  #leading = 0xff; // 0xff: no leading/trailing window written yet.
  #trailing = 0;

  /** Use `XORChunk.appender()`; `state` is the decoded end state of a non-empty chunk. */
  constructor(w: BitWriter, state: XORDecodeState | null) {
    this.#w = w;
    if (state !== null) {
      this.#t = state.t;
      this.#tDelta = state.tDelta;
      this.#tDeltaBig = state.tDeltaBig;
      this.#hi = state.hi;
      this.#lo = state.lo;
      this.#leading = state.leading;
      this.#trailing = state.trailing;
    }
  }

  /**
   * Appends a sample: `t` in ms (a safe integer), `v` any float. `st` is ignored (XOR stores no
   * start timestamps). Throws RangeError for a non-integer `t` or a chunk already holding 65535
   * samples.
   */
  append(t: number, v: number, _st?: number): void {
    const w = this.#w;
    const num = (w.buf[0]! << 8) | w.buf[1]!;
    if (!Number.isSafeInteger(t)) throw new RangeError(`XOR chunk: timestamp ${t} is not a safe integer`);
    if (num === MAX_SAMPLES) throw new RangeError('XOR chunk: full at 65535 samples');
    // At most 19 bytes per sample (a 68-bit dod and a 77-bit value XOR), 19 for the first one.
    // When the buffer must grow, size it for a 120-sample chunk (Prometheus's usual cut) at the
    // rate so far, plus slack: one reallocation where doubling from 128 bytes would take three.
    // compact() trims what is left over.
    if (w.buf.length - w.length < 20)
      w.reserve(20, num < TYPICAL_SAMPLES ? Math.ceil((w.length * TYPICAL_SAMPLES) / (num + 1)) + 32 : 0);
    f64[0] = v;
    const hi = i32[HI]!;
    const lo = i32[LO]!;
    if (num === 0) {
      const n = putVarint(varintScratch, 0, t);
      for (let i = 0; i < n; i++) w.writeByte(varintScratch[i]!);
      w.writeBits64(hi, lo, 64);
      this.#tDelta = 0;
      this.#tDeltaBig = null;
    } else if (num === 1) {
      const tDelta = t - this.#t;
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
      for (let i = 0; i < n; i++) w.writeByte(varintScratch[i]!);
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
          w.putBits(0, 2); // The steady state of a constant series: two zero bits.
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
          w.putBits(0b1111, 4);
          w.writeBits64(Number(u >> 32n), Number(u & 0xffffffffn), 64);
        }
        this.#setTDeltaBig(big);
        this.#writeVDelta(hi, lo);
      }
    }
    this.#t = t;
    this.#hi = hi;
    this.#lo = lo;
    const buf = w.buf; // Re-read: the writes may have grown the buffer.
    buf[0] = (num + 1) >>> 8;
    buf[1] = num + 1;
  }

  #setTDeltaBig(tDelta: bigint): void {
    this.#tDelta = Number(tDelta);
    this.#tDeltaBig = this.#tDelta <= MAX_SAFE && this.#tDelta >= -MAX_SAFE ? null : tDelta;
  }

  // Prometheus: milliseconds need wider buckets than Gorilla's seconds, so 14/17/20 bits, else 64.
  // bitRange(x, n) is -(2^(n-1) - 1) <= x <= 2^(n-1); the prefix and value go out in one write.
  #writeDod(dod: number): void {
    const w = this.#w;
    if (dod === 0) {
      w.writeBit(0);
    } else if (dod >= -0x1fff && dod <= 0x2000) {
      w.putBits((0b10 << 14) | (dod & 0x3fff), 16);
    } else if (dod >= -0xffff && dod <= 0x10000) {
      w.putBits((0b110 << 17) | (dod & 0x1ffff), 20);
    } else if (dod >= -0x7ffff && dod <= 0x80000) {
      w.putBits((0b1110 << 20) | (dod & 0xfffff), 24);
    } else {
      const hi = Math.floor(dod / TWO_POW_32);
      w.putBits(0b1111, 4);
      w.writeBits64(hi, dod - hi * TWO_POW_32, 64);
    }
  }

  // Prometheus: xorWrite. Go writes the prefix bits and the value bits in separate calls; they go
  // out here in one when they fit in 32 bits, with Go's trailing-byte rule applied after.
  #writeVDelta(hi: number, lo: number): void {
    const w = this.#w;
    const xh = hi ^ this.#hi;
    const xl = lo ^ this.#lo;
    if (xh === 0 && xl === 0) {
      w.writeBit(0);
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
      w.putBits((prefix << sigbits) | sl, prefixBits + sigbits);
      if ((sigbits & 7) === 0) w.trailingByteIfAligned();
    } else {
      w.putBits(prefix, prefixBits);
      w.writeBits64(sh, sl, sigbits);
    }
  }
}
