// Go hash/fnv New64a: the hash Prometheus spreads scrape offsets with (Target.hash, offsetSeed).

const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const utf8 = new TextEncoder();

/** FNV-1a, 64 bits, over the UTF-8 bytes of the parts in order, as an unsigned bigint. */
export function fnv64a(...parts: string[]): bigint {
  let h = OFFSET_BASIS;
  for (const part of parts) {
    for (const b of utf8.encode(part)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * PRIME);
  }
  return h;
}
