// Decoding helpers over protobufjs's Reader, for messages decoded by hand-written code (what pbjs's
// static target generates, without `new Function` at run time): 64-bit varints as numbers (exact
// below 2^53) with no Long object per value, strings with an ASCII fast path, packed or unpacked
// repeated fields.
import protobuf from 'protobufjs/minimal.js';

/** protobufjs's Reader. */
export type Reader = protobuf.Reader;

/** A Reader over `buf`. */
export function newReader(buf: Uint8Array): Reader {
  return protobuf.Reader.create(buf);
}

const TWO32 = 4294967296;
// The halves of the last 64-bit varint read, kept in module variables so reading allocates nothing.
let vlo = 0;
let vhi = 0;

function readVarint64(r: Reader): void {
  const buf = r.buf;
  let lo = 0;
  let hi = 0;
  let shift = 0;
  let b: number;
  do {
    if (r.pos >= r.len) throw new RangeError(`index out of range: ${r.pos} + 1 > ${r.len}`);
    if (shift > 63) throw new Error('invalid varint encoding');
    b = buf[r.pos++]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
  } while (b & 0x80);
  vlo = lo >>> 0;
  vhi = hi >>> 0;
}

/** A uint64 varint. */
export function readUint64(r: Reader): number {
  readVarint64(r);
  return vhi * TWO32 + vlo;
}

/** An int64 varint (two's complement). */
export function readInt64(r: Reader): number {
  readVarint64(r);
  if ((vhi & 0x80000000) === 0) return vhi * TWO32 + vlo;
  return -((~vhi >>> 0) * TWO32 + (~vlo >>> 0) + 1);
}

/** A sint64 (zigzag) varint. */
export function readSint64(r: Reader): number {
  readVarint64(r);
  const lo = ((vlo >>> 1) | (vhi << 31)) >>> 0;
  const mag = (vhi >>> 1) * TWO32 + lo;
  return (vlo & 1) === 0 ? mag : -mag - 1;
}

const utf8 = new TextDecoder();

/** A string field's value. */
export function readString(r: Reader): string {
  const n = r.uint32();
  const a = r.pos;
  const b = a + n;
  if (b > r.len) throw new RangeError(`index out of range: ${a} + ${n} > ${r.len}`);
  r.pos = b;
  const buf = r.buf;
  if (n <= 64) {
    let ascii = true;
    for (let k = a; k < b; k++) {
      if (buf[k]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(a, b) as unknown as number[]);
  }
  return utf8.decode(buf.subarray(a, b));
}

/** A bytes field's value, copied. */
export function readBytes(r: Reader): Uint8Array {
  const n = r.uint32();
  const a = r.pos;
  if (a + n > r.len) throw new RangeError(`index out of range: ${a} + ${n} > ${r.len}`);
  r.pos = a + n;
  return r.buf.slice(a, a + n);
}

/** Reads a length prefix; returns the end offset of the body. */
export function readEnd(r: Reader): number {
  const n = r.uint32();
  const e = r.pos + n;
  if (e > r.len) throw new RangeError(`index out of range: ${r.pos} + ${n} > ${r.len}`);
  return e;
}

/** Throws unless a message body ended exactly at `end`. */
export function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new RangeError(`message overruns its length by ${r.pos - end} bytes`);
}

/** Reads a repeated scalar field (packed or not, per `wireType`) into `out` with `one`. */
export function readRepeated(r: Reader, wireType: number, out: number[], one: (r: Reader) => number): void {
  if (wireType === 2) {
    const e = readEnd(r);
    while (r.pos < e) out.push(one(r));
    checkEnd(r, e);
  } else out.push(one(r));
}

/** A double (fixed64) value. */
export function readDouble(r: Reader): number {
  return r.double();
}

/** A uint32 varint value. */
export function readUint32(r: Reader): number {
  return r.uint32();
}

/** A sint32 value. */
export function readSint32(r: Reader): number {
  return r.sint32();
}
