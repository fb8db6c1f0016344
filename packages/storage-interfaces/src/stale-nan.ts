// Prometheus: model/value/value.go StaleNaN, IsStaleNaN. The one definition of the stale marker,
// shared by the chunk codecs, the TSDB, the PromQL engine and scrape.

/** Prometheus: value.StaleNaN, the bits of the stale marker: a NaN with payload 2. */
export const STALE_NAN_BITS = 0x7ff0000000000002n;
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

// Scratch views for reading a double's bits; used synchronously only, so sharing them is safe.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = littleEndian ? 1 : 0;
const LO = littleEndian ? 0 : 1;

/**
 * Prometheus: math.Float64frombits(value.StaleNaN). The value a sample gets when its series went
 * away (a target vanished, a rule stopped producing it). Compare with `isStaleNaN`, never with
 * `===` (NaN equals nothing) or `Number.isNaN` (other NaNs are ordinary values).
 */
export const StaleNaN: number = (() => {
  u32[HI] = STALE_HI;
  u32[LO] = STALE_LO;
  return f64[0]!;
})();

/** Prometheus: value.IsStaleNaN. True only for the exact stale-marker bits, not for any NaN. */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false; // The common case, without touching memory.
  f64[0] = v;
  return u32[HI] === STALE_HI && u32[LO] === STALE_LO;
}
