// A deliberately naive port of Prometheus's tsdb/chunkenc xor.go + bstream.go (bigint everywhere,
// one bit at a time) used by the tests as an independent oracle for the fast encoder's bytes.
// Test-only: not exported from the package.

import { clz64, ctz64, I64, putUvarint, putVarint, RefBStream, U64, writeVarbitTS } from './reference-bstream.js';

/** Encodes (t, bits-of-v) pairs exactly as Prometheus's NewXORChunk + xorAppender.Append would. */
export function referenceXOR(ts: readonly number[], vbits: readonly bigint[]): Uint8Array {
  const b = new RefBStream(2);
  let t = 0n;
  let v = 0n;
  let tDelta = 0n;
  let leading = 0xff;
  let trailing = 0;
  for (let i = 0; i < ts.length; i++) {
    const nt = BigInt(ts[i]!);
    const nv = vbits[i]!;
    let nd = 0n;
    if (i === 0) {
      for (const x of putVarint(nt)) b.writeByte(x);
      b.writeBits(nv, 64);
    } else {
      nd = U64(nt - t);
      if (i === 1) {
        for (const x of putUvarint(nd)) b.writeByte(x);
      } else {
        writeVarbitTS(b, I64(nd - tDelta));
      }
      const delta = nv ^ v;
      if (delta === 0n) {
        b.writeBit(false);
      } else {
        b.writeBit(true);
        let nl = clz64(delta);
        const ntr = ctz64(delta);
        if (nl >= 32) nl = 31;
        if (leading !== 0xff && nl >= leading && ntr >= trailing) {
          b.writeBit(false);
          b.writeBits(delta >> BigInt(trailing), 64 - leading - trailing);
        } else {
          leading = nl;
          trailing = ntr;
          b.writeBit(true);
          b.writeBits(BigInt(nl), 5);
          const sig = 64 - nl - ntr;
          b.writeBits(BigInt(sig), 6);
          b.writeBits(delta >> BigInt(ntr), sig);
        }
      }
    }
    t = nt;
    v = nv;
    tDelta = nd;
    b.stream[0] = ((i + 1) >> 8) & 0xff;
    b.stream[1] = (i + 1) & 0xff;
  }
  return Uint8Array.from(b.stream);
}
