import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { hashBytes, SeriesRefCache } from './series-ref-cache.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('SeriesRefCache', () => {
  it('finds an entry by equal bytes anywhere in a buffer, not by other bytes', () => {
    const c = new SeriesRefCache(10);
    const a = enc('xxabcxx');
    const ls = Labels.fromStrings('__name__', 'up');
    const e = c.add(a, 2, 5, hashBytes(a, 2, 5), ls, 7);
    const b = enc('abc');
    expect(c.get(b, 0, 3, hashBytes(b, 0, 3))).toBe(e);
    expect(e.labels).toBe(ls);
    expect(c.ref(e.id)).toBe(7);
    // The key is a copy: changing the source does not change the entry.
    a[2] = 0x7a;
    expect(c.get(b, 0, 3, hashBytes(b, 0, 3))).toBe(e);
    const d = enc('abd');
    expect(c.get(d, 0, 3, hashBytes(d, 0, 3))).toBeUndefined();
    // Same hash, other bytes: told apart by the bytes.
    expect(c.get(d, 0, 3, hashBytes(b, 0, 3))).toBeUndefined();
  });

  it('tells keys with one hash apart by any byte, in the four-byte words and in the tail', () => {
    for (let n = 1; n <= 13; n++) {
      const c = new SeriesRefCache(100);
      const base = new Uint8Array(n + 3).map((_, i) => 0x41 + i);
      const entries = [];
      // Keys differing from the base in byte `at` alone, all cached under one hash.
      for (let at = 0; at < n; at++) {
        const k = base.slice();
        k[at + 3] = 0x30;
        entries.push(c.add(k, 3, 3 + n, 42, Labels.EMPTY, at + 1));
      }
      for (let at = 0; at < n; at++) {
        const probe = new Uint8Array(n + 1);
        probe.set(base.subarray(3, 3 + n), 1);
        probe[at + 1] = 0x30;
        expect(c.get(probe, 1, 1 + n, 42)).toBe(entries[at]);
      }
      expect(c.get(base, 3, 3 + n, 42)).toBeUndefined();
      expect(c.get(base, 3, 2 + n, 42)).toBeUndefined();
    }
  });

  it('hashes label bytes with MurmurHash3 (x86, 32 bits, seed 0), anywhere in a buffer', () => {
    // Reference values of the C implementation (smhasher), every tail length included.
    const cases: [string, number][] = [
      ['', 0],
      ['a', 0x3c2569b2],
      ['abc', 0xb3dd93fa],
      ['abcd', 0x43ed676a],
      ['Hello, world!', 0xc0363e43],
      ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
    ];
    for (const [s, h] of cases) {
      const b = enc(`xy${s}z`);
      expect(hashBytes(b, 2, b.length - 1)).toBe(h);
    }
  });

  it('starts over when full', () => {
    const c = new SeriesRefCache(2);
    for (const s of ['a', 'b', 'c']) {
      const k = enc(s);
      c.add(k, 0, 1, hashBytes(k, 0, 1), Labels.EMPTY, 0);
    }
    expect(c.size).toBe(1);
    const a = enc('a');
    expect(c.get(a, 0, 1, hashBytes(a, 0, 1))).toBeUndefined();
    expect(() => new SeriesRefCache(0)).toThrow(/must be positive/);
  });
});
