// Prometheus (github.com/golang/snappy decode.go): the snappy block decoder, as strict as Go's: the
// elements must fill exactly the length the header announces, and every copy must point inside
// what was decoded. Decodes into a caller's buffer when given one, so that a receiver decoding
// request after request allocates nothing per body.

/** A snappy body could not be decoded (damaged, or larger than allowed). */
export class SnappyDecodeError extends Error {
  override readonly name = 'SnappyDecodeError';
}

/** The decoded length a snappy block announces in its header (a uvarint), and the header's size. */
export function snappyHeader(block: Uint8Array): { length: number; headerBytes: number } {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < block.length && i < 5; i++) {
    const b = block[i]!;
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (v > 0xffffffff) break;
      return { length: v, headerBytes: i + 1 };
    }
    mul *= 128;
  }
  throw new SnappyDecodeError('snappy: corrupt input (bad length header)');
}

function corrupt(what: string, at: number): SnappyDecodeError {
  return new SnappyDecodeError(`snappy: corrupt input: ${what} at byte ${at}`);
}

/**
 * Decodes a snappy block of at most `maxBytes` decoded bytes. With `scratch` large enough, the
 * result is a view of it (valid until the caller reuses it); otherwise a new array.
 */
export function snappyBlockDecode(block: Uint8Array, maxBytes: number, scratch?: Uint8Array): Uint8Array {
  const { length: n, headerBytes } = snappyHeader(block);
  if (n > maxBytes) throw new SnappyDecodeError(`snappy: decoded length ${n} exceeds limit ${maxBytes}`);
  const out = scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : new Uint8Array(n);
  const src = block;
  const end = src.length;
  let s = headerBytes;
  let d = 0;
  while (s < end) {
    const tag = src[s]!;
    switch (tag & 3) {
      case 0: {
        let len = tag >>> 2;
        if (len < 60) s += 1;
        else {
          const extra = len - 59;
          if (s + extra >= end) throw corrupt('literal length past the end', s);
          len = src[s + 1]!;
          if (extra > 1) len |= src[s + 2]! << 8;
          if (extra > 2) len |= src[s + 3]! << 16;
          if (extra > 3) len = (len | (src[s + 4]! << 24)) >>> 0;
          s += 1 + extra;
        }
        len += 1;
        if (len > n - d || len > end - s) throw corrupt('literal past the end', s);
        if (len < 16) for (let k = 0; k < len; k++) out[d + k] = src[s + k]!;
        else out.set(src.subarray(s, s + len), d);
        d += len;
        s += len;
        continue;
      }
      case 1: {
        if (s + 2 > end) throw corrupt('copy past the end', s);
        const len = 4 + ((tag >>> 2) & 7);
        const off = ((tag & 0xe0) << 3) | src[s + 1]!;
        s += 2;
        d = copy(out, d, off, len, n, s);
        continue;
      }
      case 2: {
        if (s + 3 > end) throw corrupt('copy past the end', s);
        const len = 1 + (tag >>> 2);
        const off = src[s + 1]! | (src[s + 2]! << 8);
        s += 3;
        d = copy(out, d, off, len, n, s);
        continue;
      }
      default: {
        if (s + 5 > end) throw corrupt('copy past the end', s);
        const len = 1 + (tag >>> 2);
        const off = (src[s + 1]! | (src[s + 2]! << 8) | (src[s + 3]! << 16) | (src[s + 4]! << 24)) >>> 0;
        s += 5;
        d = copy(out, d, off, len, n, s);
      }
    }
  }
  if (d !== n) throw corrupt(`${d} bytes decoded of ${n} announced`, s);
  return out;
}

// A back-reference of `len` bytes `off` back from `d`; returns the new end.
function copy(out: Uint8Array, d: number, off: number, len: number, n: number, at: number): number {
  if (off === 0 || off > d || len > n - d) throw corrupt('bad copy', at);
  if (off >= len) {
    if (len <= 16) for (let k = 0; k < len; k++) out[d + k] = out[d - off + k]!;
    else out.copyWithin(d, d - off, d - off + len);
  } else {
    // Overlapping: the bytes repeat with period `off`.
    for (let k = 0; k < len; k++) out[d + k] = out[d - off + k]!;
  }
  return d + len;
}
