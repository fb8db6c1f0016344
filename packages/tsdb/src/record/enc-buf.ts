// Prometheus: tsdb/encoding/encoding.go Encbuf. A growable big-endian byte writer with Go's
// varint encodings, reused across records so encoding allocates only the final copy.
import { putUvarint, putVarint } from '@tsprom/chunkenc';

const TWO_32 = 4294967296;
const encoder = new TextEncoder();

/**
 * A growable byte buffer with the put methods of Prometheus's `encoding.Encbuf`. Multi-byte
 * integers are big-endian; varints are Go's. Numbers must be safe integers.
 */
export class EncBuf {
  #b: Uint8Array;
  #dv: DataView;
  /** Bytes written so far. */
  len = 0;

  constructor(capacity = 4096) {
    this.#b = new Uint8Array(capacity);
    this.#dv = new DataView(this.#b.buffer);
  }

  /** Forgets the contents; keeps the memory. */
  reset(): void {
    this.len = 0;
  }

  /** A view of the bytes written so far, valid until the next put or reset. */
  view(): Uint8Array {
    return this.#b.subarray(0, this.len);
  }

  /** A copy of the bytes written so far, owned by the caller. */
  bytes(): Uint8Array {
    return this.#b.slice(0, this.len);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.#b.length) return;
    let cap = this.#b.length * 2;
    while (cap < need) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.#b.subarray(0, this.len));
    this.#b = nb;
    this.#dv = new DataView(nb.buffer);
  }

  putByte(x: number): void {
    this.reserve(1);
    this.#b[this.len++] = x;
  }

  /** A uint64 (given as a non-negative safe integer), big-endian. */
  putBE64(x: number): void {
    this.reserve(8);
    const hi = Math.floor(x / TWO_32);
    this.#dv.setUint32(this.len, hi);
    this.#dv.setUint32(this.len + 4, x - hi * TWO_32);
    this.len += 8;
  }

  /** An int64 (a safe integer, possibly negative) as two's complement, big-endian. */
  putBE64int(x: number): void {
    this.reserve(8);
    const hi = Math.floor(x / TWO_32);
    this.#dv.setInt32(this.len, hi);
    this.#dv.setUint32(this.len + 4, x - hi * TWO_32);
    this.len += 8;
  }

  putBE32(x: number): void {
    this.reserve(4);
    this.#dv.setUint32(this.len, x);
    this.len += 4;
  }

  /** A float64's IEEE 754 bits, big-endian (NaN payloads such as the stale marker are kept). */
  putBEFloat64(x: number): void {
    this.reserve(8);
    this.#dv.setFloat64(this.len, x);
    this.len += 8;
  }

  /** Go: Encbuf.PutUvarint64. */
  putUvarint(x: number): void {
    this.reserve(10);
    const b = this.#b;
    if (x < 0x80) {
      b[this.len++] = x;
      return;
    }
    if (x < 0x10000000) {
      let i = this.len;
      while (x >= 0x80) {
        b[i++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      b[i++] = x;
      this.len = i;
      return;
    }
    this.len += putUvarint(b, this.len, x);
  }

  /** Go: Encbuf.PutVarint64 (zig-zag). */
  putVarint(x: number): void {
    this.reserve(10);
    if (x > -0x8000000 && x < 0x8000000) {
      // Zig-zag fits in 28 bits: plain bit operations.
      let z = x >= 0 ? x * 2 : -x * 2 - 1;
      const b = this.#b;
      let i = this.len;
      while (z >= 0x80) {
        b[i++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      b[i++] = z;
      this.len = i;
      return;
    }
    this.len += putVarint(this.#b, this.len, x);
  }

  /** Go: Encbuf.PutUvarintStr, the UTF-8 length as uvarint then the UTF-8 bytes. */
  putUvarintStr(s: string): void {
    let ascii = s.length < 128;
    if (ascii) {
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
    }
    if (ascii) {
      this.reserve(1 + s.length);
      const b = this.#b;
      b[this.len++] = s.length;
      for (let i = 0; i < s.length; i++) b[this.len++] = s.charCodeAt(i);
      return;
    }
    const bytes = encoder.encode(s);
    this.putUvarint(bytes.length);
    this.putBytes(bytes);
  }

  /**
   * Prometheus: the loop of Encoder.Samples. For each i in [from, to): `refs[i] - ref0` and
   * `ts[i] - t0` as varints, then `vs[i]`'s bits big-endian; in one loop over the buffer with
   * the position in a local (the per-field puts would each check the room and store the length).
   */
  putSampleDeltas(
    refs: Float64Array,
    ts: Float64Array,
    vs: Float64Array,
    from: number,
    to: number,
    ref0: number,
    t0: number,
  ): void {
    // At most 10 bytes a varint, 8 the value.
    this.reserve((to - from) * 28);
    const b = this.#b;
    const dv = this.#dv;
    let at = this.len;
    for (let i = from; i < to; i++) {
      at = varintAt(b, at, refs[i]! - ref0);
      at = varintAt(b, at, ts[i]! - t0);
      dv.setFloat64(at, vs[i]!);
      at += 8;
    }
    this.len = at;
  }

  putBytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.#b.set(src, this.len);
    this.len += src.length;
  }
}

// Go's zig-zag varint of the safe integer x at b[at]; returns the position after it. The room is
// the caller's to make.
function varintAt(b: Uint8Array, at: number, x: number): number {
  if (x > -0x8000000 && x < 0x8000000) {
    // Zig-zag fits in 28 bits: plain bit operations.
    let z = x >= 0 ? x * 2 : -x * 2 - 1;
    while (z >= 0x80) {
      b[at++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[at++] = z;
    return at;
  }
  return at + putVarint(b, at, x);
}
