import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xxhash64 } from './xxhash64.js';

const enc = new TextEncoder();

// Known XXH64 (seed 0) vectors: the xxHash reference ("", "a", "abc"), cespare/xxhash's test table
// (which Prometheus vendors), and python-xxhash's README example (39 bytes: one stripe plus a tail).
const vectors: [string, bigint][] = [
  ['', 0xef46db3751d8e999n],
  ['a', 0xd24ec4f1a98c6e5bn],
  ['as', 0x1c330fb2d66be179n],
  ['asd', 0x631c37ce72a97393n],
  ['asdf', 0x415872f599cea71en],
  ['abc', 0x44bc2cf5ad770999n],
  ['Nobody inspects the spammish repetition', 0xfbcea83c8a378bf1n],
  ['Call me Ishmael. Some years ago--never mind how long precisely-', 0x02a2e85470d6fd96n],
];

// XXH64 straight from the specification (xxhash_spec.md), on bigints: slow but obviously right.
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, v: bigint): bigint => (((acc ^ round(0n, v)) * P1) & M) + P4;
function readLE(b: Uint8Array, at: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}
function referenceXXH64(b: Uint8Array): bigint {
  let p = 0;
  let h: bigint;
  if (b.length >= 32) {
    const v = [(P1 + P2) & M, P2, 0n, (M + 1n - P1) & M];
    for (; p + 32 <= b.length; p += 32) for (let i = 0; i < 4; i++) v[i] = round(v[i]!, readLE(b, p + 8 * i, 8));
    h = (rotl(v[0]!, 1n) + rotl(v[1]!, 7n) + rotl(v[2]!, 12n) + rotl(v[3]!, 18n)) & M;
    for (let i = 0; i < 4; i++) h = merge(h, v[i]!) & M;
  } else {
    h = P5;
  }
  h = (h + BigInt(b.length)) & M;
  for (; p + 8 <= b.length; p += 8) h = (((rotl(h ^ round(0n, readLE(b, p, 8)), 27n) * P1) & M) + P4) & M;
  if (p + 4 <= b.length) {
    h = (((rotl(h ^ ((readLE(b, p, 4) * P1) & M), 23n) * P2) & M) + P3) & M;
    p += 4;
  }
  for (; p < b.length; p++) h = (rotl(h ^ ((BigInt(b[p]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

describe('xxhash64', () => {
  it.each(vectors)('%j', (s, want) => {
    expect(xxhash64(enc.encode(s)).toString(16)).toBe(want.toString(16));
    expect(referenceXXH64(enc.encode(s)).toString(16)).toBe(want.toString(16));
  });

  it('agrees with the spec-literal bigint implementation on random inputs of every length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300, size: 'max' }), (b) => {
        expect(xxhash64(b)).toBe(referenceXXH64(b));
      }),
      { numRuns: 500 },
    );
    for (let n = 0; n <= 140; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
      expect(xxhash64(b), `length ${n}`).toBe(referenceXXH64(b));
    }
  });

  it('hashes a prefix when given a length', () => {
    const b = enc.encode('abcdef');
    expect(xxhash64(b, 3)).toBe(0x44bc2cf5ad770999n);
  });

  it('hashes views at any byte offset (words are read from an aligned copy)', () => {
    const backing = new Uint8Array(200).map((_, i) => (i * 97 + 3) & 0xff);
    for (let off = 0; off < 8; off++) {
      for (const n of [0, 3, 31, 32, 33, 77]) {
        const view = backing.subarray(off, off + n + 5);
        expect(xxhash64(view, n), `offset ${off} length ${n}`).toBe(referenceXXH64(backing.slice(off, off + n)));
      }
    }
  });

  it('hashes inputs larger than the scratch buffer cap, and leaves the scratch usable', () => {
    const b = new Uint8Array((1 << 20) + 13).map((_, i) => (i * 2654435761) >>> 24);
    expect(xxhash64(b)).toBe(referenceXXH64(b));
    expect(xxhash64(enc.encode('abc'))).toBe(0x44bc2cf5ad770999n);
  });
});
