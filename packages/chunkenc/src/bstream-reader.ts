// Prometheus: tsdb/chunkenc/bstream.go bstreamReader, for the histogram codecs: a bit position over
// a byte buffer, read 1..32 bits at a time through peek32. Bits past the end read as zero; decoders
// compare `pos` with `endBits` once per sample (or per layout field) to detect truncated data.
import { peek32 } from './bit-reader.js';

/** A reading position in a bit stream. Not safe for concurrent use; owns nothing. */
export class BstreamReader {
  buf: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(this.buf.buffer);
  /** The next bit to read, counted from the start of `buf`. */
  pos = 0;
  /** The number of bits in `buf`. */
  endBits = 0;

  /** Reads `buf` from byte `startByte` on. `buf` is borrowed and must not change while read. */
  reset(buf: Uint8Array, startByte: number): void {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = startByte * 8;
    this.endBits = buf.length * 8;
  }

  /** True once a read went past the end of the data. */
  overrun(): boolean {
    return this.pos > this.endBits;
  }

  /** Reads one bit (0 or 1). */
  readBit(): number {
    const i = this.pos >>> 3;
    const bit = i < this.buf.length ? (this.buf[i]! >>> (7 - (this.pos & 7))) & 1 : 0;
    this.pos++;
    return bit;
  }

  /** Reads `n` bits (1..32), most significant first, as an unsigned number. */
  readBits(n: number): number {
    const w = peek32(this.buf, this.dv, this.pos);
    this.pos += n;
    return w >>> (32 - n);
  }

  /** The next 32 bits without consuming them (as an int32). */
  peek(): number {
    return peek32(this.buf, this.dv, this.pos);
  }
}
