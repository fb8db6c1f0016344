// Prometheus: promql/functions.go kahanSumInc

/**
 * One step of Kahan-Neumaier summation. Returns the new sum; the new compensation is left in
 * `kahan.c` (a module-level register, so no tuple is allocated per sample).
 */
export const kahan = { c: 0 };

/** Adds `inc` to `sum` with compensation `c`; returns the new sum and sets `kahan.c`. */
export function kahanSumInc(inc: number, sum: number, c: number): number {
  const t = sum + inc;
  if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) {
    c = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    // Neumaier: swap when the next term is larger than the sum.
    c += sum - t + inc;
  } else {
    c += inc - t + sum;
  }
  kahan.c = c;
  return t;
}
