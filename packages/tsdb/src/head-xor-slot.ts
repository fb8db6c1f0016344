// Prometheus: tsdb/chunkenc/xor.go xorAppender.Append, bstream (the writing half)
// An open XOR chunk with no object of its own: its bytes in a fixed slot of a slab shared with
// other series, its encoder state in the series' columns (see MemSeries). When 100k series are
// created at once, every open chunk would otherwise be two objects (a chunk and a view of the slab)
// that all stay, and the young-generation collector copies each of them twice, in pauses of tens
// of milliseconds. The bytes written are XORChunk's, bit for bit: a chunk leaves its slot for an
// XORChunk (XORChunk.fromBytes over the slot, which continues from the bytes) before anything the
// slot cannot hold, or that the fast path below does not handle, is appended.
import { putUvarint, putVarint } from '@tsprom/chunkenc';

/** Bytes of a slot, header included: most scrape chunks (~1.4 bytes a sample) stay in it. */
export const SLOT_BYTES = 256;
const HEADER_BYTES = 2;
/** Room needed before an append: at most 19 bytes a sample (see XORChunk.append). */
const APPEND_ROOM = 20;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 4294967296;

/**
 * Encoder state of a slot, as numbers at `base + k` of a series' column page. The time of the
 * last sample and the sample count are the series' maxt and open count.
 */
export const SlotCol = {
  /** Byte offset of the slot in its slab. */
  offset: 0,
  /** Bytes written, header included. */
  len: 1,
  /** Unwritten low bits of the last byte (0..8; 8 is Go's empty trailing byte). */
  count: 2,
  tDelta: 3,
  /** Bits of the last value, high and low 32 (signed). */
  hi: 4,
  lo: 5,
  /** The leading/trailing zero window of the last value XOR (0xff: none yet). */
  leading: 6,
  trailing: 7,
} as const;
/** Columns a slot's state takes. */
export const SLOT_COLS = 8;

/** Resets a slot's state for a new, empty chunk (its bytes must be zero: see clearSlot). */
export function resetSlotState(a: Float64Array, base: number, offset: number): void {
  a[base + SlotCol.offset] = offset;
  a[base + SlotCol.len] = HEADER_BYTES;
  a[base + SlotCol.count] = 0;
  a[base + SlotCol.tDelta] = 0;
  a[base + SlotCol.hi] = 0;
  a[base + SlotCol.lo] = 0;
  a[base + SlotCol.leading] = 0xff;
  a[base + SlotCol.trailing] = 0;
}

/** Zeroes the bytes a slot's chunk wrote (the writer ORs bits into zero bytes). */
export function clearSlot(slab: Uint8Array, a: Float64Array, base: number): void {
  const off = a[base + SlotCol.offset]!;
  slab.fill(0, off, off + a[base + SlotCol.len]!);
}

// The writer's registers, loaded from the columns for one append and stored back after it.
let buf: Uint8Array = new Uint8Array(0);
let at = 0; // Offset of the slot in buf.
let len = 0;
let count = 0;
let prevHi = 0;
let prevLo = 0;
let leadingW = 0xff;
let trailingW = 0;
const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = littleEndian ? 1 : 0;
const LO = littleEndian ? 0 : 1;
const varintScratch = new Uint8Array(10);

/**
 * Appends (t, v) to the slot chunk of `num` samples whose last sample is at `prevT`, as
 * XORChunk.append would, and writes the new sample count into the header. Returns false, having
 * written nothing, when the slot lacks room or the timestamps need the chunk's 64-bit path: the
 * caller moves the chunk into an XORChunk and appends there. `t` must be a safe integer after
 * `prevT` (the head's in-order appends).
 */
export function appendToSlot(
  slab: Uint8Array,
  a: Float64Array,
  base: number,
  num: number,
  prevT: number,
  t: number,
  v: number,
): boolean {
  const l0 = a[base + SlotCol.len]!;
  if (SLOT_BYTES - l0 < APPEND_ROOM || !Number.isSafeInteger(t)) return false;
  const tDelta = num === 0 ? 0 : t - prevT;
  const dod = num < 2 ? 0 : tDelta - a[base + SlotCol.tDelta]!;
  if (tDelta > MAX_SAFE || dod > MAX_SAFE || dod < -MAX_SAFE) return false;
  buf = slab;
  at = a[base + SlotCol.offset]!;
  len = l0;
  count = a[base + SlotCol.count]!;
  prevHi = a[base + SlotCol.hi]!;
  prevLo = a[base + SlotCol.lo]!;
  leadingW = a[base + SlotCol.leading]!;
  trailingW = a[base + SlotCol.trailing]!;
  f64[0] = v;
  const hi = i32[HI]!;
  const lo = i32[LO]!;
  if (num === 0) {
    const n = putVarint(varintScratch, 0, t);
    for (let i = 0; i < n; i++) writeByte(varintScratch[i]!);
    writeBits64(hi, lo, 64);
  } else if (num === 1) {
    const n = putUvarint(varintScratch, 0, tDelta);
    for (let i = 0; i < n; i++) writeByte(varintScratch[i]!);
    writeVDelta(hi, lo);
  } else if (dod === 0 && hi === prevHi && lo === prevLo) {
    putBits(0, 2); // The steady state of a constant series: two zero bits.
  } else {
    writeDod(dod);
    writeVDelta(hi, lo);
  }
  const n1 = num + 1;
  buf[at] = n1 >>> 8;
  buf[at + 1] = n1;
  a[base + SlotCol.len] = len;
  a[base + SlotCol.count] = count;
  a[base + SlotCol.tDelta] = tDelta;
  a[base + SlotCol.hi] = hi;
  a[base + SlotCol.lo] = lo;
  a[base + SlotCol.leading] = leadingW;
  a[base + SlotCol.trailing] = trailingW;
  return true;
}

// Prometheus: milliseconds need wider buckets than Gorilla's seconds, so 14/17/20 bits, else 64.
function writeDod(dod: number): void {
  if (dod === 0) {
    writeBit(0);
  } else if (dod >= -0x1fff && dod <= 0x2000) {
    putBits((0b10 << 14) | (dod & 0x3fff), 16);
  } else if (dod >= -0xffff && dod <= 0x10000) {
    putBits((0b110 << 17) | (dod & 0x1ffff), 20);
  } else if (dod >= -0x7ffff && dod <= 0x80000) {
    putBits((0b1110 << 20) | (dod & 0xfffff), 24);
  } else {
    const h = Math.floor(dod / TWO_POW_32);
    putBits(0b1111, 4);
    writeBits64(h, dod - h * TWO_POW_32, 64);
  }
}

// Prometheus: xorWrite (see XORChunk's #writeVDelta, which this mirrors).
function writeVDelta(hi: number, lo: number): void {
  const xh = hi ^ prevHi;
  const xl = lo ^ prevLo;
  if (xh === 0 && xl === 0) {
    writeBit(0);
    return;
  }
  let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
  const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
  if (leading >= 32) leading = 31;
  let prefix: number;
  let prefixBits: number;
  let shift: number;
  let sigbits: number;
  if (leadingW !== 0xff && leading >= leadingW && trailing >= trailingW) {
    prefix = 0b10;
    prefixBits = 2;
    shift = trailingW;
    sigbits = 64 - leadingW - shift;
  } else {
    leadingW = leading;
    trailingW = trailing;
    shift = trailing;
    sigbits = 64 - leading - trailing;
    prefix = (0b11 << 11) | (leading << 6) | (sigbits & 63);
    prefixBits = 13;
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
    putBits((prefix << sigbits) | sl, prefixBits + sigbits);
    if ((sigbits & 7) === 0) trailingByteIfAligned();
  } else {
    putBits(prefix, prefixBits);
    writeBits64(sh, sl, sigbits);
  }
}

function writeBit(bit: number): void {
  if (count === 0) {
    buf[at + len++] = 0;
    count = 8;
  }
  count--;
  if (bit !== 0) buf[at + len - 1]! |= 1 << count;
}

// Go: bstream.writeByte (writeBits(b, 8)).
function writeByte(b: number): void {
  const aligned = count === 0 || count === 8;
  putBits(b, 8);
  if (aligned) trailingByteIfAligned();
}

// Go: bstream.writeBits for 1..64 bits of the 64-bit value hi:lo.
function writeBits64(hi: number, lo: number, n: number): void {
  const aligned = count === 0 || count === 8;
  if (n > 32) {
    putBits(hi, n - 32);
    putBits(lo, 32);
  } else {
    putBits(lo, n);
  }
  if (aligned && (n & 7) === 0) trailingByteIfAligned();
}

// The low n (1..32) bits of u, as a run of single-bit writes would.
function putBits(u: number, n: number): void {
  if (n < 32) u &= (1 << n) - 1;
  let c = count;
  let l = len;
  const b = buf;
  const o = at;
  if (n <= c) {
    c -= n;
    b[o + l - 1]! |= u << c;
    count = c;
    return;
  }
  if (c > 0) {
    n -= c;
    b[o + l - 1]! |= u >>> n;
  }
  while (n >= 8) {
    n -= 8;
    b[o + l++] = u >>> n;
  }
  if (n > 0) {
    b[o + l++] = u << (8 - n);
    c = 8 - n;
  } else {
    c = 0;
  }
  len = l;
  count = c;
}

function trailingByteIfAligned(): void {
  if (count !== 0) return;
  buf[at + len++] = 0;
  count = 8;
}
