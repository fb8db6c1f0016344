// Prometheus: model/value/value.go StaleNaN, IsStaleNaN

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts put the high word second; detect once.
const hi = (() => {
  f64[0] = 1;
  return u32[1] === 0x3ff00000 ? 1 : 0;
})();
const lo = 1 - hi;

/** The stale marker: a NaN with the payload 0x7ff0000000000002. */
export const StaleNaN: number = (() => {
  u32[hi] = 0x7ff00000;
  u32[lo] = 2;
  return f64[0]!;
})();

/** Whether `v` is the stale-marker NaN (compares bits, not values). */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  f64[0] = v;
  return u32[hi] === 0x7ff00000 && u32[lo] === 2;
}
