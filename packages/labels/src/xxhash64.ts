// Prometheus: vendor github.com/cespare/xxhash/v2 Sum64 (XXH64 with seed 0), which labels.Hash uses.
// Pure TypeScript on 32-bit halves: every 64-bit value is a (hi, lo) pair of int32s, so hashing
// allocates nothing; BigInt is only used to build the final result. Input is hashed from a
// module-owned scratch buffer with an Int32Array view over it, so each 4-byte word is one aligned
// load instead of four byte loads (the word reads assume a little-endian host; a big-endian one
// byte-swaps the words in the scratch first).

const MIN = 0x80000000 | 0; // XOR with this turns unsigned order into signed order.

/** High 32 bits of the unsigned 32x32-bit product, in 16-bit limbs so everything stays exact. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const w1 = a1 * b0 + ((a0 * b0) >>> 16);
  const w2 = a0 * b1 + (w1 & 0xffff);
  return (a1 * b1 + (w1 >>> 16) + (w2 >>> 16)) | 0;
}

const P1H = 0x9e3779b1 | 0;
const P1L = 0x85ebca87 | 0;
const P2H = 0xc2b2ae3d | 0;
const P2L = 0x27d4eb4f | 0;
const P3H = 0x165667b1 | 0;
const P3L = 0x9e3779f9 | 0;
const P4H = 0x85ebca77 | 0;
const P4L = 0xc2b2ae63 | 0;
const P5H = 0x27d4eb2f | 0;
const P5L = 0x165667c5 | 0;
// Initial lanes for seed 0: v1 = P1 + P2 and v4 = -P1 (mod 2^64).
const V1H = 0x60ea27ee | 0;
const V1L = 0xadc0b5d6 | 0;
const V4H = 0x61c8864e | 0;
const V4L = 0x7a143579 | 0;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let scratchBytes = new Uint8Array(1024);
let scratchWords = new Int32Array(scratchBytes.buffer);
// Inputs larger than this are hashed from a temporary copy, so one huge call does not pin memory.
const MAX_SCRATCH_BYTES = 1 << 20;

/**
 * The module's scratch buffer, grown to hold at least `n` bytes. Callers encode their input into it
 * and call {@link xxhash64Scratch} before anything else uses it (single-threaded; never across an
 * `await`). The returned array is only valid until the next call.
 */
export function hashScratch(n: number): Uint8Array {
  if (scratchBytes.length < n) {
    // Whole words, so the Int32Array view covers every byte.
    const size = Math.max(n, scratchBytes.length * 2) + 3;
    scratchBytes = new Uint8Array(size & ~3);
    scratchWords = new Int32Array(scratchBytes.buffer);
  }
  return scratchBytes;
}

function swapWords(w: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = w[i]!;
    w[i] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  }
}

/**
 * Computes XXH64 (seed 0) of `buf[0:len]` and leaves the result in {@link xxhashHi} /
 * {@link xxhashLo}, allocating nothing (unless `len` exceeds 1 MiB). The bytes are only read
 * during the call.
 */
export function xxhash64Parts(buf: Uint8Array, len: number): void {
  if (buf === scratchBytes) {
    xxhash64Scratch(len);
    return;
  }
  if (len > MAX_SCRATCH_BYTES) {
    const tmp = new Uint8Array((len + 3) & ~3);
    tmp.set(buf.subarray(0, len));
    const w = new Int32Array(tmp.buffer);
    if (!LITTLE_ENDIAN) swapWords(w, len >> 2);
    hashWords(tmp, w, len);
    return;
  }
  hashScratch(len).set(buf.subarray(0, len));
  xxhash64Scratch(len);
}

/**
 * Computes XXH64 (seed 0) of the first `len` bytes of the scratch buffer ({@link hashScratch}) into
 * {@link xxhashHi} / {@link xxhashLo}. May rewrite the scratch bytes (on big-endian hosts).
 */
export function xxhash64Scratch(len: number): void {
  if (!LITTLE_ENDIAN) swapWords(scratchWords, len >> 2);
  hashWords(scratchBytes, scratchWords, len);
}

/** High 32 bits of the last {@link xxhash64Parts} result. */
export let xxhashHi = 0;
/** Low 32 bits of the last {@link xxhash64Parts} result. */
export let xxhashLo = 0;

// XXH64 of buf[0:len], reading 4-byte words from `w` (a little-endian view of the same bytes).
function hashWords(buf: Uint8Array, w: Int32Array, len: number): void {
  // Written out on local int32 (hi, lo) pairs, with no helper returning a pair: V8 keeps the
  // locals in registers, where helper results would be boxed numbers.
  let p = 0;
  let hh = 0;
  let hl = 0;
  let kh = 0;
  let kl = 0;
  let th = 0;
  let tl = 0;
  let ih = 0;
  let il = 0;
  let ml = 0;
  let al2 = 0;
  let rh = 0;
  if (len >= 32) {
    let v1h = V1H;
    let v1l = V1L;
    let v2h = P2H;
    let v2l = P2L;
    let v3h = 0;
    let v3l = 0;
    let v4h = V4H;
    let v4l = V4L;
    const limit = len - 32;
    while (p <= limit) {
      il = w[p >> 2]!;
      ih = w[(p + 4) >> 2]!;
      ml = Math.imul(il, P2L);
      th = (mulhi(il, P2L) + Math.imul(il, P2H) + Math.imul(ih, P2L)) | 0;
      tl = ml;
      al2 = (v1l + tl) | 0;
      v1h = (v1h + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
      v1l = al2;
      rh = (v1h << 31) | (v1l >>> 1);
      v1l = (v1l << 31) | (v1h >>> 1);
      v1h = rh;
      ml = Math.imul(v1l, P1L);
      v1h = (mulhi(v1l, P1L) + Math.imul(v1l, P1H) + Math.imul(v1h, P1L)) | 0;
      v1l = ml;
      il = w[(p + 8) >> 2]!;
      ih = w[(p + 12) >> 2]!;
      ml = Math.imul(il, P2L);
      th = (mulhi(il, P2L) + Math.imul(il, P2H) + Math.imul(ih, P2L)) | 0;
      tl = ml;
      al2 = (v2l + tl) | 0;
      v2h = (v2h + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
      v2l = al2;
      rh = (v2h << 31) | (v2l >>> 1);
      v2l = (v2l << 31) | (v2h >>> 1);
      v2h = rh;
      ml = Math.imul(v2l, P1L);
      v2h = (mulhi(v2l, P1L) + Math.imul(v2l, P1H) + Math.imul(v2h, P1L)) | 0;
      v2l = ml;
      il = w[(p + 16) >> 2]!;
      ih = w[(p + 20) >> 2]!;
      ml = Math.imul(il, P2L);
      th = (mulhi(il, P2L) + Math.imul(il, P2H) + Math.imul(ih, P2L)) | 0;
      tl = ml;
      al2 = (v3l + tl) | 0;
      v3h = (v3h + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
      v3l = al2;
      rh = (v3h << 31) | (v3l >>> 1);
      v3l = (v3l << 31) | (v3h >>> 1);
      v3h = rh;
      ml = Math.imul(v3l, P1L);
      v3h = (mulhi(v3l, P1L) + Math.imul(v3l, P1H) + Math.imul(v3h, P1L)) | 0;
      v3l = ml;
      il = w[(p + 24) >> 2]!;
      ih = w[(p + 28) >> 2]!;
      ml = Math.imul(il, P2L);
      th = (mulhi(il, P2L) + Math.imul(il, P2H) + Math.imul(ih, P2L)) | 0;
      tl = ml;
      al2 = (v4l + tl) | 0;
      v4h = (v4h + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
      v4l = al2;
      rh = (v4h << 31) | (v4l >>> 1);
      v4l = (v4l << 31) | (v4h >>> 1);
      v4h = rh;
      ml = Math.imul(v4l, P1L);
      v4h = (mulhi(v4l, P1L) + Math.imul(v4l, P1H) + Math.imul(v4h, P1L)) | 0;
      v4l = ml;
      p += 32;
    }
    rh = (v1h << 1) | (v1l >>> 31);
    hl = (v1l << 1) | (v1h >>> 31);
    hh = rh;
    rh = (v2h << 7) | (v2l >>> 25);
    tl = (v2l << 7) | (v2h >>> 25);
    th = rh;
    al2 = (hl + tl) | 0;
    hh = (hh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    rh = (v3h << 12) | (v3l >>> 20);
    tl = (v3l << 12) | (v3h >>> 20);
    th = rh;
    al2 = (hl + tl) | 0;
    hh = (hh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    rh = (v4h << 18) | (v4l >>> 14);
    tl = (v4l << 18) | (v4h >>> 14);
    th = rh;
    al2 = (hl + tl) | 0;
    hh = (hh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    // Merge rounds: h = (h ^ round(0, v)) * P1 + P4.
    kh = 0;
    kl = 0;
    ml = Math.imul(v1l, P2L);
    th = (mulhi(v1l, P2L) + Math.imul(v1l, P2H) + Math.imul(v1h, P2L)) | 0;
    tl = ml;
    al2 = (kl + tl) | 0;
    kh = (kh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    kl = al2;
    rh = (kh << 31) | (kl >>> 1);
    kl = (kl << 31) | (kh >>> 1);
    kh = rh;
    ml = Math.imul(kl, P1L);
    kh = (mulhi(kl, P1L) + Math.imul(kl, P1H) + Math.imul(kh, P1L)) | 0;
    kl = ml;
    hh ^= kh;
    hl ^= kl;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    al2 = (hl + P4L) | 0;
    hh = (hh + P4H + ((al2 ^ MIN) < (P4L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    kh = 0;
    kl = 0;
    ml = Math.imul(v2l, P2L);
    th = (mulhi(v2l, P2L) + Math.imul(v2l, P2H) + Math.imul(v2h, P2L)) | 0;
    tl = ml;
    al2 = (kl + tl) | 0;
    kh = (kh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    kl = al2;
    rh = (kh << 31) | (kl >>> 1);
    kl = (kl << 31) | (kh >>> 1);
    kh = rh;
    ml = Math.imul(kl, P1L);
    kh = (mulhi(kl, P1L) + Math.imul(kl, P1H) + Math.imul(kh, P1L)) | 0;
    kl = ml;
    hh ^= kh;
    hl ^= kl;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    al2 = (hl + P4L) | 0;
    hh = (hh + P4H + ((al2 ^ MIN) < (P4L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    kh = 0;
    kl = 0;
    ml = Math.imul(v3l, P2L);
    th = (mulhi(v3l, P2L) + Math.imul(v3l, P2H) + Math.imul(v3h, P2L)) | 0;
    tl = ml;
    al2 = (kl + tl) | 0;
    kh = (kh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    kl = al2;
    rh = (kh << 31) | (kl >>> 1);
    kl = (kl << 31) | (kh >>> 1);
    kh = rh;
    ml = Math.imul(kl, P1L);
    kh = (mulhi(kl, P1L) + Math.imul(kl, P1H) + Math.imul(kh, P1L)) | 0;
    kl = ml;
    hh ^= kh;
    hl ^= kl;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    al2 = (hl + P4L) | 0;
    hh = (hh + P4H + ((al2 ^ MIN) < (P4L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    kh = 0;
    kl = 0;
    ml = Math.imul(v4l, P2L);
    th = (mulhi(v4l, P2L) + Math.imul(v4l, P2H) + Math.imul(v4h, P2L)) | 0;
    tl = ml;
    al2 = (kl + tl) | 0;
    kh = (kh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    kl = al2;
    rh = (kh << 31) | (kl >>> 1);
    kl = (kl << 31) | (kh >>> 1);
    kh = rh;
    ml = Math.imul(kl, P1L);
    kh = (mulhi(kl, P1L) + Math.imul(kl, P1H) + Math.imul(kh, P1L)) | 0;
    kl = ml;
    hh ^= kh;
    hl ^= kl;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    al2 = (hl + P4L) | 0;
    hh = (hh + P4H + ((al2 ^ MIN) < (P4L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
  } else {
    hh = P5H;
    hl = P5L;
  }
  // h += len (len < 2^32: label sets are far smaller).
  al2 = (hl + len) | 0;
  hh = (hh + 0 + ((al2 ^ MIN) < (len ^ MIN) ? 1 : 0)) | 0;
  hl = al2;
  while (p + 8 <= len) {
    il = w[p >> 2]!;
    ih = w[(p + 4) >> 2]!;
    kh = 0;
    kl = 0;
    ml = Math.imul(il, P2L);
    th = (mulhi(il, P2L) + Math.imul(il, P2H) + Math.imul(ih, P2L)) | 0;
    tl = ml;
    al2 = (kl + tl) | 0;
    kh = (kh + th + ((al2 ^ MIN) < (tl ^ MIN) ? 1 : 0)) | 0;
    kl = al2;
    rh = (kh << 31) | (kl >>> 1);
    kl = (kl << 31) | (kh >>> 1);
    kh = rh;
    ml = Math.imul(kl, P1L);
    kh = (mulhi(kl, P1L) + Math.imul(kl, P1H) + Math.imul(kh, P1L)) | 0;
    kl = ml;
    hh ^= kh;
    hl ^= kl;
    rh = (hh << 27) | (hl >>> 5);
    hl = (hl << 27) | (hh >>> 5);
    hh = rh;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    al2 = (hl + P4L) | 0;
    hh = (hh + P4H + ((al2 ^ MIN) < (P4L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    p += 8;
  }
  if (p + 4 <= len) {
    il = w[p >> 2]!;
    ml = Math.imul(il, P1L);
    th = (mulhi(il, P1L) + Math.imul(il, P1H) + Math.imul(0, P1L)) | 0;
    tl = ml;
    hh ^= th;
    hl ^= tl;
    rh = (hh << 23) | (hl >>> 9);
    hl = (hl << 23) | (hh >>> 9);
    hh = rh;
    ml = Math.imul(hl, P2L);
    hh = (mulhi(hl, P2L) + Math.imul(hl, P2H) + Math.imul(hh, P2L)) | 0;
    hl = ml;
    al2 = (hl + P3L) | 0;
    hh = (hh + P3H + ((al2 ^ MIN) < (P3L ^ MIN) ? 1 : 0)) | 0;
    hl = al2;
    p += 4;
  }
  while (p < len) {
    il = buf[p]!;
    ml = Math.imul(il, P5L);
    th = (mulhi(il, P5L) + Math.imul(il, P5H) + Math.imul(0, P5L)) | 0;
    tl = ml;
    hh ^= th;
    hl ^= tl;
    rh = (hh << 11) | (hl >>> 21);
    hl = (hl << 11) | (hh >>> 21);
    hh = rh;
    ml = Math.imul(hl, P1L);
    hh = (mulhi(hl, P1L) + Math.imul(hl, P1H) + Math.imul(hh, P1L)) | 0;
    hl = ml;
    p++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hl ^= hh >>> 1;
  ml = Math.imul(hl, P2L);
  hh = (mulhi(hl, P2L) + Math.imul(hl, P2H) + Math.imul(hh, P2L)) | 0;
  hl = ml;
  hl ^= (hl >>> 29) | (hh << 3);
  hh ^= hh >>> 29;
  ml = Math.imul(hl, P3L);
  hh = (mulhi(hl, P3L) + Math.imul(hl, P3H) + Math.imul(hh, P3L)) | 0;
  hl = ml;
  hl ^= hh;
  xxhashHi = hh >>> 0;
  xxhashLo = hl >>> 0;
}

/** XXH64 (seed 0) of `buf[0:len]` (default: all of `buf`), as an unsigned 64-bit bigint. */
export function xxhash64(buf: Uint8Array, len: number = buf.length): bigint {
  xxhash64Parts(buf, len);
  return toBigInt(xxhashHi, xxhashLo);
}

const bigScratch = new DataView(new ArrayBuffer(8));

/** Joins two uint32 halves into an unsigned 64-bit bigint (one BigInt allocation). */
export function toBigInt(hi: number, lo: number): bigint {
  bigScratch.setUint32(0, hi);
  bigScratch.setUint32(4, lo);
  return bigScratch.getBigUint64(0);
}
