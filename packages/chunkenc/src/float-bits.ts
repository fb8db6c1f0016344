// Moves float64 bits through typed arrays so NaN payloads (the stale marker) survive unchanged.
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

/** Prometheus: model/value StaleNaN bits. A NaN whose payload marks a series as gone. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/** Prometheus: model/value.StaleNaN, the float value with bits `STALE_NAN_BITS`. */
export const StaleNaN: number = (() => {
  u32[HI] = STALE_HI;
  u32[LO] = STALE_LO;
  return f64[0]!;
})();

/** Prometheus: model/value.IsStaleNaN. True only for the exact stale-marker bits, not any NaN. */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false; // The common case, without touching memory.
  f64[0] = v;
  return u32[HI] === STALE_HI && u32[LO] === STALE_LO;
}

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
