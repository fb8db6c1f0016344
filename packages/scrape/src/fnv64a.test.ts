import { describe, expect, it } from 'vitest';
import { fnv64a } from './fnv64a.js';

/** FNV-1a 64 with bigint per byte, as the definition reads. */
function reference(...parts: string[]): bigint {
  let h = 0xcbf29ce484222325n;
  for (const p of parts)
    for (const b of new TextEncoder().encode(p)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

describe('fnv64a', () => {
  it('gives the FNV-1a 64 test vectors', () => {
    expect(fnv64a('')).toBe(0xcbf29ce484222325n);
    expect(fnv64a('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv64a('foobar')).toBe(0x85944171f73967e8n);
    expect(fnv64a('foo', 'bar')).toBe(0x85944171f73967e8n);
  });

  it('hashes the UTF-8 bytes of any text as the bigint definition does', () => {
    const texts = ['héllo ✓ 𝄞', '0000000000012345', 'http://127.0.0.1:9090/metrics?x=ü', '\u007f\u0080\u07ff\u0800'];
    for (let i = 0; i < 200; i++) {
      let s = '';
      for (let j = 0; j < i % 37; j++)
        s += String.fromCodePoint((i * 7919 + j * 104729) % (j % 3 === 0 ? 0x2ffff : 128));
      texts.push(s);
    }
    for (const t of texts) expect(fnv64a(t, t.slice(1))).toBe(reference(t, t.slice(1)));
  });
});
