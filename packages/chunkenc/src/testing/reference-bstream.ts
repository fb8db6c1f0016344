// Prometheus: tsdb/chunkenc/bstream.go bstream (the writing half), ported naively (bigint
// everywhere, one bit at a time) for the reference encoders the tests compare the fast encoders
// against. Test-only: not exported from the package.

/** Go's uint64(x). */
export const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** Go's int64(x). */
export const I64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/** Go's bstream: `count` is the number of free low bits in the last byte. */
export class RefBStream {
  stream: number[];
  count = 0;

  /** A stream starting with `headerBytes` zero bytes (the chunk header). */
  constructor(headerBytes: number) {
    this.stream = new Array<number>(headerBytes).fill(0);
  }

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

/** Go: binary.PutUvarint of uint64(x). */
export function putUvarint(x: bigint): number[] {
  x = U64(x);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

/** Go: binary.PutVarint (zig-zag). */
export function putVarint(x: bigint): number[] {
  let ux = U64(x << 1n);
  if (x < 0n) ux = U64(~ux);
  return putUvarint(ux);
}

/** Go: bitRange. -(2^(n-1) - 1) <= x <= 2^(n-1), the <varbit_ts> ranges. */
export function bitRange(x: bigint, nbits: number): boolean {
  const n = BigInt(nbits - 1);
  return -((1n << n) - 1n) <= x && x <= 1n << n;
}

/** Go: bits.LeadingZeros64. */
export function clz64(x: bigint): number {
  let n = 0;
  for (let b = 63n; b >= 0n && ((x >> b) & 1n) === 0n; b--) n++;
  return n;
}

/** Go: bits.TrailingZeros64. */
export function ctz64(x: bigint): number {
  let n = 0;
  for (let b = 0n; b < 64n && ((x >> b) & 1n) === 0n; b++) n++;
  return n;
}

/** A timestamp (or ST) delta of delta as xorAppender.Append writes it: `<varbit_ts>`. */
export function writeVarbitTS(b: RefBStream, dod: bigint): void {
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
