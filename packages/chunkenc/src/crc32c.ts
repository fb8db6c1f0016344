// Prometheus: tsdb/chunks and tsdb/wlog checksum with crc32.MakeTable(crc32.Castagnoli). Table-driven,
// slicing-by-8: eight 256-entry tables let the loop fold eight bytes per step.

const POLY = 0x82f63b78; // Castagnoli, reversed bit order.

const tables = (() => {
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + i] = c;
    }
  }
  return t;
})();

/**
 * CRC-32C (Castagnoli) of `data`, as Go's `crc32.Update(crc, castagnoliTable, data)`: pass a
 * previous result as `crc` to continue a running checksum over several buffers. Returns an unsigned
 * 32-bit integer.
 */
export function crc32c(data: Uint8Array, crc = 0): number {
  const t = tables;
  let c = ~crc;
  let i = 0;
  const n = data.length;
  const end8 = n - (n % 8);
  for (; i < end8; i += 8) {
    const a = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
