// Prometheus uses github.com/facette/natsort: chunks of digits compare as numbers.

const chunkRe = /(\d+|\D+)/g;

/** Whether `a` sorts before `b` in natural order (facette/natsort `Compare`). */
export function naturalCompare(a: string, b: string): boolean {
  const ca = a.match(chunkRe) ?? [];
  const cb = b.match(chunkRe) ?? [];
  for (let i = 0; i < ca.length && i < cb.length; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    if (x === y) continue;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const xn = Number(x);
      const yn = Number(y);
      if (xn !== yn) return xn < yn;
      return x < y;
    }
    return x < y;
  }
  return ca.length < cb.length;
}
