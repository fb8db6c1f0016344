// Prometheus: tsdb/chunkenc/xor.go xorIterator, xorRead
import type { FloatHistogram, Histogram, SampleIterator } from '@tsprom/storage-interfaces';
import { ValueType } from '@tsprom/storage-interfaces';
import { peekBytes } from './bit-reader.js';
import { ChunkEncodingError } from './errors.js';
import { HI, LO } from './float-bits.js';
import { LEADING, readValueState, TRAILING, WINDOW_SET, xorBitsAt, xorInto } from './xor-value-reader.js';
import { type BigVarintResult, uvarint, uvarintBig, type VarintResult, varint } from './varint.js';
import {
  K_DONE,
  K_END_BITS,
  K_ENDED,
  K_LEADING,
  K_NUM_READ,
  K_MAX_BYTES,
  K_OUT_CAP,
  K_POS,
  K_READ,
  K_STATUS,
  K_STOP_T,
  K_STOPPED,
  K_T,
  K_TDELTA,
  K_STAGE,
  K_TRAILING,
  K_VALUE_HI,
  K_VALUE_LO,
  K_WINDOW,
  type XORDecodeKernel,
  xorDecodeKernel,
} from './xor-kernel.js';

const NONE = ValueType.None;
const FLOAT = ValueType.Float;
const HEADER_BYTES = 2; // Prometheus: chunkHeaderSize, the big-endian uint16 sample count.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_START = 2 ** 52; // See #run.
const TWO_POW_32 = 4294967296;
const EMPTY_CHUNK = new Uint8Array(HEADER_BYTES);
const bigResult: BigVarintResult = { value: 0n, n: 0 };
// The batch loop reads up to 18 bytes ahead of a sample's start (a 24-bit delta of delta, a 13-bit
// value prefix, 64 value bits, and the byte after a 32-bit peek); the last bytes are read from
// `tail`, a zero-padded copy.
const TAIL_MARGIN = 24;
const tail = new Uint8Array(TAIL_MARGIN * 3);
const NO_TIMES = new Float64Array(0);
const NO_VALUES = new Int32Array(0);
// decodeInto's integer view of the caller's last value array, kept while the same array is passed.
let viewedValues: Float64Array | null = null;
let valueWords: Int32Array = NO_VALUES;
// Runs of fewer samples than this (left in the chunk, or before the stop time at the current
// spacing) decode in JavaScript: copying the chunk into the kernel and calling it would cost more
// than it saves.
const KERNEL_MIN_SAMPLES = 16;
// Every iterator reset takes the next number (#gen), so the number of the reset whose chunk bytes
// the kernel's memory holds names them without keeping that iterator (and its bytes) alive.
let resets = 0;
let kernelLoadedGen = -1;

/** The decoder state an appender continues from (see `xorIteratorState`). */
export interface XORDecodeState {
  t: number;
  tDelta: number;
  /** `tDelta` exactly, when it lies outside the safe-integer range; else null. */
  tDeltaBig: bigint | null;
  hi: number;
  lo: number;
  /** 0xff when no XOR window has been written yet, as in a fresh Prometheus xorAppender. */
  leading: number;
  trailing: number;
  /** Bits consumed from the start of the chunk bytes (header included). */
  bitPos: number;
  numRead: number;
}

// Filled in by XORIterator's static block: package-internal access to the decoder state for
// XORChunk.appender() and fromBytes validation, without making the fields public.
let readState: (it: XORIterator, out: XORDecodeState) => void;

let resetTo: (it: XORIterator, bytes: Uint8Array, length: number) => void;

/**
 * Restarts `it` on the first `length` bytes of `bytes` (a whole chunk), as `it.reset` on a view of
 * them would, without the view. Bytes past `length` may be read (never used as samples) and may
 * change meanwhile. Package-internal.
 */
export function resetXORIterator(it: XORIterator, bytes: Uint8Array, length: number): XORIterator {
  resetTo(it, bytes, length);
  return it;
}

/** Copies the state of `it` (after iterating to the end) into `out`. Package-internal. */
export function xorIteratorState(it: XORIterator, out: XORDecodeState): XORDecodeState {
  readState(it, out);
  return out;
}

/**
 * Prometheus: xorRead. Decodes one value XOR at bit `pos` into `s` (slots: xor-value-reader.ts) and
 * returns the new position. `w` holds the bits at `pos`, of which the first `valid` (13 or more)
 * are real. Encoding: 0 = unchanged; 10 = reuse the leading/trailing-zero window; 11 = 5 bits of
 * leading zeros, 6 bits of significant bits (0 meaning 64), then those bits.
 */
function readValue(buf: Uint8Array, pos: number, w: number, valid: number, s: Int32Array): number {
  if (w >= 0) return pos + 1;
  let trailing: number;
  let mbits: number;
  let prefixBits: number;
  if ((w & 0x40000000) === 0) {
    trailing = s[TRAILING]!;
    mbits = (64 - s[LEADING]! - trailing) & 0xff;
    prefixBits = 2;
  } else {
    const leading = (w >>> 25) & 31;
    mbits = (w >>> 19) & 63;
    if (mbits === 0) mbits = 64;
    trailing = (64 - leading - mbits) & 0xff; // uint8 arithmetic, as in Go.
    s[LEADING] = leading;
    s[TRAILING] = trailing;
    s[WINDOW_SET] = 1;
    prefixBits = 13;
  }
  if (prefixBits + mbits <= valid) {
    xorInto(s, 0, (w << prefixBits) >>> (32 - mbits), trailing); // Short values are already in `w`.
    return pos + prefixBits + mbits;
  }
  return xorBitsAt(buf, pos + prefixBits, mbits, trailing, s);
}

/**
 * Iterates the samples of an XOR chunk (a SampleIterator over floats). Decodes straight from the
 * chunk bytes, which it borrows: they must not change while it is in use (appending to the chunk
 * afterwards is fine; the iterator stops at the sample count it started with). Allocates nothing
 * per sample. Not safe for concurrent use; reuse one per series via `chunk.iterator(reuse)`.
 */
export class XORIterator implements SampleIterator {
  #buf: Uint8Array = EMPTY_CHUNK;
  #pos = 0; // Next bit to read, from the start of #buf.
  #end = 0; // Bytes of #buf that are the chunk's.
  #endBits = 0;
  #numTotal = 0;
  #numRead = 0;
  #gen = 0; // The number of this iterator's last reset: which chunk the kernel's copy is of.
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
  readonly #value = new Float64Array(3); // [0]: the current value; then room for the state slots.
  readonly #s = new Int32Array(this.#value.buffer);
  #err: ChunkEncodingError | undefined = undefined;
  readonly #vr: VarintResult = { value: 0, n: 0 };

  static {
    resetTo = (it, bytes, length) => it.#resetTo(bytes, length);
    readState = (it, out) => {
      out.t = it.#t;
      out.tDelta = it.#tDelta;
      out.tDeltaBig = it.#tDeltaBig;
      readValueState(it.#s, out);
      out.bitPos = it.#pos;
      out.numRead = it.#numRead;
    };
  }

  /** An iterator over `bytes` (a whole XOR chunk: header and data). */
  constructor(bytes: Uint8Array = EMPTY_CHUNK) {
    this.reset(bytes);
  }

  /** Prometheus: xorIterator.Reset. Restarts on another chunk's bytes (borrowed, not copied). */
  reset(bytes: Uint8Array): void {
    this.#resetTo(bytes, bytes.length);
  }

  // Reads the first `length` bytes of `bytes`; the bytes after them, if any, may change.
  #resetTo(bytes: Uint8Array, length: number): void {
    this.#buf = bytes;
    this.#end = length;
    this.#gen = ++resets;
    this.#pos = HEADER_BYTES * 8;
    this.#endBits = length * 8;
    this.#numRead = 0;
    this.#t = 0;
    this.#tDelta = 0;
    this.#tDeltaBig = null;
    const s = this.#s; // Cleared by hand: fill() is a builtin call, a fifth of a short chunk's reset.
    s[0] = 0;
    s[1] = 0;
    s[2] = 0;
    s[3] = 0;
    s[4] = 0;
    s[5] = 0;
    this.#err = undefined;
    if (length < HEADER_BYTES) {
      this.#numTotal = 0;
      this.#err = new ChunkEncodingError(`XOR chunk of ${length} bytes is shorter than its header`);
      return;
    }
    this.#numTotal = (bytes[0]! << 8) | bytes[1]!;
  }

  next(): ValueType {
    const numRead = this.#numRead;
    // #fail sets #numTotal to #numRead, so a failed iterator takes the slow path too.
    if (numRead < 2 || numRead === this.#numTotal) return this.#nextSlow();
    const buf = this.#buf;
    let pos = this.#pos;
    // Delta of delta: prefix 0, 10, 110, 1110 or 1111, then 0, 14, 17, 20 or 64 bits. Negative
    // numbers come back as high unsigned ones (see bstream.md).
    const w = peekBytes(buf, pos);
    let dod = 0;
    let used: number;
    if (w >= 0) {
      used = 1;
    } else if ((w & 0x40000000) === 0) {
      dod = (w >>> 16) & 0x3fff;
      if (dod > 0x2000) dod -= 0x4000;
      used = 16;
    } else if ((w & 0x20000000) === 0) {
      dod = (w >>> 12) & 0x1ffff;
      if (dod > 0x10000) dod -= 0x20000;
      used = 20;
    } else if ((w & 0x10000000) === 0) {
      dod = (w >>> 8) & 0xfffff;
      if (dod > 0x80000) dod -= 0x100000;
      used = 24;
    } else {
      return this.#nextWideDod(pos + 4);
    }
    pos += used;
    const tDelta = this.#tDelta + dod;
    if (this.#tDeltaBig === null && tDelta <= MAX_SAFE && tDelta >= -MAX_SAFE) {
      this.#tDelta = tDelta;
      this.#t += tDelta;
    } else {
      this.#advanceBig(BigInt(dod));
    }
    // The value's prefix (up to 13 bits) is usually still in `w`.
    pos =
      used <= 19
        ? readValue(buf, pos, w << used, 32 - used, this.#s)
        : readValue(buf, pos, peekBytes(buf, pos), 32, this.#s);
    return this.#finish(pos);
  }

  #finish(pos: number): ValueType {
    this.#pos = pos;
    if (pos > this.#endBits) return this.#fail('unexpected end of XOR chunk');
    this.#numRead++;
    return FLOAT;
  }

  // A 64-bit delta of delta (gaps changing by more than ~8.7 minutes) starting at bit `pos`.
  #nextWideDod(pos: number): ValueType {
    const buf = this.#buf;
    const hi = peekBytes(buf, pos);
    const lo = peekBytes(buf, pos + 32) >>> 0;
    pos += 64;
    const dod = hi * TWO_POW_32 + lo; // Exact when |hi| < 2^21.
    const tDelta = this.#tDelta + dod;
    if (this.#tDeltaBig === null && hi >= -0x200000 && hi < 0x200000 && tDelta <= MAX_SAFE && tDelta >= -MAX_SAFE) {
      this.#tDelta = tDelta;
      this.#t += tDelta;
    } else {
      this.#advanceBig(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
    }
    return this.#finish(readValue(buf, pos, peekBytes(buf, pos), 32, this.#s));
  }

  #nextSlow(): ValueType {
    if (this.#err !== undefined || this.#numRead === this.#numTotal) return NONE;
    return this.#numRead === 0 ? this.#readFirst() : this.#readSecond();
  }

  // Exact int64 arithmetic for deltas beyond 2^53 (only with timestamps ~2^53 ms apart).
  #advanceBig(dod: bigint): void {
    const tDelta = BigInt.asIntN(64, (this.#tDeltaBig ?? BigInt(this.#tDelta)) + dod);
    this.#setTDeltaBig(tDelta);
    this.#t = Number(BigInt(this.#t) + tDelta);
  }

  #setTDeltaBig(tDelta: bigint): void {
    this.#tDelta = Number(tDelta);
    this.#tDeltaBig = this.#tDelta <= MAX_SAFE && this.#tDelta >= -MAX_SAFE ? null : tDelta;
  }

  // Sample 0: the timestamp as a varint, the value as 64 raw bits.
  #readFirst(): ValueType {
    const r = varint(this.#buf, this.#pos >>> 3, this.#vr);
    if (r.n <= 0) return this.#fail(r.n === 0 ? 'unexpected end of XOR chunk' : 'varint overflow in XOR chunk');
    const pos = this.#pos + r.n * 8;
    this.#t = r.value;
    this.#s[HI] = peekBytes(this.#buf, pos);
    this.#s[LO] = peekBytes(this.#buf, pos + 32);
    return this.#finish(pos + 64);
  }

  // Sample 1: the timestamp delta as a uvarint (of Go's uint64(t1 - t0)), then a value XOR.
  #readSecond(): ValueType {
    const start = this.#pos >>> 3;
    const r = uvarint(this.#buf, start, this.#vr);
    if (r.n <= 0) return this.#fail(r.n === 0 ? 'unexpected end of XOR chunk' : 'varint overflow in XOR chunk');
    const pos = this.#pos + r.n * 8;
    if (r.n <= 7) {
      // Below 2^49: exact, and positive as an int64.
      this.#tDelta = r.value;
      this.#t += r.value;
    } else {
      const big = uvarintBig(this.#buf, start, bigResult);
      const tDelta = BigInt.asIntN(64, big.value);
      this.#setTDeltaBig(tDelta);
      this.#t = Number(BigInt(this.#t) + tDelta);
    }
    return this.#finish(readValue(this.#buf, pos, peekBytes(this.#buf, pos), 32, this.#s));
  }

  #fail(msg: string): ValueType {
    this.#err = new ChunkEncodingError(`${msg} (sample ${this.#numRead} of ${this.#numTotal})`);
    this.#numTotal = this.#numRead;
    return NONE;
  }

  /**
   * Advances to the first sample at or after `t` (ms) and returns Float, or None when the chunk
   * ends first (always for a NaN `t`); stays put when the current sample is already at or after `t`. Skips samples in a
   * loop that keeps the decoder state in locals and materialises no values on the way.
   */
  seek(t: number): ValueType {
    if (this.#err !== undefined) return NONE;
    if (Number.isNaN(t)) {
      // No sample is at or after a NaN time: the chunk ends first.
      this.#numTotal = this.#numRead;
      return NONE;
    }
    while (this.#numRead < 2 && (t > this.#t || this.#numRead === 0)) {
      if (this.next() === NONE) return NONE;
    }
    if (t <= this.#t) return FLOAT;
    // Sample times are integers: "t_sample >= t" is "t_sample >= ceil(t)". Long skips (16 samples
    // or more at the current spacing: a lookback window near a chunk's end) run on the kernel;
    // short ones (a range query's step) in JavaScript, which pays less than a call into it.
    this.#runBest(NO_TIMES, NO_VALUES, 0, 0x7fffffff, Math.ceil(t), false);
    return this.#err === undefined && this.#t >= t ? FLOAT : NONE;
  }

  /**
   * Decodes the samples after the current one into `ts` and `vs` from index `offset` on, as a loop
   * of `next()`, `atT()` and `atV()` would, until the chunk ends, the arrays are full, or a sample
   * later than `maxT` (ms) is read: that sample then is the current one (`atT`/`atV`) and is not
   * written. Returns the number of samples written. Values keep their exact bits (NaN payloads
   * included: they are written through an integer view of `vs`). The arrays are the caller's; only
   * `[offset, offset + returned)` is written. Check `err()` afterwards, as after `next()`. Allocates
   * nothing per call: the module keeps an integer view of the last `vs` passed (so it stays
   * reachable until another array is passed), and a different `vs` costs one new view.
   */
  decodeInto(ts: Float64Array, vs: Float64Array, offset = 0, maxT = Number.POSITIVE_INFINITY): number {
    const end = ts.length < vs.length ? ts.length : vs.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > end) {
      throw new RangeError(`XORIterator.decodeInto: offset ${offset} outside the arrays (length ${end})`);
    }
    if (vs !== viewedValues) {
      viewedValues = vs;
      valueWords = new Int32Array(vs.buffer, vs.byteOffset, vs.length * 2);
    }
    const vi = valueWords;
    if (this.#numRead === 0 && end - offset >= KERNEL_MIN_SAMPLES && this.#numTotal >= KERNEL_MIN_SAMPLES) {
      // A whole chunk: the kernel reads its first two samples too.
      const k = this.#end <= K_MAX_BYTES ? xorDecodeKernel() : null;
      if (k !== null) return this.#runKernel(k, ts, vi, offset, end - offset, Math.floor(maxT) + 1, true);
    }
    let n = 0;
    // The first two samples have encodings of their own: next() reads them.
    while (offset + n < end && this.#numRead < 2) {
      if (this.next() === NONE || this.#t > maxT) return n;
      const k = offset + n++;
      ts[k] = this.#t;
      vi[2 * k + HI] = this.#s[HI]!;
      vi[2 * k + LO] = this.#s[LO]!;
    }
    if (offset + n === end) return n;
    // Past maxT means at or after floor(maxT) + 1 for integer sample times.
    return n + this.#runBest(ts, vi, offset + n, end - offset - n, Math.floor(maxT) + 1, true);
  }

  // #run, on the WebAssembly kernel (xor-kernel.ts) where it can run (chunks up to K_MAX_BYTES,
  // exact time deltas) and pays: runs of KERNEL_MIN_SAMPLES or more. A decodeInto that stopped at
  // maxT continues on the bytes the kernel already holds.
  #runBest(ts: Float64Array, vi: Int32Array, offset: number, cap: number, stopT: number, store: boolean): number {
    const tDelta = this.#tDelta;
    if (
      this.#end <= K_MAX_BYTES &&
      this.#tDeltaBig === null &&
      tDelta < SAFE_START &&
      tDelta > -SAFE_START &&
      cap >= KERNEL_MIN_SAMPLES &&
      this.#numTotal - this.#numRead >= KERNEL_MIN_SAMPLES &&
      (tDelta <= 0 || stopT - this.#t >= KERNEL_MIN_SAMPLES * tDelta)
    ) {
      const k = xorDecodeKernel();
      if (k !== null) return this.#runKernel(k, ts, vi, offset, cap, stopT, store);
    }
    return this.#run(ts, vi, offset, cap, stopT, store);
  }

  // #run's loop in the kernel: the same samples, state and errors (from the first sample on, as
  // next() reads them, when none was read yet). The kernel reads the chunk bytes from its own
  // memory, reversed there (see xor-decode-kernel.wat), and stores up to K_OUT_CAP samples a call,
  // which this copies into the caller's arrays. A sample the kernel leaves (a 64-bit delta of
  // delta; a first or second sample it does not take) is read by next(), as in #run.
  #runKernel(
    k: XORDecodeKernel,
    ts: Float64Array,
    vi: Int32Array,
    offset: number,
    cap: number,
    stopT: number,
    store: boolean,
  ): number {
    const kf = k.f64;
    const ki = k.i32;
    let load = -1; // The first decode call loads the chunk bytes unless the kernel holds them.
    if (kernelLoadedGen !== this.#gen) {
      const buf = this.#buf;
      load = this.#end;
      k.u8.set(buf.length <= K_MAX_BYTES ? buf : buf.subarray(0, load), K_STAGE);
      kernelLoadedGen = this.#gen;
    }
    const s = this.#s;
    const count = Math.min(this.#numTotal - this.#numRead, cap);
    const stride = store ? 8 : 0;
    let n = 0;
    kf[K_STOP_T] = stopT;
    ki[K_END_BITS] = this.#endBits;
    while (n < count) {
      kf[K_T] = this.#t;
      kf[K_TDELTA] = this.#tDelta;
      ki[K_VALUE_HI] = s[HI]!;
      ki[K_VALUE_LO] = s[LO]!;
      ki[K_LEADING] = s[LEADING]!;
      ki[K_TRAILING] = s[TRAILING]!;
      ki[K_WINDOW] = s[WINDOW_SET]!;
      ki[K_POS] = this.#pos;
      ki[K_NUM_READ] = this.#numRead;
      const got = k.decode(count - n < K_OUT_CAP ? count - n : K_OUT_CAP, stride, load);
      load = -1;
      if (store) {
        // Little-endian words in the kernel and here (xor-kernel.ts runs it on such platforms only).
        ts.set(k.outTimes[got]!, offset + n);
        vi.set(k.outWords[got]!, 2 * (offset + n));
      }
      n += got;
      const status = ki[K_STATUS]!;
      this.#numRead += ki[K_READ]!;
      this.#pos = ki[K_POS]!;
      if (status === K_ENDED) {
        this.#fail('unexpected end of XOR chunk');
        return n;
      }
      this.#t = kf[K_T]!;
      this.#tDelta = kf[K_TDELTA]!;
      s[HI] = ki[K_VALUE_HI]!;
      s[LO] = ki[K_VALUE_LO]!;
      s[LEADING] = ki[K_LEADING]!;
      s[TRAILING] = ki[K_TRAILING]!;
      s[WINDOW_SET] = ki[K_WINDOW]!;
      if (status === K_STOPPED) return n;
      if (status !== K_DONE) {
        // A sample the kernel left (a 64-bit delta of delta may leave the exact range): next() reads it.
        if (this.next() === NONE || this.#t >= stopT) return n;
        if (store) {
          const d = offset + n;
          ts[d] = this.#t;
          vi[2 * d + HI] = s[HI]!;
          vi[2 * d + LO] = s[LO]!;
        }
        n++;
        const td = this.#tDelta;
        if (this.#tDeltaBig !== null || td >= SAFE_START || td <= -SAFE_START) {
          return n + this.#run(ts, vi, offset + n, cap - n, stopT, store);
        }
      }
    }
    return n;
  }

  // Decodes samples after the second one until the chunk ends, `cap` samples were written (when
  // `store`), or a sample at or after `stopT` is read (it becomes the current sample, unwritten).
  // The decoder state lives in locals for the loop. The loop reads the chunk bytes directly while
  // at least TAIL_MARGIN bytes remain, then a zero-padded copy of the rest, so that no read needs a
  // bounds check. Rare encodings (64-bit delta of delta, deltas beyond 2^53) go through next().
  #run(ts: Float64Array, vi: Int32Array, offset: number, cap: number, stopT: number, store: boolean): number {
    const s = this.#s;
    let buf = this.#buf;
    let base = 0; // Bit offset of `buf` within the chunk bytes (non-zero on the tail copy).
    let pos = this.#pos;
    let fastLimit = (buf.length - TAIL_MARGIN) * 8;
    const end = this.#end;
    const endBits = this.#endBits | 0;
    let numRead = this.#numRead;
    // Parameters and fields as untagged locals (int32, float64): TurboFan does not hoist their
    // checks out of a loop this size, so it would check and untag them on every sample.
    // numRead - n stays the same through the loop (next() below reads one sample, as the loop does).
    const count = Math.min(this.#numTotal - numRead, cap) | 0;
    const stopAt = +stopT;
    const storing = store ? 1 : 0;
    let t = this.#t;
    let tDelta = this.#tDelta;
    const hiAt = HI; // Locals: imported bindings are loaded afresh on each use.
    const loAt = LO;
    let hi = s[hiAt]!;
    let lo = s[loAt]!;
    let leading = s[LEADING]!;
    let trailing = s[TRAILING]!;
    let windowSet = s[WINDOW_SET]!;
    let n = 0;
    // Whether the loop may add deltas of delta to tDelta without checking that it stays exact: a
    // delta of delta the loop reads is below 2^20 in magnitude and a chunk has below 2^16 samples,
    // so from |tDelta| < 2^52 it stays below 2^53. Otherwise (and for 64-bit deltas of delta, which
    // can take it anywhere) next() reads the sample, with exact (bigint) arithmetic when needed.
    let exact = this.#tDeltaBig === null && tDelta < SAFE_START && tDelta > -SAFE_START;
    while (n < count) {
      if (pos >= fastLimit) {
        const startByte = pos >>> 3;
        const rest = end > startByte ? end - startByte : 0;
        for (let k = 0; k < rest; k++) tail[k] = buf[startByte + k]!;
        tail.fill(0, rest);
        base = startByte * 8;
        pos -= base;
        buf = tail;
        fastLimit = 0x7fffffff; // Once on the tail copy, no further switch.
      }
      let i = pos >>> 3;
      let sh = pos & 7;
      const w =
        (((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << sh) | (buf[i + 4]! >>> (8 - sh));
      let dod = 0;
      let used: number;
      if (w >= 0) {
        used = 1;
      } else if ((w & 0x40000000) === 0) {
        dod = (w >>> 16) & 0x3fff;
        if (dod > 0x2000) dod -= 0x4000;
        used = 16;
      } else if ((w & 0x20000000) === 0) {
        dod = (w >>> 12) & 0x1ffff;
        if (dod > 0x10000) dod -= 0x20000;
        used = 20;
      } else if ((w & 0x10000000) === 0) {
        dod = (w >>> 8) & 0xfffff;
        if (dod > 0x80000) dod -= 0x100000;
        used = 24;
      } else {
        used = 0; // A 64-bit delta of delta: next() reads it.
      }
      if (used === 0 || !exact) {
        this.#pos = pos + base;
        this.#numRead = numRead;
        this.#t = t;
        this.#tDelta = tDelta;
        s[HI] = hi;
        s[LO] = lo;
        s[LEADING] = leading;
        s[TRAILING] = trailing;
        s[WINDOW_SET] = windowSet;
        if (this.next() === NONE) return n;
        pos = this.#pos - base;
        numRead = this.#numRead;
        t = this.#t;
        tDelta = this.#tDelta;
        hi = s[HI]!;
        lo = s[LO]!;
        leading = s[LEADING]!;
        trailing = s[TRAILING]!;
        windowSet = s[WINDOW_SET]!;
        exact = this.#tDeltaBig === null && tDelta < SAFE_START && tDelta > -SAFE_START;
      } else {
        pos += used;
        tDelta += dod;
        t += tDelta;
        // The value: 0 = unchanged; 10 = reuse the window; 11 = 5 bits of leading zeros, 6 bits of
        // significant bits (0 meaning 64), then those bits (see readValue above).
        let vw: number;
        let valid: number;
        if (used <= 19) {
          vw = w << used;
          valid = 32 - used;
        } else {
          i = pos >>> 3;
          sh = pos & 7;
          vw =
            (((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << sh) |
            (buf[i + 4]! >>> (8 - sh));
          valid = 32;
        }
        if (vw >= 0) {
          pos += 1;
        } else {
          let mbits: number;
          let prefixBits: number;
          if ((vw & 0x40000000) === 0) {
            mbits = (64 - leading - trailing) & 0xff;
            prefixBits = 2;
          } else {
            leading = (vw >>> 25) & 31;
            mbits = (vw >>> 19) & 63;
            if (mbits === 0) mbits = 64;
            trailing = (64 - leading - mbits) & 0xff; // uint8 arithmetic, as in Go.
            windowSet = 1;
            prefixBits = 13;
          }
          let bh = 0;
          let bl: number;
          if (prefixBits + mbits <= valid) {
            bl = (vw << prefixBits) >>> (32 - mbits);
          } else {
            const p = pos + prefixBits;
            i = p >>> 3;
            sh = p & 7;
            const x =
              (((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << sh) |
              (buf[i + 4]! >>> (8 - sh));
            if (mbits > 32) {
              bh = x >>> (64 - mbits);
              const q = p + mbits - 32;
              i = q >>> 3;
              sh = q & 7;
              bl =
                (((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << sh) |
                (buf[i + 4]! >>> (8 - sh));
            } else {
              bl = x >>> (32 - mbits);
            }
          }
          pos += prefixBits + mbits;
          // value ^= bits << trailing (Go yields 0 for shifts of 64 or more).
          if (trailing === 0) {
            hi ^= bh;
            lo ^= bl;
          } else if (trailing < 32) {
            hi ^= (bh << trailing) ^ (bl >>> (32 - trailing));
            lo ^= bl << trailing;
          } else if (trailing < 64) {
            hi ^= bl << (trailing - 32);
          }
        }
        if (pos + base > endBits) {
          this.#pos = pos + base;
          this.#numRead = numRead;
          this.#fail('unexpected end of XOR chunk');
          return n;
        }
        numRead++;
      }
      if (t >= stopAt) break;
      if (storing !== 0) {
        const k = offset + n;
        ts[k] = t;
        vi[2 * k + hiAt] = hi;
        vi[2 * k + loAt] = lo;
      }
      n++;
    }
    this.#pos = pos + base;
    this.#numRead = numRead;
    this.#t = t;
    this.#tDelta = tDelta;
    s[HI] = hi;
    s[LO] = lo;
    s[LEADING] = leading;
    s[TRAILING] = trailing;
    s[WINDOW_SET] = windowSet;
    return n;
  }

  at(): [number, number] {
    // Not a `[t, v]` literal: V8 would give it double elements, and storing a signalling NaN (the
    // stale marker) into those quiets it. A generic-elements array keeps the value's bits.
    const pair = [undefined, undefined] as unknown as [number, number];
    pair[0] = this.#t;
    pair[1] = this.#value[0]!;
    return pair;
  }

  atT(): number {
    return this.#t;
  }

  atV(): number {
    return this.#value[0]!;
  }

  /** Always throws: an XOR chunk holds floats only (Prometheus panics here). */
  atHistogram(): Histogram {
    throw new Error('cannot call XORIterator.atHistogram');
  }

  /** Always throws: an XOR chunk holds floats only (Prometheus panics here). */
  atFloatHistogram(): FloatHistogram {
    throw new Error('cannot call XORIterator.atFloatHistogram');
  }

  /** 0: the XOR encoding stores no start timestamps. */
  atST(): number {
    return 0;
  }

  err(): Error | undefined {
    return this.#err;
  }
}
