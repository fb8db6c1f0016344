// Prometheus: tsdb/chunkenc/varbit.go putVarbitInt, readVarbitInt, putVarbitUint, readVarbitUint.
// The bucketing is optimized for the deltas of deltas seen in histogram buckets: 1 bit for 0, then
// prefixes of 2..8 one bits selecting 3, 6, 9, 12, 18, 25, 56 or 64 value bits.
//
// Values are JS numbers: exact within ±(2^53 − 1); the 56- and 64-bit forms of larger magnitudes
// (never produced by counts a double can hold exactly) come back rounded to the nearest double.
import type { BitWriter } from './bit-writer.js';
import type { BstreamReader } from './bstream-reader.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_55 = 2 ** 55;
const TWO_POW_56 = 2 ** 56;

// Value bits per number of leading one bits of the prefix (0 = the value is 0).
const SIZES = [0, 3, 6, 9, 12, 18, 25, 56, 64];

// Go's writeBits(uint64(val), n) for n of 56 or 64: the low n bits of val's two's complement.
function writeWide(b: BitWriter, val: number, n: number): void {
  const hi = Math.floor(val / TWO_POW_32);
  b.writeBits64(hi | 0, val - hi * TWO_POW_32, n);
}

/**
 * Prometheus: putVarbitInt. Writes a signed integer; each Go writeBits call is reproduced, so Go's
 * empty trailing byte after a byte-aligned whole-byte write appears where it does in Go.
 * The writer must have room for 9 more bytes (`BitWriter.reserve`).
 */
export function putVarbitInt(b: BitWriter, val: number): void {
  // Prefix and value go out in one write where both fit in 32 bits: neither of Go's two writes is
  // a whole number of bytes then, so Go's trailing-byte rule cannot apply to them.
  if (val === 0) {
    b.writeBit(0);
  } else if (val >= -3 && val <= 4) {
    b.putBits((0b10 << 3) | (val & 0x7), 5);
  } else if (val >= -31 && val <= 32) {
    b.putBits((0b110 << 6) | (val & 0x3f), 9);
  } else if (val >= -255 && val <= 256) {
    b.putBits((0b1110 << 9) | (val & 0x1ff), 13);
  } else if (val >= -2047 && val <= 2048) {
    b.putBits((0b11110 << 12) | (val & 0xfff), 17);
  } else if (val >= -131071 && val <= 131072) {
    b.putBits((0b111110 << 18) | (val & 0x3ffff), 24);
  } else if (val >= -16777215 && val <= 16777216) {
    b.putBits(0b1111110, 7);
    b.putBits(val & 0x1ffffff, 25);
  } else if (val > -TWO_POW_55 && val <= TWO_POW_55) {
    b.writeBits(0b11111110, 8);
    writeWide(b, val, 56);
  } else {
    b.writeBits(0b11111111, 8);
    writeWide(b, val, 64);
  }
}

/** Prometheus: putVarbitUint. Writes a non-negative integer (room for 9 bytes needed). */
export function putVarbitUint(b: BitWriter, val: number): void {
  if (val === 0) {
    b.writeBit(0);
  } else if (val < 8) {
    b.putBits((0b10 << 3) | val, 5);
  } else if (val < 64) {
    b.putBits((0b110 << 6) | val, 9);
  } else if (val < 512) {
    b.putBits((0b1110 << 9) | val, 13);
  } else if (val < 4096) {
    b.putBits((0b11110 << 12) | val, 17);
  } else if (val < 262144) {
    b.putBits((0b111110 << 18) | val, 24);
  } else if (val < 33554432) {
    b.putBits(0b1111110, 7);
    b.putBits(val, 25);
  } else if (val < TWO_POW_56) {
    b.writeBits(0b11111110, 8);
    writeWide(b, val, 56);
  } else {
    b.writeBits(0b11111111, 8);
    writeWide(b, val, 64);
  }
}

// Reads the prefix and returns the number of value bits that follow (0: the value is 0).
function readPrefix(r: BstreamReader): number {
  let ones = Math.clz32(~r.peek());
  if (ones > 8) ones = 8;
  r.pos += ones === 8 ? 8 : ones + 1;
  return SIZES[ones]!;
}

// Reads `sz` (56 or 64) bits as an unsigned number (rounded to a double).
function readWide(r: BstreamReader, sz: number): number {
  const hi = r.readBits(sz - 32);
  const lo = r.readBits(32);
  return hi * TWO_POW_32 + lo;
}

/** Prometheus: readVarbitInt. Reads a signed integer written by `putVarbitInt`. */
export function readVarbitInt(r: BstreamReader): number {
  const w = r.peek();
  let ones = Math.clz32(~w);
  if (ones === 0) {
    r.pos++;
    return 0;
  }
  if (ones <= 5) {
    // Prefix (ones + 1 bits) and value (at most 18 bits) are both in w.
    const sz = SIZES[ones]!;
    const used = ones + 1;
    r.pos += used + sz;
    const bits = (w << used) >>> (32 - sz);
    const half = 1 << (sz - 1);
    return bits > half ? bits - 2 * half : bits;
  }
  if (ones > 8) ones = 8;
  r.pos += ones === 8 ? 8 : ones + 1;
  const sz = SIZES[ones]!;
  if (sz === 25) {
    const bits = r.readBits(25);
    return bits > 0x1000000 ? bits - 0x2000000 : bits;
  }
  if (sz === 56) {
    const hi = r.readBits(24);
    const lo = r.readBits(32);
    // Go: bits > 1<<55 means negative (bits - 1<<56); sign-extend hi first to stay exact.
    if (hi > 0x800000 || (hi === 0x800000 && lo > 0)) return (hi - 0x1000000) * TWO_POW_32 + lo;
    return hi * TWO_POW_32 + lo;
  }
  const hi = r.readBits(32) | 0; // Signed: int64(bits).
  const lo = r.readBits(32);
  return hi * TWO_POW_32 + lo;
}

/** Prometheus: readVarbitUint. Reads a non-negative integer written by `putVarbitUint`. */
export function readVarbitUint(r: BstreamReader): number {
  const w = r.peek();
  const ones = Math.clz32(~w);
  if (ones === 0) {
    r.pos++;
    return 0;
  }
  if (ones <= 5) {
    const sz = SIZES[ones]!;
    const used = ones + 1;
    r.pos += used + sz;
    return (w << used) >>> (32 - sz);
  }
  const sz = readPrefix(r);
  if (sz === 0) return 0;
  if (sz <= 25) return r.readBits(sz);
  return readWide(r, sz);
}
