// Prometheus: tsdb/chunkenc/xor.go xorWrite and xorRead, as the histogram codecs use them: one XOR
// state per value (the sum; for float histograms also the counts and every bucket), kept in an
// Int32Array of four slots per value: the value's high and low 32 bits, then the leading and
// trailing zero counts of its current window (leading 0xff: no window written yet). The value's
// bits only move as integers, so NaN payloads (the stale marker) survive exactly.
import type { BitWriter } from './bit-writer.js';
import type { BstreamReader } from './bstream-reader.js';

/** Slots per value in an XOR state array. */
export const XOR_SLOTS = 4;

/**
 * Prometheus: xorWrite. Writes the XOR of the value `hi:lo` with the value in state `k` of `s`,
 * then stores `hi:lo` (and the new window) there. The writer must have room for 10 bytes.
 */
export function xorWriteSlot(b: BitWriter, s: Int32Array, k: number, hi: number, lo: number): void {
  const o = k * XOR_SLOTS;
  const xh = hi ^ s[o]!;
  const xl = lo ^ s[o + 1]!;
  s[o] = hi;
  s[o + 1] = lo;
  if (xh === 0 && xl === 0) {
    b.writeBit(0);
    return;
  }
  b.writeBit(1);
  let newLeading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
  const newTrailing = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
  if (newLeading >= 32) newLeading = 31; // The leading count has 5 bits.
  const leading = s[o + 2]!;
  const trailing = s[o + 3]!;
  if (leading !== 0xff && newLeading >= leading && newTrailing >= trailing) {
    b.writeBit(0);
    writeShifted(b, xh, xl, trailing, 64 - leading - trailing);
    return;
  }
  s[o + 2] = newLeading;
  s[o + 3] = newTrailing;
  b.writeBit(1);
  b.writeBits(newLeading, 5);
  // 64 significant bits do not fit in 6 bits: Go writes 0 and the reader reads it back as 64.
  const sigbits = 64 - newLeading - newTrailing;
  b.writeBits(sigbits & 0x3f, 6);
  writeShifted(b, xh, xl, newTrailing, sigbits);
}

// Go: b.writeBits(delta>>shift, n) for the 64-bit delta xh:xl.
function writeShifted(b: BitWriter, xh: number, xl: number, shift: number, n: number): void {
  let h: number;
  let l: number;
  if (shift === 0) {
    h = xh;
    l = xl;
  } else if (shift < 32) {
    h = xh >>> shift;
    l = (xl >>> shift) | (xh << (32 - shift));
  } else {
    h = 0;
    l = xh >>> (shift - 32);
  }
  if (n > 32) b.writeBits64(h, l >>> 0, n);
  else b.writeBits(l >>> 0, n);
}

/**
 * Prometheus: xorRead. Reads an XOR written by `xorWriteSlot` and applies it to the value in state
 * `k` of `s` (updating its window when a new one is read).
 */
export function xorReadSlot(r: BstreamReader, s: Int32Array, k: number): void {
  if (r.readBit() === 0) return;
  const o = k * XOR_SLOTS;
  let leading: number;
  let mbits: number;
  let trailing: number;
  if (r.readBit() === 0) {
    leading = s[o + 2]!;
    trailing = s[o + 3]!;
    mbits = 64 - leading - trailing;
  } else {
    leading = r.readBits(5);
    mbits = r.readBits(6);
    if (mbits === 0) mbits = 64;
    trailing = 64 - leading - mbits;
    if (trailing < 0) {
      r.pos = r.endBits + 1; // Corrupt: more bits than a double has. Reported as an overrun.
      return;
    }
    s[o + 2] = leading;
    s[o + 3] = trailing;
  }
  let bh = 0;
  let bl: number;
  if (mbits > 32) {
    bh = r.readBits(mbits - 32);
    bl = r.readBits(32);
  } else {
    bl = mbits > 0 ? r.readBits(mbits) : 0;
  }
  // value ^= bits << trailing (Go yields 0 for shifts of 64 or more).
  if (trailing === 0) {
    s[o] = s[o]! ^ bh;
    s[o + 1] = s[o + 1]! ^ bl;
  } else if (trailing < 32) {
    s[o] = s[o]! ^ (bh << trailing) ^ (bl >>> (32 - trailing));
    s[o + 1] = s[o + 1]! ^ (bl << trailing);
  } else if (trailing < 64) {
    s[o] = s[o]! ^ (bl << (trailing - 32));
  }
}
