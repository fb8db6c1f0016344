// Prometheus: tsdb/chunkenc/xor.go xorIterator, xorRead
import type { FloatHistogram, Histogram, SampleIterator } from '@tsprom/storage-interfaces';
import { ValueType } from '@tsprom/storage-interfaces';
import { peek32 } from './bit-reader.js';
import { ChunkEncodingError } from './errors.js';
import { HI, LO } from './float-bits.js';
import { LEADING, readValueState, TRAILING, WINDOW_SET, xorBits, xorInto } from './xor-value-reader.js';
import { type BigVarintResult, uvarint, uvarintBig, type VarintResult, varint } from './varint.js';

const NONE = ValueType.None;
const FLOAT = ValueType.Float;
const HEADER_BYTES = 2; // Prometheus: chunkHeaderSize, the big-endian uint16 sample count.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;
const EMPTY_CHUNK = new Uint8Array(HEADER_BYTES);
const bigResult: BigVarintResult = { value: 0n, n: 0 };

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
function readValue(buf: Uint8Array, dv: DataView, pos: number, w: number, valid: number, s: Int32Array): number {
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
  return xorBits(buf, dv, pos + prefixBits, mbits, trailing, s);
}

/**
 * Iterates the samples of an XOR chunk (a SampleIterator over floats). Decodes straight from the
 * chunk bytes, which it borrows: they must not change while it is in use (appending to the chunk
 * afterwards is fine; the iterator stops at the sample count it started with). Allocates nothing
 * per sample. Not safe for concurrent use; reuse one per series via `chunk.iterator(reuse)`.
 */
export class XORIterator implements SampleIterator {
  #buf: Uint8Array = EMPTY_CHUNK;
  #dv: DataView = new DataView(EMPTY_CHUNK.buffer);
  #pos = 0; // Next bit to read, from the start of #buf.
  #endBits = 0;
  #numTotal = 0;
  #numRead = 0;
  #t = 0;
  #tDelta = 0;
  #tDeltaBig: bigint | null = null;
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
    this.#buf = bytes;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = HEADER_BYTES * 8;
    this.#endBits = bytes.length * 8;
    this.#numRead = 0;
    this.#t = 0;
    this.#tDelta = 0;
    this.#tDeltaBig = null;
    this.#s.fill(0);
    this.#err = undefined;
    if (bytes.length < HEADER_BYTES) {
      this.#numTotal = 0;
      this.#err = new ChunkEncodingError(`XOR chunk of ${bytes.length} bytes is shorter than its header`);
      return;
    }
    this.#numTotal = (bytes[0]! << 8) | bytes[1]!;
  }

  next(): ValueType {
    const numRead = this.#numRead;
    // #fail sets #numTotal to #numRead, so a failed iterator takes the slow path too.
    if (numRead < 2 || numRead === this.#numTotal) return this.#nextSlow();
    const buf = this.#buf;
    const dv = this.#dv;
    let pos = this.#pos;
    // Delta of delta: prefix 0, 10, 110, 1110 or 1111, then 0, 14, 17, 20 or 64 bits. Negative
    // numbers come back as high unsigned ones (see bstream.md).
    const w = peek32(buf, dv, pos);
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
        ? readValue(buf, dv, pos, w << used, 32 - used, this.#s)
        : readValue(buf, dv, pos, peek32(buf, dv, pos), 32, this.#s);
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
    const dv = this.#dv;
    const hi = peek32(buf, dv, pos);
    const lo = peek32(buf, dv, pos + 32) >>> 0;
    pos += 64;
    const dod = hi * TWO_POW_32 + lo; // Exact when |hi| < 2^21.
    const tDelta = this.#tDelta + dod;
    if (this.#tDeltaBig === null && hi >= -0x200000 && hi < 0x200000 && tDelta <= MAX_SAFE && tDelta >= -MAX_SAFE) {
      this.#tDelta = tDelta;
      this.#t += tDelta;
    } else {
      this.#advanceBig(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
    }
    return this.#finish(readValue(buf, dv, pos, peek32(buf, dv, pos), 32, this.#s));
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
    this.#s[HI] = peek32(this.#buf, this.#dv, pos);
    this.#s[LO] = peek32(this.#buf, this.#dv, pos + 32);
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
    return this.#finish(readValue(this.#buf, this.#dv, pos, peek32(this.#buf, this.#dv, pos), 32, this.#s));
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
