// Prometheus (github.com/golang/snappy decode.go): the snappy block decoder, as strict as Go's: the
// elements must fill exactly the length the header announces, and every copy must point inside
// what was decoded. Decodes into a caller's buffer when given one, so that a reader decoding
// record after record (the WAL's) or request after request (remote write's) allocates nothing per
// block. The loop is shaped for what WAL samples records compress to: mostly 1-byte literals and
// short copies with a 1-byte offset (tag 1), so those come first and copy byte by byte.

/** A snappy block could not be decoded (damaged, or larger than allowed). */
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
  const out = scratch !== undefined && scratch.length >= n ? scratch : new Uint8Array(n);
  const src = block;
  const end = src.length;
  let s = headerBytes;
  let d = 0;
  while (s < end) {
    const tag = src[s]!;
    const kind = tag & 3;
    let len: number;
    let off: number;
    if (kind === 1) {
      // Copy with a 1-byte offset: 4-11 bytes, up to 2047 back.
      if (s + 2 > end) throw corrupt('copy past the end', s);
      len = 4 + ((tag >>> 2) & 7);
      off = ((tag & 0xe0) << 3) | src[s + 1]!;
      s += 2;
    } else if (kind === 0) {
      if (tag === 0) {
        // A 1-byte literal.
        if (s + 1 >= end || d >= n) throw corrupt('literal past the end', s + 1);
        out[d++] = src[s + 1]!;
        s += 2;
        continue;
      }
      len = tag >>> 2;
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
      if (len <= 64) {
        const e = d + len;
        while (d < e) out[d++] = src[s++]!;
      } else {
        out.set(src.subarray(s, s + len), d);
        d += len;
        s += len;
      }
      continue;
    } else if (kind === 2) {
      if (s + 3 > end) throw corrupt('copy past the end', s);
      len = 1 + (tag >>> 2);
      off = src[s + 1]! | (src[s + 2]! << 8);
      s += 3;
    } else {
      if (s + 5 > end) throw corrupt('copy past the end', s);
      len = 1 + (tag >>> 2);
      off = (src[s + 1]! | (src[s + 2]! << 8) | (src[s + 3]! << 16) | (src[s + 4]! << 24)) >>> 0;
      s += 5;
    }
    if (off === 0 || off > d || len > n - d) throw corrupt('bad copy', s);
    // At most 64 bytes: copied forward byte by byte, which also repeats the `off` bytes before `d`
    // when the two ranges overlap (off < len), as snappy means.
    const e = d + len;
    let from = d - off;
    while (d < e) out[d++] = out[from++]!;
  }
  if (d !== n) throw corrupt(`${d} bytes decoded of ${n} announced`, s);
  return out.length === n ? out : out.subarray(0, n);
}
