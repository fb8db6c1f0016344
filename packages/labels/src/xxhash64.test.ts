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

describe('xxhash64', () => {
  it.each(vectors)('%j', (s, want) => {
    expect(xxhash64(enc.encode(s)).toString(16)).toBe(want.toString(16));
  });
});
