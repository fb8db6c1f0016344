// Test helpers for the XOR decoders: a chunk of samples given by their value bits, and what the
// plain next()/atT()/atV() iteration yields of a chunk, the reference the batch paths (the
// JavaScript loop and the WebAssembly kernel) are held to. Test-only: not exported.
import { ValueType } from '@tsprom/storage-interfaces';
import { float64Bits, float64FromBits } from '../float-bits.js';
import { XORChunk } from '../xor-chunk.js';

/** Samples by their timestamps and the bits of their values (NaN payloads kept). */
export interface Series {
  ts: number[];
  bits: bigint[];
}

/** An XOR chunk of `s`'s samples. */
export function encode(s: Series): XORChunk {
  const c = new XORChunk();
  for (let i = 0; i < s.ts.length; i++) c.append(s.ts[i]!, float64FromBits(s.bits[i]!));
  return c;
}

/** The plain iteration of `c`: every sample as next()/atT()/atV() yield it, and its error. */
export function plain(c: XORChunk): { ts: number[]; bits: bigint[]; err: string | undefined } {
  const it = c.iterator();
  const ts: number[] = [];
  const bits: bigint[] = [];
  while (it.next() === ValueType.Float) {
    ts.push(it.atT());
    bits.push(float64Bits(it.atV()));
  }
  return { ts, bits, err: it.err()?.message };
}
