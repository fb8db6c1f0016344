// Go hash/fnv New64a: the hash Prometheus spreads scrape offsets with (Target.hash, offsetSeed).

const utf8 = new TextEncoder();

/**
 * FNV-1a, 64 bits, over the UTF-8 bytes of the parts in order, as an unsigned bigint. Computed in
 * four 16-bit limbs (no bigint per byte: a pool hashes every new target).
 */
export function fnv64a(...parts: string[]): bigint {
  // Offset basis 0xcbf29ce484222325, least significant limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const part of parts) {
    let ascii = true;
    for (let i = 0; i < part.length; i++) {
      if (part.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    const bytes: ArrayLike<number> | undefined = ascii ? undefined : utf8.encode(part);
    const n = bytes === undefined ? part.length : bytes.length;
    for (let i = 0; i < n; i++) {
      h0 ^= bytes === undefined ? part.charCodeAt(i) : bytes[i]!;
      // h * 0x100000001b3 mod 2^64: the prime's limbs are 0x01b3 (0) and 0x0100 (2).
      const t0 = h0 * 0x1b3;
      let t1 = h1 * 0x1b3;
      let t2 = h2 * 0x1b3 + h0 * 0x100;
      let t3 = h3 * 0x1b3 + h1 * 0x100;
      t1 += t0 >>> 16;
      t2 += t1 >>> 16;
      t3 += t2 >>> 16;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
  }
  return (BigInt(((h3 << 16) | h2) >>> 0) << 32n) | BigInt(((h1 << 16) | h0) >>> 0);
}
