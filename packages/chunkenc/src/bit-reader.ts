// Prometheus: tsdb/chunkenc/bstream.go bstreamReader, reduced to its core: a bit stream is read by
// peeking 32 bits at a bit offset and advancing the offset by what the decoder consumed. No bigint,
// no state object; bits past the end read as zero, so a decoder checks for overrun once per sample.

/**
 * The 32 bits of `buf` starting at bit `pos` (most significant first) as an int32; bits past the
 * end of `buf` are zero. Use `>>>` to extract unsigned fields.
 */
export function peek32(buf: Uint8Array, dv: DataView, pos: number): number {
  const i = pos >>> 3;
  const sh = pos & 7;
  if (i + 4 < buf.length) {
    const w = dv.getInt32(i);
    return sh === 0 ? w : (w << sh) | (buf[i + 4]! >>> (8 - sh));
  }
  return peek32Tail(buf, i, sh);
}

// Near the end of the buffer: assemble from the bytes that exist.
function peek32Tail(buf: Uint8Array, i: number, sh: number): number {
  let w = 0;
  for (let k = 0; k < 4; k++) w |= (i + k < buf.length ? buf[i + k]! : 0) << (24 - 8 * k);
  if (sh === 0) return w;
  return (w << sh) | (i + 4 < buf.length ? buf[i + 4]! >>> (8 - sh) : 0);
}

/**
 * `peek32` without a DataView: the 32 bits of `buf` at bit `pos` from single-byte loads, so that
 * a reader needs no view object per buffer. Bits past the end of `buf` are zero.
 */
export function peekBytes(buf: Uint8Array, pos: number): number {
  const i = pos >>> 3;
  const sh = pos & 7;
  if (i + 4 < buf.length) {
    return (
      (((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << sh) | (buf[i + 4]! >>> (8 - sh))
    );
  }
  return peek32Tail(buf, i, sh);
}
