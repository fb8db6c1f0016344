// Prometheus uses Go's encoding/binary varints everywhere on disk (chunk headers, XOR chunks, the
// index, WAL records). These match Go byte for byte: little-endian base-128 groups with the high bit
// as continuation, signed values zig-zag encoded, at most 10 bytes for 64 bits.
//
// The number variants are exact for integers within ±(2^53 − 1) (Number.isSafeInteger); the bigint
// variants cover the whole uint64 / int64 range.

/** Go: binary.MaxVarintLen64, the longest encoding of a 64-bit value. */
export const MAX_VARINT_LEN64 = 10;

const TWO_POW_31 = 0x80000000;

/**
 * The result of a varint decode, filled in by `uvarint`/`varint` so decoding allocates nothing (the
 * caller owns it and may reuse it). `n` means what it means in Go's binary.Uvarint: `n > 0` bytes
 * were read; `n == 0` the input ended first; `n < 0` the value overflows 64 bits (`-n` bytes read).
 */
export interface VarintResult {
  value: number;
  n: number;
}

/** Like `VarintResult`, with the value as an exact 64-bit bigint. */
export interface BigVarintResult {
  value: bigint;
  n: number;
}

function checkSafe(x: number, min: number): void {
  if (!Number.isSafeInteger(x) || x < min) throw new RangeError(`varint: ${x} is not a safe integer >= ${min}`);
}

/**
 * Go: binary.PutUvarint. Writes `x` (a non-negative safe integer) at `dst[offset]` and returns the
 * number of bytes written (1..8). `dst` must have room for it (MAX_VARINT_LEN64 bytes always do).
 */
export function putUvarint(dst: Uint8Array, offset: number, x: number): number {
  checkSafe(x, 0);
  let i = offset;
  while (x >= TWO_POW_31) {
    dst[i++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  while (x >= 0x80) {
    dst[i++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  dst[i++] = x;
  return i - offset;
}

/** Go: binary.PutVarint (zig-zag). Writes a safe integer and returns the bytes written (1..8). */
export function putVarint(dst: Uint8Array, offset: number, x: number): number {
  checkSafe(x, -Number.MAX_SAFE_INTEGER);
  // Zig-zag is 2m + sign with m = x or -x-1; 2m can exceed 2^53, so emit the first 7-bit group
  // (6 bits of m plus the sign) by hand and the rest, m >> 6, as a plain uvarint.
  const neg = x < 0;
  const m = neg ? -x - 1 : x;
  const first = ((m % 64) << 1) | (neg ? 1 : 0);
  const rest = Math.floor(m / 64);
  if (rest === 0) {
    dst[offset] = first;
    return 1;
  }
  dst[offset] = first | 0x80;
  return 1 + putUvarint(dst, offset + 1, rest);
}

/** Go: binary.PutUvarint for any uint64 (`x` is taken modulo 2^64). Returns the bytes written. */
export function putUvarintBig(dst: Uint8Array, offset: number, x: bigint): number {
  x = BigInt.asUintN(64, x);
  let i = offset;
  while (x >= 0x80n) {
    dst[i++] = Number(x & 0x7fn) | 0x80;
    x >>= 7n;
  }
  dst[i++] = Number(x);
  return i - offset;
}

/** Go: binary.PutVarint for any int64 (`x` is taken as a 64-bit two's complement). */
export function putVarintBig(dst: Uint8Array, offset: number, x: bigint): number {
  x = BigInt.asIntN(64, x);
  return putUvarintBig(dst, offset, x < 0n ? ((-x - 1n) << 1n) | 1n : x << 1n);
}

/** Bytes `putUvarint` needs for `x` (a non-negative safe integer). */
export function uvarintSize(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** Bytes `putVarint` needs for `x` (a safe integer). */
export function varintSize(x: number): number {
  const m = x < 0 ? -x - 1 : x;
  return m < 64 ? 1 : 1 + uvarintSize(Math.floor(m / 64));
}

/**
 * Go: binary.Uvarint. Decodes the uvarint at `src[offset]` into `out` and returns `out`. Values
 * above 2^53 − 1 come back rounded to the nearest double; use `uvarintBig` where they can occur.
 */
export function uvarint(src: Uint8Array, offset: number, out: VarintResult): VarintResult {
  let x = 0;
  let mul = 1;
  const end = Math.min(src.length, offset + MAX_VARINT_LEN64 + 1);
  for (let i = offset; i < end; i++) {
    const k = i - offset;
    if (k === MAX_VARINT_LEN64) return fail(out, -(k + 1));
    const b = src[i]!;
    if (b < 0x80) {
      if (k === MAX_VARINT_LEN64 - 1 && b > 1) return fail(out, -(k + 1));
      out.value = x + b * mul;
      out.n = k + 1;
      return out;
    }
    x += (b & 0x7f) * mul;
    mul *= 128;
  }
  return fail(out, 0);
}

/** Go: binary.Varint. Like `uvarint` for zig-zag signed values; exact within ±(2^53 − 1). */
export function varint(src: Uint8Array, offset: number, out: VarintResult): VarintResult {
  // Zig-zag is 2m + sign; 2m can exceed 2^53, so accumulate m (the first group's top 6 bits, then
  // each further group times 2^(7k − 1)) and apply the sign at the end.
  let m = 0;
  let neg = false;
  let mul = 64;
  const end = Math.min(src.length, offset + MAX_VARINT_LEN64 + 1);
  for (let i = offset; i < end; i++) {
    const k = i - offset;
    if (k === MAX_VARINT_LEN64) return fail(out, -(k + 1));
    const b = src[i]!;
    if (k === 0) {
      neg = (b & 1) === 1;
      m = (b & 0x7f) >>> 1;
    } else if (b < 0x80 && k === MAX_VARINT_LEN64 - 1 && b > 1) {
      return fail(out, -(k + 1));
    } else {
      m += (b & 0x7f) * mul;
      mul *= 128;
    }
    if (b < 0x80) {
      out.value = neg ? -m - 1 : m;
      out.n = k + 1;
      return out;
    }
  }
  return fail(out, 0);
}

/** Go: binary.Uvarint with the exact uint64 value. */
export function uvarintBig(src: Uint8Array, offset: number, out: BigVarintResult): BigVarintResult {
  let x = 0n;
  let s = 0n;
  const end = Math.min(src.length, offset + MAX_VARINT_LEN64 + 1);
  for (let i = offset; i < end; i++) {
    const k = i - offset;
    if (k === MAX_VARINT_LEN64) return failBig(out, -(k + 1));
    const b = src[i]!;
    if (b < 0x80) {
      if (k === MAX_VARINT_LEN64 - 1 && b > 1) return failBig(out, -(k + 1));
      out.value = x | (BigInt(b) << s);
      out.n = k + 1;
      return out;
    }
    x |= BigInt(b & 0x7f) << s;
    s += 7n;
  }
  return failBig(out, 0);
}

/** Go: binary.Varint with the exact int64 value. */
export function varintBig(src: Uint8Array, offset: number, out: BigVarintResult): BigVarintResult {
  uvarintBig(src, offset, out);
  const ux = out.value;
  out.value = ux & 1n ? -(ux >> 1n) - 1n : ux >> 1n;
  return out;
}

function fail(out: VarintResult, n: number): VarintResult {
  out.value = 0;
  out.n = n;
  return out;
}

function failBig(out: BigVarintResult, n: number): BigVarintResult {
  out.value = 0n;
  out.n = n;
  return out;
}
