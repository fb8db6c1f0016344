// Prometheus: tsdb/chunkenc/xor2.go xor2Iterator (the layout is in reference/tsdb-format/chunks.md,
// "XOR2 chunk data"; the Go source was not available, so this decoder follows that text).
import type { FloatHistogram, Histogram, SampleIterator } from '@tsprom/storage-interfaces';
import { ValueType } from '@tsprom/storage-interfaces';
import { peek32 } from './bit-reader.js';
import { ChunkEncodingError } from './errors.js';
import { HI, LO } from './float-bits.js';
import { LEADING, readValueState, TRAILING, WINDOW_SET, xorBits } from './xor-value-reader.js';
import { type BigVarintResult, uvarint, uvarintBig, type VarintResult, varint } from './varint.js';

const NONE = ValueType.None;
const FLOAT = ValueType.Float;
/** Bytes before the bit stream: the big-endian uint16 sample count and the ST header byte. */
export const XOR2_HEADER_BYTES = 3;
/** Highest `st_changed_on` (7 bits): from sample 127 on, every sample carries its ST. */
export const XOR2_MAX_ST_CHANGED_ON = 127;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;
const EMPTY_CHUNK = new Uint8Array(XOR2_HEADER_BYTES);
const bigResult: BigVarintResult = { value: 0n, n: 0 };
const STALE_HI = 0x7ff00000; // Prometheus: value.StaleNaN, 0x7ff0000000000002.
const STALE_LO = 0x00000002;

/** The decoder state an XOR2 appender continues from (see `xor2IteratorState`). */
export interface XOR2DecodeState {
  t: number;
  tDelta: number;
  /** `tDelta` exactly when it lies outside the safe-integer range; else null. */
  tDeltaBig: bigint | null;
  hi: number;
  lo: number;
  /** 0xff when no XOR window has been written yet. */
  leading: number;
  trailing: number;
  /** ST of the last sample (the implicit one when it carried none). */
  st: number;
  stDelta: number;
  stDeltaBig: bigint | null;
  /** Bits consumed from the start of the chunk bytes (header included). */
  bitPos: number;
  numRead: number;
}

let readState: (it: XOR2Iterator, out: XOR2DecodeState) => void;

/** Copies the state of `it` (after iterating to the end) into `out`. Package-internal. */
export function xor2IteratorState(it: XOR2Iterator, out: XOR2DecodeState): XOR2DecodeState {
  readState(it, out);
  return out;
}

// A new window: 5 bits of leading zeros, 6 bits of significant bits (0 meaning 64), then the bits.
function readNewWindow(buf: Uint8Array, dv: DataView, pos: number, s: Int32Array): number {
  const w = peek32(buf, dv, pos);
  const leading = w >>> 27;
  let mbits = (w >>> 21) & 63;
  if (mbits === 0) mbits = 64;
  const trailing = (64 - leading - mbits) & 0xff; // uint8 arithmetic, as in Go.
  s[LEADING] = leading;
  s[TRAILING] = trailing;
  s[WINDOW_SET] = 1;
  return xorBits(buf, dv, pos + 11, mbits, trailing, s);
}

// Reuse of the previous window (0/0 before any, as Go's zero-valued iterator fields would give).
function readSameWindow(buf: Uint8Array, dv: DataView, pos: number, s: Int32Array): number {
  const trailing = s[TRAILING]!;
  const mbits = (64 - s[LEADING]! - trailing) & 0xff;
  return xorBits(buf, dv, pos, mbits, trailing, s);
}

/**
 * `<varbit_xor2>` at `pos`: 0 = unchanged; 10 = previous window; 110 = new window; 111 = the stale
 * marker. Returns the position after it.
 */
function readXor2(buf: Uint8Array, dv: DataView, pos: number, s: Int32Array): number {
  const w = peek32(buf, dv, pos);
  if (w >= 0) return pos + 1;
  if ((w & 0x40000000) === 0) return readSameWindow(buf, dv, pos + 2, s);
  if ((w & 0x20000000) === 0) return readNewWindow(buf, dv, pos + 3, s);
  s[HI] = STALE_HI;
  s[LO] = STALE_LO;
  return pos + 3;
}

/** `<varbit_xor2_nn>` at `pos`: 0 = previous window; 1 = new window. */
function readXor2NN(buf: Uint8Array, dv: DataView, pos: number, s: Int32Array): number {
  return peek32(buf, dv, pos) >= 0 ? readSameWindow(buf, dv, pos + 1, s) : readNewWindow(buf, dv, pos + 1, s);
}

/**
 * Iterates the samples of an XOR2 chunk (a SampleIterator over floats, with start timestamps). It
 * decodes straight from the chunk bytes, which it borrows: they must not change while it is in use
 * (appending to the chunk afterwards is fine; the iterator stops at the sample count it started
 * with). Allocates nothing per sample, except on the exact int64 paths for timestamp deltas beyond
 * 2^53. Not safe for concurrent use; reuse one per series via `chunk.iterator(reuse)`.
 */
export class XOR2Iterator implements SampleIterator {
  #buf: Uint8Array = EMPTY_CHUNK;
  #dv: DataView = new DataView(EMPTY_CHUNK.buffer);
  #pos = 0; // Next bit to read, from the start of #buf.
  #endBits = 0;
  #numTotal = 0;
  #numRead = 0;
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
  #stChangedOn = 0; // 0: no sample after the first carries an ST.
  #st = 0;
  #stDelta = 0;
  #stDeltaBig: bigint | null = null;
  readonly #value = new Float64Array(3); // [0]: the current value; then room for the state slots.
  readonly #s = new Int32Array(this.#value.buffer);
  #err: ChunkEncodingError | undefined = undefined;
  readonly #vr: VarintResult = { value: 0, n: 0 };

  static {
    readState = (it, out) => {
      out.t = it.#t;
      out.tDelta = it.#tDelta;
      out.tDeltaBig = it.#tDeltaBig;
      readValueState(it.#s, out);
      out.st = it.#st;
      out.stDelta = it.#stDelta;
      out.stDeltaBig = it.#stDeltaBig;
      out.bitPos = it.#pos;
      out.numRead = it.#numRead;
    };
  }

  /** An iterator over `bytes` (a whole XOR2 chunk: header and data). */
  constructor(bytes: Uint8Array = EMPTY_CHUNK) {
    this.reset(bytes);
  }

  /** Restarts on another chunk's bytes (borrowed, not copied). */
  reset(bytes: Uint8Array): void {
    this.#buf = bytes;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = XOR2_HEADER_BYTES * 8;
    this.#endBits = bytes.length * 8;
    this.#numRead = 0;
    this.#t = 0;
    this.#tDelta = 0;
    this.#tDeltaBig = null;
    this.#st = 0;
    this.#stDelta = 0;
    this.#stDeltaBig = null;
    this.#s.fill(0);
    this.#err = undefined;
    if (bytes.length < XOR2_HEADER_BYTES) {
      this.#numTotal = 0;
      this.#stChangedOn = 0;
      this.#err = new ChunkEncodingError(`XOR2 chunk of ${bytes.length} bytes is shorter than its header`);
      return;
    }
    this.#numTotal = (bytes[0]! << 8) | bytes[1]!;
    this.#stChangedOn = bytes[2]! & 0x7f;
  }

  next(): ValueType {
    if (this.#err !== undefined || this.#numRead === this.#numTotal) return NONE;
    const i = this.#numRead;
    if (i === 0) return this.#readFirst();
    if (i === 1) return this.#readSecond();
    const buf = this.#buf;
    const dv = this.#dv;
    const s = this.#s;
    let pos = this.#pos;
    // The joint control prefix: 0, 10 and 11111 mean dod 0; 110, 1110 and 11110 carry a 13-bit,
    // 20-bit (two's complement) or 64-bit dod, each followed by a <varbit_xor2> value.
    const w = peek32(buf, dv, pos);
    if (w >= 0) {
      pos += 1; // dod 0, value unchanged.
      this.#advanceT(0);
    } else if ((w & 0x40000000) === 0) {
      this.#advanceT(0);
      pos = readXor2NN(buf, dv, pos + 2, s);
    } else if ((w & 0x20000000) === 0) {
      this.#advanceT(((w >>> 16) << 19) >> 19);
      pos = readXor2(buf, dv, pos + 16, s);
    } else if ((w & 0x10000000) === 0) {
      this.#advanceT(((w >>> 8) << 12) >> 12);
      pos = readXor2(buf, dv, pos + 24, s);
    } else if ((w & 0x08000000) === 0) {
      const hi = peek32(buf, dv, pos + 5);
      const lo = peek32(buf, dv, pos + 37) >>> 0;
      if (hi >= -0x200000 && hi < 0x200000) this.#advanceT(hi * TWO_POW_32 + lo);
      else this.#advanceTBig(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
      pos = readXor2(buf, dv, pos + 69, s);
    } else {
      pos += 5; // 11111: dod 0, the stale marker.
      this.#advanceT(0);
      s[HI] = STALE_HI;
      s[LO] = STALE_LO;
    }
    return this.#finish(this.#stWhenDue(i, pos));
  }

  #finish(pos: number): ValueType {
    this.#pos = pos;
    if (pos > this.#endBits) return this.#fail('unexpected end of XOR2 chunk');
    this.#numRead++;
    return FLOAT;
  }

  #advanceT(dod: number): void {
    const tDelta = this.#tDelta + dod;
    if (this.#tDeltaBig === null && tDelta <= MAX_SAFE && tDelta >= -MAX_SAFE) {
      this.#tDelta = tDelta;
      this.#t += tDelta;
    } else {
      this.#advanceTBig(BigInt(dod));
    }
  }

  // Exact int64 arithmetic for deltas beyond 2^53 (only with timestamps ~2^53 ms apart).
  #advanceTBig(dod: bigint): void {
    const tDelta = BigInt.asIntN(64, (this.#tDeltaBig ?? BigInt(this.#tDelta)) + dod);
    this.#tDelta = Number(tDelta);
    this.#tDeltaBig = this.#tDelta <= MAX_SAFE && this.#tDelta >= -MAX_SAFE ? null : tDelta;
    this.#t = Number(BigInt(this.#t) + tDelta);
  }

  // `<varbit_ts>` (XOR's timestamp dod encoding) of the ST: prefix 0, 10, 110, 1110 or 1111, then
  // 0, 14, 17, 20 or 64 bits. For sample 1 the "dod" is the delta from st_0, as the previous
  // delta is 0; samples before st_changed_on keep st_0 and a delta of 0.
  #readSTDod(pos: number): number {
    const buf = this.#buf;
    const dv = this.#dv;
    const w = peek32(buf, dv, pos);
    let dod = 0;
    if (w >= 0) {
      pos += 1; // The ST moved by the same delta as before.
    } else if ((w & 0x40000000) === 0) {
      dod = (w >>> 16) & 0x3fff;
      if (dod > 0x2000) dod -= 0x4000;
      pos += 16;
    } else if ((w & 0x20000000) === 0) {
      dod = (w >>> 12) & 0x1ffff;
      if (dod > 0x10000) dod -= 0x20000;
      pos += 20;
    } else if ((w & 0x10000000) === 0) {
      dod = (w >>> 8) & 0xfffff;
      if (dod > 0x80000) dod -= 0x100000;
      pos += 24;
    } else {
      const hi = peek32(buf, dv, pos + 4);
      const lo = peek32(buf, dv, pos + 36) >>> 0;
      pos += 68;
      if (hi < -0x200000 || hi >= 0x200000) {
        this.#advanceSTBig(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
        return pos;
      }
      dod = hi * TWO_POW_32 + lo;
    }
    const stDelta = this.#stDelta + dod;
    if (this.#stDeltaBig === null && stDelta <= MAX_SAFE && stDelta >= -MAX_SAFE) {
      this.#stDelta = stDelta;
      this.#st += stDelta;
    } else {
      this.#advanceSTBig(BigInt(dod));
    }
    return pos;
  }

  #advanceSTBig(dod: bigint): void {
    const stDelta = BigInt.asIntN(64, (this.#stDeltaBig ?? BigInt(this.#stDelta)) + dod);
    this.#stDelta = Number(stDelta);
    this.#stDeltaBig = this.#stDelta <= MAX_SAFE && this.#stDelta >= -MAX_SAFE ? null : stDelta;
    this.#st = Number(BigInt(this.#st) + stDelta);
  }

  // The ST after a sample's data: 1 bit more per sample from a st_dod of 0 on, as in <varbit_ts>.
  #stWhenDue(i: number, pos: number): number {
    return this.#stChangedOn !== 0 && i >= this.#stChangedOn ? this.#readSTDod(pos) : pos;
  }

  // Sample 0: the timestamp as a varint, the value as 64 raw bits, then st_0 as a varint when the
  // header's first_st_known bit is set.
  #readFirst(): ValueType {
    const buf = this.#buf;
    const r = varint(buf, this.#pos >>> 3, this.#vr);
    if (r.n <= 0) return this.#fail(r.n === 0 ? 'unexpected end of XOR2 chunk' : 'varint overflow in XOR2 chunk');
    let pos = this.#pos + r.n * 8;
    this.#t = r.value;
    this.#s[HI] = peek32(buf, this.#dv, pos);
    this.#s[LO] = peek32(buf, this.#dv, pos + 32);
    pos += 64;
    if ((buf[2]! & 0x80) !== 0) {
      if (pos >= this.#endBits) return this.#fail('unexpected end of XOR2 chunk');
      const s = varint(buf, pos >>> 3, this.#vr);
      if (s.n <= 0) return this.#fail(s.n === 0 ? 'unexpected end of XOR2 chunk' : 'varint overflow in XOR2 chunk');
      this.#st = s.value;
      pos += s.n * 8;
    }
    return this.#finish(pos);
  }

  // Sample 1: the timestamp delta as a uvarint (of Go's uint64(t1 - t0)), then a <varbit_xor2>.
  #readSecond(): ValueType {
    const buf = this.#buf;
    const start = this.#pos >>> 3;
    // Sample 0 ends on a byte boundary (whole bytes only), so the uvarint starts on one too.
    const r = uvarint(buf, start, this.#vr);
    if (r.n <= 0) return this.#fail(r.n === 0 ? 'unexpected end of XOR2 chunk' : 'varint overflow in XOR2 chunk');
    const pos = this.#pos + r.n * 8;
    if (r.n <= 7) {
      this.#tDelta = r.value; // Below 2^49: exact, and positive as an int64.
      this.#t += r.value;
    } else {
      const tDelta = BigInt.asIntN(64, uvarintBig(buf, start, bigResult).value);
      this.#tDelta = Number(tDelta);
      this.#tDeltaBig = this.#tDelta <= MAX_SAFE && this.#tDelta >= -MAX_SAFE ? null : tDelta;
      this.#t = Number(BigInt(this.#t) + tDelta);
    }
    return this.#finish(this.#stWhenDue(1, readXor2(buf, this.#dv, pos, this.#s)));
  }

  #fail(msg: string): ValueType {
    this.#err = new ChunkEncodingError(`${msg} (sample ${this.#numRead} of ${this.#numTotal})`);
    this.#numTotal = this.#numRead;
    return NONE;
  }

  seek(t: number): ValueType {
    if (this.#err !== undefined) return NONE;
    while (t > this.#t || this.#numRead === 0) {
      if (this.next() === NONE) return NONE;
    }
    return FLOAT;
  }

  at(): [number, number] {
    // Not a `[t, v]` literal: V8 would give it double elements, which quiets signalling NaNs.
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

  /** Always throws: an XOR2 chunk holds floats only (Prometheus panics here). */
  atHistogram(): Histogram {
    throw new Error('cannot call XOR2Iterator.atHistogram');
  }

  /** Always throws: an XOR2 chunk holds floats only (Prometheus panics here). */
  atFloatHistogram(): FloatHistogram {
    throw new Error('cannot call XOR2Iterator.atFloatHistogram');
  }

  /**
   * Start timestamp (ms) of the current sample, 0 when unknown. A sample that carries no ST in the
   * chunk has the ST of the first sample (0 if that one has none either).
   */
  atST(): number {
    return this.#st;
  }

  err(): Error | undefined {
    return this.#err;
  }
}
