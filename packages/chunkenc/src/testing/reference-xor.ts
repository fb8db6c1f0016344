// A deliberately naive port of Prometheus's tsdb/chunkenc xor.go + bstream.go (bigint everywhere,
// one bit at a time) used by the tests as an independent oracle for the fast encoder's bytes.
// Test-only: not exported from the package.

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const I64 = (x: bigint): bigint => BigInt.asIntN(64, x);

class RefBStream {
  stream: number[] = [0, 0];
  count = 0;

  writeBit(bit: boolean): void {
    if (this.count === 0) {
      this.stream.push(0);
      this.count = 8;
    }
    if (bit) this.stream[this.stream.length - 1]! |= 1 << (this.count - 1);
    this.count--;
  }

  writeByte(byt: number): void {
    if (this.count === 0) {
      this.stream.push(0);
      this.count = 8;
    }
    this.stream[this.stream.length - 1]! |= byt >> (8 - this.count);
    this.stream.push((byt << this.count) & 0xff);
  }

  writeBits(u: bigint, nbits: number): void {
    u = U64(u << BigInt(64 - nbits));
    while (nbits >= 8) {
      this.writeByte(Number(u >> 56n));
      u = U64(u << 8n);
      nbits -= 8;
    }
    while (nbits > 0) {
      this.writeBit(u >> 63n === 1n);
      u = U64(u << 1n);
      nbits--;
    }
  }
}

function putUvarint(x: bigint): number[] {
  x = U64(x);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

function putVarint(x: bigint): number[] {
  let ux = U64(x << 1n);
  if (x < 0n) ux = U64(~ux);
  return putUvarint(ux);
}

function bitRange(x: bigint, nbits: number): boolean {
  const n = BigInt(nbits - 1);
  return -((1n << n) - 1n) <= x && x <= 1n << n;
}

function clz64(x: bigint): number {
  let n = 0;
  for (let b = 63n; b >= 0n && ((x >> b) & 1n) === 0n; b--) n++;
  return n;
}

function ctz64(x: bigint): number {
  let n = 0;
  for (let b = 0n; b < 64n && ((x >> b) & 1n) === 0n; b++) n++;
  return n;
}

/** Encodes (t, bits-of-v) pairs exactly as Prometheus's NewXORChunk + xorAppender.Append would. */
export function referenceXOR(ts: readonly number[], vbits: readonly bigint[]): Uint8Array {
  const b = new RefBStream();
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
        const dod = I64(nd - tDelta);
        if (dod === 0n) b.writeBit(false);
        else if (bitRange(dod, 14)) {
          b.writeBits(0b10n, 2);
          b.writeBits(U64(dod), 14);
        } else if (bitRange(dod, 17)) {
          b.writeBits(0b110n, 3);
          b.writeBits(U64(dod), 17);
        } else if (bitRange(dod, 20)) {
          b.writeBits(0b1110n, 4);
          b.writeBits(U64(dod), 20);
        } else {
          b.writeBits(0b1111n, 4);
          b.writeBits(U64(dod), 64);
        }
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
