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
  /**
   * The leading/trailing zero window of the last value XOR, as leading * 64 + trailing (leading
   * 0xff: none yet). One column for both, so that a slot's state leaves one for `id`.
   */
  window: 6,
  /**
   * Which slot assignment this is: a number no other slot assignment of the head had (0: the open
   * chunk is in no slot). Lets the commit trust a slab it took at append time (see applyCommit).
   */
  id: 7,
} as const;
/** Columns a slot's state takes. */
export const SLOT_COLS = 8;

/** No leading/trailing window written yet. */
const NO_WINDOW = 0xff * 64;

/**
 * Resets a slot's state for a new, empty chunk (its bytes must be zero: see clearSlot), `id` being
 * this assignment's (see SlotCol.id).
 */
export function resetSlotState(a: Float64Array, base: number, offset: number, id: number): void {
  a[base + SlotCol.offset] = offset;
  a[base + SlotCol.len] = HEADER_BYTES;
  a[base + SlotCol.count] = 0;
  a[base + SlotCol.tDelta] = 0;
  a[base + SlotCol.hi] = 0;
  a[base + SlotCol.lo] = 0;
  a[base + SlotCol.window] = NO_WINDOW;
  a[base + SlotCol.id] = id;
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
  f64[0] = v;
  const hi = i32[HI]!;
  const lo = i32[LO]!;
  if (num >= 2 && dod <= 0x80000 && dod >= -0x7ffff) {
    appendSteady(slab, a, base, l0, tDelta, dod, hi, lo);
  } else {
    appendSlow(slab, a, base, l0, num, t, tDelta, dod, hi, lo);
  }
  const n1 = num + 1;
  const o = a[base + SlotCol.offset]!;
  slab[o] = n1 >>> 8;
  slab[o + 1] = n1;
  return true;
}

/**
 * Appends samples `[from, to)` of `ts`/`vs` to the slot chunk of `num` samples whose last sample
 * is at `prevT`, as appendToSlot would one after another (the times must be safe integers, each
 * after the one before), and returns the index of the first one that did not go in (`to` when
 * all did): from there the slot lacks room or the timestamps need the 64-bit path. Steady samples
 * are written with the writer's state in locals, stored back once at the end.
 */
export function appendRunToSlot(
  slab: Uint8Array,
  a: Float64Array,
  base: number,
  num: number,
  prevT: number,
  ts: Float64Array,
  vs: Float64Array,
  from: number,
  to: number,
): number {
  let i = from;
  let n = num;
  let pt = prevT;
  // The first two samples of a chunk, one at a time.
  for (; i < to && n < 2; i++) {
    const t = ts[i]!;
    if (!appendToSlot(slab, a, base, n, pt, t, vs[i]!)) return i;
    n++;
    pt = t;
  }
  if (i === to) return i;
  const o = a[base + SlotCol.offset]!;
  let lc = (a[base + SlotCol.len]! << 4) | a[base + SlotCol.count]!;
  let win = a[base + SlotCol.window]!;
  let pd = a[base + SlotCol.tDelta]!;
  let hi = a[base + SlotCol.hi]!;
  let lo = a[base + SlotCol.lo]!;
  let written = false;
  for (; i < to; i++) {
    const t = ts[i]!;
    const tDelta = t - pt;
    const dod = tDelta - pd;
    if (
      SLOT_BYTES - (lc >>> 4) < APPEND_ROOM ||
      !(dod <= 0x80000 && dod >= -0x7ffff) ||
      tDelta > MAX_SAFE ||
      !Number.isSafeInteger(t)
    ) {
      // Out of room or a wide delta of delta: appendToSlot decides, on the state stored back.
      a[base + SlotCol.len] = lc >>> 4;
      a[base + SlotCol.count] = lc & 15;
      a[base + SlotCol.window] = win;
      a[base + SlotCol.tDelta] = pd;
      a[base + SlotCol.hi] = hi;
      a[base + SlotCol.lo] = lo;
      slab[o] = n >>> 8;
      slab[o + 1] = n;
      if (!appendToSlot(slab, a, base, n, pt, t, vs[i]!)) return i;
      n++;
      pt = t;
      lc = (a[base + SlotCol.len]! << 4) | a[base + SlotCol.count]!;
      win = a[base + SlotCol.window]!;
      pd = a[base + SlotCol.tDelta]!;
      hi = a[base + SlotCol.hi]!;
      lo = a[base + SlotCol.lo]!;
      continue;
    }
    f64[0] = vs[i]!;
    const h = i32[HI]!;
    const l = i32[LO]!;
    lc = encodeSteady(slab, o, lc, win, dod, h ^ hi, l ^ lo);
    win = steadyWindow;
    hi = h;
    lo = l;
    pd = tDelta;
    pt = t;
    n++;
    written = true;
  }
  if (written) {
    a[base + SlotCol.len] = lc >>> 4;
    a[base + SlotCol.count] = lc & 15;
    a[base + SlotCol.window] = win;
    a[base + SlotCol.tDelta] = pd;
    a[base + SlotCol.hi] = hi;
    a[base + SlotCol.lo] = lo;
    slab[o] = n >>> 8;
    slab[o + 1] = n;
  }
  return i;
}

/**
 * The steady state (a third or later sample, a delta of delta of at most 20 bits), written by
 * encodeSteady from the slot's columns, which it updates.
 */
function appendSteady(
  b: Uint8Array,
  a: Float64Array,
  base: number,
  l0: number,
  tDelta: number,
  dod: number,
  hi: number,
  lo: number,
): void {
  const lc = encodeSteady(
    b,
    a[base + SlotCol.offset]!,
    (l0 << 4) | a[base + SlotCol.count]!,
    a[base + SlotCol.window]!,
    dod,
    hi ^ a[base + SlotCol.hi]!,
    lo ^ a[base + SlotCol.lo]!,
  );
  a[base + SlotCol.tDelta] = tDelta;
  a[base + SlotCol.window] = steadyWindow;
  a[base + SlotCol.hi] = hi;
  a[base + SlotCol.lo] = lo;
  a[base + SlotCol.len] = lc >>> 4;
  a[base + SlotCol.count] = lc & 15;
}

/** The leading/trailing window (SlotCol.window) after the last encodeSteady. */
let steadyWindow = NO_WINDOW;

/**
 * The steady state (a third or later sample, a delta of delta of at most 20 bits), as
 * XORChunk's steady append writes it, the writer's state passed in and returned (appendRunToSlot
 * keeps it in locals across a run; appendSteady reads and stores the slot's columns): writes a
 * steady sample to the slot at `o` of slab `b`: delta of delta `dod`,
 * value XOR `xh`:`xl` with the last value, the last window being `win`. The fields join into runs
 * of up to 25 bits, each written with `put` as one 4-byte window (no bit loop). `lc` is the
 * writer's position as one small integer: bytes written << 4 | unwritten bits of the last byte.
 * Returns the new position; the new window is in `steadyWindow`.
 */
function encodeSteady(b: Uint8Array, o: number, lc: number, win: number, dod: number, xh: number, xl: number): number {
  // Delta of delta: 0, or prefix 10, 110, 1110 and 14, 17, 20 bits (Go: bitRange). `p` holds the
  // pending run of `pn` bits; a field joins it or, past 25 bits, the run is written first.
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
  steadyWindow = win;
  if (xh === 0 && xl === 0) return put(b, o, lc, p << 1, pn + 1); // 0: the value is unchanged.
  let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
  const trailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
  if (leading >= 32) leading = 31; // Clamp: the leading count has 5 bits.
  const lw = win >>> 6;
  const tw = win & 63;
  let shift: number;
  let sigbits: number;
  let u: number;
  let n: number;
  if (lw !== 0xff && leading >= lw && trailing >= tw) {
    shift = tw;
    sigbits = 64 - lw - shift;
    u = 0b10; // Fits the previous window: 10 then its significant bits.
    n = 2;
  } else {
    steadyWindow = leading * 64 + trailing;
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
    lc = put(b, o, lc, p, pn);
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
  if (sigbits > 32) {
    const top = sigbits - 32;
    if (top > 16) {
      u = (sh >>> 16) & ((1 << (top - 16)) - 1);
      n = top - 16;
      if (pn + n <= 25) {
        p = (p << n) | u;
        pn += n;
      } else {
        lc = put(b, o, lc, p, pn);
        p = u;
        pn = n;
      }
      u = sh & 0xffff;
      n = 16;
    } else {
      u = sh & ((1 << top) - 1);
      n = top;
    }
    if (pn + n <= 25) {
      p = (p << n) | u;
      pn += n;
    } else {
      lc = put(b, o, lc, p, pn);
      p = u;
      pn = n;
    }
  }
  if (sigbits > 16) {
    n = sigbits >= 32 ? 16 : sigbits - 16;
    u = (sl >>> 16) & ((1 << n) - 1);
    if (pn + n <= 25) {
      p = (p << n) | u;
      pn += n;
    } else {
      lc = put(b, o, lc, p, pn);
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
    lc = put(b, o, lc, (p << n) | u, pn + n);
  } else {
    lc = put(b, o, lc, p, pn);
    lc = put(b, o, lc, u, n);
  }
  // Go's writeBits of a whole number of bytes from a byte boundary leaves an empty byte.
  if ((sigbits & 7) === 0 && (lc & 15) === 0) lc += (1 << 4) | 8;
  return lc;
}

/**
 * The low n (1..25) bits of u (u < 2^n) at writer position `lc` (see appendSteady) of the slot at
 * `o`, as a run of single-bit writes would: the 32-bit window from the partly written last byte
 * on, stored as four bytes (the bits after the new ones are zero, as unwritten bits are). Returns
 * the new position. The window reaches at most 3 bytes past the bytes written: a steady sample
 * writes at most 14 bytes, so APPEND_ROOM keeps the window inside the slot.
 */
function put(b: Uint8Array, o: number, lc: number, u: number, n: number): number {
  let len = lc >>> 4;
  let count = lc & 15;
  if (count === 0) {
    len++; // A fresh byte (zero, as every byte past the written ones).
    count = 8;
  }
  const i = o + len - 1;
  const w = (b[i]! << 24) | (u << (count + 24 - n));
  b[i] = w >>> 24;
  b[i + 1] = w >>> 16;
  b[i + 2] = w >>> 8;
  b[i + 3] = w;
  const used = 8 - count + n; // Bits used from the start of byte len - 1 (2..32).
  return ((len + ((used - 1) >>> 3)) << 4) | (-used & 7);
}

// The first two samples and wide deltas of delta, through the bit writer below.
function appendSlow(
  slab: Uint8Array,
  a: Float64Array,
  base: number,
  l0: number,
  num: number,
  t: number,
  tDelta: number,
  dod: number,
  hi: number,
  lo: number,
): void {
  buf = slab;
  at = a[base + SlotCol.offset]!;
  len = l0;
  count = a[base + SlotCol.count]!;
  prevHi = a[base + SlotCol.hi]!;
  prevLo = a[base + SlotCol.lo]!;
  const win = a[base + SlotCol.window]!;
  leadingW = win >>> 6;
  trailingW = win & 63;
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
  a[base + SlotCol.len] = len;
  a[base + SlotCol.count] = count;
  a[base + SlotCol.tDelta] = tDelta;
  a[base + SlotCol.hi] = hi;
  a[base + SlotCol.lo] = lo;
  a[base + SlotCol.window] = leadingW * 64 + trailingW;
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
