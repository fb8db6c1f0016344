// Moves float64 bits through typed arrays so NaN payloads (the stale marker, storage-interfaces'
// StaleNaN) survive unchanged.
// The scratch views are module-private and used synchronously only, so sharing them is safe.

const scratch = new ArrayBuffer(8);
/** Float view of the shared 8-byte scratch buffer. */
export const f64 = new Float64Array(scratch);
/** Uint32 halves of the shared scratch buffer; index with HI / LO. */
export const u32 = new Uint32Array(scratch);
/** Int32 halves of the shared scratch buffer (small integers in V8, unlike uint32 above 2^31). */
export const i32 = new Int32Array(scratch);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index in `u32` of the high (sign, exponent, top mantissa) half. */
export const HI = littleEndian ? 1 : 0;
/** Index in `u32` of the low half. */
export const LO = littleEndian ? 0 : 1;

/** The 64 bits of a float as an unsigned bigint (tests and debugging; allocates). */
export function float64Bits(v: number): bigint {
  f64[0] = v;
  return (BigInt(u32[HI]!) << 32n) | BigInt(u32[LO]!);
}

/** The float whose 64 bits are `bits` (taken modulo 2^64). */
export function float64FromBits(bits: bigint): number {
  const b = BigInt.asUintN(64, bits);
  u32[HI] = Number(b >> 32n);
  u32[LO] = Number(b & 0xffffffffn);
  return f64[0]!;
}
