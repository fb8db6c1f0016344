// The hash of a received series' label bytes, by which SeriesRefCache and the receive workers'
// SeriesRefMirror key their entries.

/**
 * MurmurHash3 (x86, 32 bits, seed 0) of `buf[start, end)`: four bytes a round, so a series' ~100
 * label bytes cost ~25 rounds of multiplies rather than FNV's 100 (this runs once per received
 * series, in the receive workers' scan and on the main thread).
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    let k = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = end - i;
  if (rest > 0) {
    let k = buf[i]!;
    if (rest > 1) k |= buf[i + 1]! << 8;
    if (rest > 2) k |= buf[i + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
