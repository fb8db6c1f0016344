// Prometheus: tsdb/chunkenc/xor2.go xor2Appender (the layout is in reference/tsdb-format/chunks.md,
// "XOR2 chunk data"; the Go source was not available, so this encoder follows that text).
import type { ChunkAppender } from '@tsprom/storage-interfaces';
import type { BitWriter } from './bit-writer.js';
import { f64, HI, i32, LO } from './float-bits.js';
import { putUvarint, putUvarintBig, putVarint } from './varint.js';
import { XOR2_MAX_ST_CHANGED_ON, type XOR2DecodeState } from './xor2-iterator.js';

const MAX_SAMPLES = 0xffff; // The sample count is a uint16.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;
const STALE_HI = 0x7ff00000; // Prometheus: value.StaleNaN, 0x7ff0000000000002.
const STALE_LO = 0x00000002;
const FIRST_ST_KNOWN = 0x80; // The st_header bit saying st_0 follows v_0.

const varintScratch = new Uint8Array(10);

// Exact delta and delta of delta of a sequence of int64 values given as safe integers: plain
// numbers while every step stays within ±(2^53 − 1), bigints beyond. Filled by `deltaOfDelta`.
const dd = { delta: 0, deltaBig: null as bigint | null, dod: 0, dodBig: null as bigint | null };

function deltaOfDelta(cur: number, prev: number, prevDelta: number, prevDeltaBig: bigint | null): void {
  const delta = cur - prev;
  if (prevDeltaBig === null && delta <= MAX_SAFE && delta >= -MAX_SAFE) {
    const dod = delta - prevDelta;
    if (dod <= MAX_SAFE && dod >= -MAX_SAFE) {
      dd.delta = delta;
      dd.deltaBig = null;
      dd.dod = dod;
      dd.dodBig = null;
      return;
    }
  }
  const big = BigInt(cur) - BigInt(prev);
  const dodBig = BigInt.asIntN(64, big - (prevDeltaBig ?? BigInt(prevDelta)));
  dd.delta = Number(big);
  dd.deltaBig = dd.delta <= MAX_SAFE && dd.delta >= -MAX_SAFE ? null : big;
  dd.dod = Number(dodBig);
  dd.dodBig = dd.dod <= MAX_SAFE && dd.dod >= -MAX_SAFE ? null : dodBig;
}

/**
 * Appends float samples, with optional start timestamps, to an XOR2Chunk; obtain it from
 * `chunk.appender()`. Timestamps are ms, safe integers, in increasing order (the encoding copes
 * with any order, but the chunk's consumers assume it). Values keep their exact bits. Allocates
 * nothing per sample (except on the exact int64 paths for deltas beyond 2^53).
 */
export class XOR2Appender implements ChunkAppender {
  readonly #w: BitWriter;
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
  #hi = 0;
  #lo = 0;
  #leading = 0xff; // 0xff: no leading/trailing window written yet.
  #trailing = 0;
  #st = 0;
  #stDelta = 0;
  #stDeltaBig: bigint | null = null;

  /** Use `XOR2Chunk.appender()`; `state` is the decoded end state of a non-empty chunk. */
  constructor(w: BitWriter, state: XOR2DecodeState | null) {
    this.#w = w;
    if (state !== null) {
      this.#t = state.t;
      this.#tDelta = state.tDelta;
      this.#tDeltaBig = state.tDeltaBig;
      this.#hi = state.hi;
      this.#lo = state.lo;
      this.#leading = state.leading;
      this.#trailing = state.trailing;
      this.#st = state.st;
      this.#stDelta = state.stDelta;
      this.#stDeltaBig = state.stDeltaBig;
    }
  }

  /**
   * Appends a sample: `t` in ms (a safe integer), `v` any float, `st` its start timestamp in ms (a
   * safe integer; 0 or absent = unknown). Samples after the first carry no ST bits until the ST
   * first differs from the previous sample's, and from sample 127 on every sample carries one.
   * Throws RangeError for a non-integer `t` or `st`, a chunk already holding 65535 samples, or an
   * ST change after sample 127 in a chunk (not written by this appender) that recorded none.
   */
  append(t: number, v: number, st = 0): void {
    const w = this.#w;
    const num = (w.buf[0]! << 8) | w.buf[1]!;
    if (!Number.isSafeInteger(t)) throw new RangeError(`XOR2 chunk: timestamp ${t} is not a safe integer`);
    if (!Number.isSafeInteger(st)) throw new RangeError(`XOR2 chunk: start timestamp ${st} is not a safe integer`);
    if (num === MAX_SAMPLES) throw new RangeError('XOR2 chunk: full at 65535 samples');
    // At most 28 bytes per sample: a 69-bit joint dod, a 78-bit value and a 68-bit ST dod, or for
    // the first sample two 10-byte varints and the 8-byte value.
    w.reserve(28);
    f64[0] = v;
    const hi = i32[HI]!;
    const lo = i32[LO]!;
    if (num === 0) {
      w.buf[2] = st !== 0 ? FIRST_ST_KNOWN : 0;
      this.#writeVarint(t);
      w.writeBits64(hi, lo, 64);
      if (st !== 0) this.#writeVarint(st);
      this.#tDelta = 0;
      this.#tDeltaBig = null;
      this.#st = st;
      this.#stDelta = 0;
      this.#stDeltaBig = null;
    } else {
      const withST = this.#stDue(num, st); // Before any write: it may throw.
      if (num === 1) {
        deltaOfDelta(t, this.#t, 0, null);
        // Go writes uint64(t - a.t): a negative delta becomes a 10-byte uvarint.
        const n =
          dd.deltaBig === null && dd.delta >= 0
            ? putUvarint(varintScratch, 0, dd.delta)
            : putUvarintBig(varintScratch, 0, dd.deltaBig ?? BigInt(dd.delta));
        for (let i = 0; i < n; i++) w.writeByte(varintScratch[i]!);
        this.#writeValue(hi, lo, false);
      } else {
        deltaOfDelta(t, this.#t, this.#tDelta, this.#tDeltaBig);
        const dod = dd.dod;
        if (dod === 0) {
          if (hi === this.#hi && lo === this.#lo) {
            w.putBits(0, 1); // dod 0, value unchanged: the steady state of a constant series.
          } else if (hi === STALE_HI && lo === STALE_LO) {
            w.putBits(0b11111, 5);
          } else {
            w.putBits(0b10, 2);
            this.#writeValue(hi, lo, true);
          }
        } else {
          // Two's complement dods of 13 and 20 bits share their first byte with the prefix.
          if (dod >= -4096 && dod <= 4095) w.putBits((0b110 << 13) | (dod & 0x1fff), 16);
          else if (dod >= -524288 && dod <= 524287) w.putBits((0b1110 << 20) | (dod & 0xfffff), 24);
          else {
            w.putBits(0b11110, 5);
            this.#write64(dod, dd.dodBig);
          }
          this.#writeValue(hi, lo, false);
        }
      }
      this.#tDelta = dd.delta;
      this.#tDeltaBig = dd.deltaBig;
      if (withST) this.#writeST(st);
    }
    this.#t = t;
    this.#hi = hi;
    this.#lo = lo;
    const buf = w.buf; // Re-read: the writes may have grown the buffer.
    buf[0] = (num + 1) >>> 8;
    buf[1] = num + 1;
  }

  // Whether sample `i` (> 0) carries its ST, updating st_changed_on in the header when this is
  // the first that does. The 7-bit st_changed_on cannot name a later sample, so from sample 127 on
  // every sample carries one.
  #stDue(i: number, st: number): boolean {
    const buf = this.#w.buf;
    const on = buf[2]! & 0x7f;
    if (on !== 0) return i >= on; // Validation guarantees on < i for chunks from outside.
    if (i < XOR2_MAX_ST_CHANGED_ON && st === this.#st) return false;
    if (i > XOR2_MAX_ST_CHANGED_ON) {
      if (st === this.#st) return false;
      throw new RangeError(`XOR2 chunk: cannot record a start timestamp change at sample ${i}; cut a new chunk`);
    }
    buf[2] = (buf[2]! & FIRST_ST_KNOWN) | i;
    return true;
  }

  // `<varbit_ts>` of the ST's delta of delta, as XOR writes timestamp dods: 0, then 14, 17 and
  // 20-bit ranges of -(2^(n-1) - 1)..2^(n-1), else 64 bits.
  #writeST(st: number): void {
    const w = this.#w;
    deltaOfDelta(st, this.#st, this.#stDelta, this.#stDeltaBig);
    const dod = dd.dod;
    if (dod === 0) w.putBits(0, 1);
    else if (dod >= -0x1fff && dod <= 0x2000) w.putBits((0b10 << 14) | (dod & 0x3fff), 16);
    else if (dod >= -0xffff && dod <= 0x10000) w.putBits((0b110 << 17) | (dod & 0x1ffff), 20);
    else if (dod >= -0x7ffff && dod <= 0x80000) w.putBits((0b1110 << 20) | (dod & 0xfffff), 24);
    else {
      w.putBits(0b1111, 4);
      this.#write64(dod, dd.dodBig);
    }
    this.#st = st;
    this.#stDelta = dd.delta;
    this.#stDeltaBig = dd.deltaBig;
  }

  #writeVarint(x: number): void {
    const n = putVarint(varintScratch, 0, x);
    for (let i = 0; i < n; i++) this.#w.writeByte(varintScratch[i]!);
  }

  // 64 bits of a two's complement int64 given as a safe integer or, beyond that, a bigint.
  #write64(x: number, big: bigint | null): void {
    if (big === null) {
      const hi = Math.floor(x / TWO_POW_32);
      this.#w.writeBits64(hi, x - hi * TWO_POW_32, 64);
    } else {
      const u = BigInt.asUintN(64, big);
      this.#w.writeBits64(Number(u >> 32n), Number(u & 0xffffffffn), 64);
    }
  }

  // `<varbit_xor2>` (knownNonZero false): 0 unchanged, 111 stale marker, 10 previous window, 110
  // new window. `<varbit_xor2_nn>` (true, after the dod-0 prefix 10; the value changed and is not
  // the stale marker): 0 previous window, 1 new window. A window is 5 bits of leading zeros and 6
  // of significant bits (64 written as 0), then the significant bits.
  #writeValue(hi: number, lo: number, knownNonZero: boolean): void {
    const w = this.#w;
    const xh = hi ^ this.#hi;
    const xl = lo ^ this.#lo;
    if (!knownNonZero) {
      if (xh === 0 && xl === 0) {
        w.putBits(0, 1);
        return;
      }
      if (hi === STALE_HI && lo === STALE_LO) {
        w.putBits(0b111, 3);
        return;
      }
    }
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
    if (leading >= 32) leading = 31; // The leading count has 5 bits.
    let prefix: number;
    let prefixBits: number;
    let shift: number;
    let sigbits: number;
    if (this.#leading !== 0xff && leading >= this.#leading && trailing >= this.#trailing) {
      prefix = knownNonZero ? 0 : 0b10;
      prefixBits = knownNonZero ? 1 : 2;
      shift = this.#trailing;
      sigbits = 64 - this.#leading - shift;
    } else {
      this.#leading = leading;
      this.#trailing = trailing;
      shift = trailing;
      sigbits = 64 - leading - trailing;
      const window = (leading << 6) | (sigbits & 63);
      prefix = knownNonZero ? (1 << 11) | window : (0b110 << 11) | window;
      prefixBits = knownNonZero ? 12 : 14;
    }
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
