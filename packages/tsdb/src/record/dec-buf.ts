// Prometheus: tsdb/encoding/encoding.go Decbuf. A cursor over a record with Go's varints; errors
// are thrown as RecordDecodeError rather than carried in the buffer.
import { RecordDecodeError } from './errors.js';

const TWO_32 = 4294967296;
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Strings up to this many bytes are looked up in the cache of recently decoded strings. */
const maxInternedBytes = 64;
const internBits = 12;
/**
 * Recently decoded short ASCII strings, direct-mapped by a hash of their bytes. Series records
 * repeat label names and most values (`__name__`, `job`, a metric name) from one series to the
 * next: decoding returns the string decoded before, which allocates nothing and lets the head's
 * series share one copy. Strings are immutable, so sharing the cache across decoders is safe.
 */
const interned: string[] = new Array<string>(1 << internBits).fill('');

/**
 * The string of the `n` bytes of `b` at `start` (UTF-8), from the cache when it was decoded
 * recently. ASCII is built in one call (no intermediate strings); other text goes to TextDecoder.
 */
function shortString(b: Uint8Array, start: number, n: number): string {
  let h = 0x811c9dc5 ^ n;
  let bits = 0;
  const end = start + n;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    bits |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (bits >= 0x80) return decoder.decode(b.subarray(start, end));
  const slot = (h ^ (h >>> internBits)) & ((1 << internBits) - 1);
  const cached = interned[slot]!;
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === b[start + i]) i++;
    if (i === n) return cached;
  }
  const s = String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  interned[slot] = s;
  return s;
}

/**
 * A read cursor over bytes (borrowed, not copied) with the get methods of Prometheus's
 * `encoding.Decbuf`. Reading past the end throws {@link RecordDecodeError}.
 */
export class DecBuf {
  b: Uint8Array;
  dv: DataView;
  /** Read position. */
  pos: number;
  end: number;

  constructor(b: Uint8Array, pos = 0) {
    this.b = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.pos = pos;
    this.end = b.length;
  }

  /** Bytes left. */
  remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) throw new RecordDecodeError('invalid size: record ended early');
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.#need(n);
    this.pos += n;
  }

  byte(): number {
    this.#need(1);
    return this.b[this.pos++]!;
  }

  /** A big-endian uint64 as a number (exact up to 2^53). */
  be64(): number {
    this.#need(8);
    const v = this.dv.getUint32(this.pos) * TWO_32 + this.dv.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** A big-endian int64 as a number (exact within ±2^53). */
  be64int(): number {
    this.#need(8);
    const v = this.dv.getInt32(this.pos) * TWO_32 + this.dv.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  be32(): number {
    this.#need(4);
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  beFloat64(): number {
    this.#need(8);
    const v = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Go: Decbuf.Uvarint64, as a number (exact up to 2^53). */
  uvarint(): number {
    const b = this.b;
    const end = this.end;
    let i = this.pos;
    if (i >= end) throw new RecordDecodeError('invalid size: record ended early');
    let c = b[i++]!;
    if (c < 0x80) {
      this.pos = i;
      return c;
    }
    let x = c & 0x7f;
    let mul = 128;
    for (let k = 1; ; k++) {
      if (i >= end) throw new RecordDecodeError('invalid size: record ended early');
      if (k >= 10) throw new RecordDecodeError('varint overflows a 64-bit integer');
      c = b[i++]!;
      if (c < 0x80) {
        if (k === 9 && c > 1) throw new RecordDecodeError('varint overflows a 64-bit integer');
        x += c * mul;
        this.pos = i;
        return x;
      }
      x += (c & 0x7f) * mul;
      mul *= 128;
    }
  }

  /** Go: Decbuf.Varint64 (zig-zag), as a number. */
  varint(): number {
    const u = this.uvarint();
    if (u < 0x80000000) return u & 1 ? -((u + 1) >>> 1) : u >>> 1;
    // Above 2^31 bit ops would truncate; u is exact below 2^53.
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  /** Go: Decbuf.UvarintStr: a uvarint length, then that many UTF-8 bytes. */
  uvarintStr(): string {
    const n = this.uvarint();
    this.#need(n);
    const start = this.pos;
    this.pos += n;
    if (n <= maxInternedBytes) return shortString(this.b, start, n);
    return decoder.decode(this.b.subarray(start, start + n));
  }
}
