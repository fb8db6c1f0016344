// Prometheus sends github.com/golang/snappy's block format; this is Go's encoder (encode.go
// Encode, encodeBlock, emitLiteral, emitCopy, with its hash and skip heuristics) over typed
// arrays with 32-bit integer arithmetic (Math.imul), about three times faster than snappyjs's
// compressor on remote write bodies, which it replaces on the send path. Decoding stays snappyjs's.

const MAX_BLOCK_SIZE = 65536;
const INPUT_MARGIN = 16 - 1;
const MIN_NON_LITERAL_BLOCK_SIZE = 1 + 1 + INPUT_MARGIN;
const MAX_TABLE_SIZE = 1 << 14;
const TABLE_MASK = MAX_TABLE_SIZE - 1;
// Positions within one block (< 64 KiB), as Go's uint16 table.
const table = new Uint16Array(MAX_TABLE_SIZE);

/** Go's MaxEncodedLen: the most bytes a block of `n` input bytes can take. */
export function maxEncodedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

function load32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 60) dst[d++] = n << 2;
  else if (n < 256) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  }
  if (to - from > 16) dst.set(src.subarray(from, to), d);
  else for (let i = from; i < to; i++) dst[d + i - from] = src[i]!;
  return d + to - from;
}

function emitCopy(dst: Uint8Array, d: number, offset: number, length: number): number {
  while (length >= 68) {
    dst[d++] = (63 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 64;
  }
  if (length > 64) {
    dst[d++] = (59 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 60;
  }
  if (length >= 12 || offset >= 2048) {
    dst[d++] = ((length - 1) << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    return d;
  }
  dst[d++] = ((offset >>> 8) << 5) | ((length - 4) << 2) | 1;
  dst[d++] = offset & 0xff;
  return d;
}

// Go: encodeBlock. `src` is one block (at most 64 KiB, at least MIN_NON_LITERAL_BLOCK_SIZE).
function encodeBlock(dst: Uint8Array, d: number, src: Uint8Array): number {
  const n = src.length;
  let shift = 32 - 8;
  let tableSize = 1 << 8;
  while (tableSize < MAX_TABLE_SIZE && tableSize < n) {
    tableSize *= 2;
    shift--;
  }
  table.fill(0, 0, tableSize);
  const sLimit = n - INPUT_MARGIN;
  let nextEmit = 0;
  let s = 1;
  let nextHash = Math.imul(load32(src, s), 0x1e35a7bd) >>> shift;
  for (;;) {
    let skip = 32;
    let nextS = s;
    let candidate = 0;
    for (;;) {
      s = nextS;
      const between = skip >>> 5;
      nextS = s + between;
      skip += between;
      if (nextS > sLimit) return nextEmit < n ? emitLiteral(dst, d, src, nextEmit, n) : d;
      candidate = table[nextHash & TABLE_MASK]!;
      table[nextHash & TABLE_MASK] = s;
      nextHash = Math.imul(load32(src, nextS), 0x1e35a7bd) >>> shift;
      if (load32(src, s) === load32(src, candidate)) break;
    }
    d = emitLiteral(dst, d, src, nextEmit, s);
    for (;;) {
      const base = s;
      s += 4;
      for (let i = candidate + 4; s < n && src[i] === src[s]; i++) s++;
      d = emitCopy(dst, d, base - candidate, s - base);
      nextEmit = s;
      if (s >= sLimit) return nextEmit < n ? emitLiteral(dst, d, src, nextEmit, n) : d;
      const prev = load32(src, s - 1);
      table[(Math.imul(prev, 0x1e35a7bd) >>> shift) & TABLE_MASK] = s - 1;
      const cur = load32(src, s);
      const currHash = (Math.imul(cur, 0x1e35a7bd) >>> shift) & TABLE_MASK;
      candidate = table[currHash]!;
      table[currHash] = s;
      if (cur !== load32(src, candidate)) {
        nextHash = Math.imul(load32(src, s + 1), 0x1e35a7bd) >>> shift;
        s++;
        break;
      }
    }
  }
}

/**
 * Go: snappy.Encode. Compresses `src` in the block format: the uvarint decoded length, then the
 * elements of each 64 KiB block. Writes into `into` when it is large enough (see
 * `maxEncodedLength`), else into a new buffer; returns a view of the bytes written.
 */
export function snappyBlockEncode(src: Uint8Array, into?: Uint8Array): Uint8Array {
  const max = maxEncodedLength(src.length);
  const dst = into !== undefined && into.length >= max ? into : new Uint8Array(max);
  let d = 0;
  let v = src.length;
  while (v >= 0x80) {
    dst[d++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  dst[d++] = v;
  for (let p = 0; p < src.length; p += MAX_BLOCK_SIZE) {
    const block = src.subarray(p, Math.min(p + MAX_BLOCK_SIZE, src.length));
    d =
      block.length < MIN_NON_LITERAL_BLOCK_SIZE
        ? emitLiteral(dst, d, block, 0, block.length)
        : encodeBlock(dst, d, block);
  }
  return dst.subarray(0, d);
}
