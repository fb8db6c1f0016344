// The bytes of chunks being written, carved out of shared slabs: a fresh chunk costs a view of a
// large ArrayBuffer instead of an ArrayBuffer of its own, whose backing store V8 allocates off its
// heap and the garbage collector tracks and frees one by one (as much CPU time as the encoding of a
// 120-sample chunk). A chunk's region grows in place while it is the latest one carved, which it is
// whenever chunks are written one after another (compaction, re-encoding for a query).
//
// A slab stays alive while any region of it is referenced, so a chunk meant to live long gives its
// region back through XORChunk.compact(), which copies its bytes to an exact-size buffer of their own,
// as Prometheus does when it cuts a chunk.

/** Bytes of a slab: about a hundred typical chunks (120 samples, ~1.5 to 8 bytes each). */
const SLAB_BYTES = 64 * 1024;
/** Regions larger than this get a buffer of their own (unusual chunks: thousands of samples). */
export const MAX_REGION_BYTES = 4096;

let slab = new ArrayBuffer(0);
let used = 0; // Bytes of `slab` handed out; the rest is zero.

/**
 * A zeroed region of `bytes` bytes that nobody else reads or writes: a view of the current slab, or
 * a buffer of its own when `bytes` exceeds MAX_REGION_BYTES.
 */
export function slabRegion(bytes: number): Uint8Array {
  if (bytes > MAX_REGION_BYTES) return new Uint8Array(bytes);
  if (used + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const region = new Uint8Array(slab, used, bytes);
  used += bytes;
  return region;
}

/**
 * A region of `bytes` bytes (more than `region.length`) holding the first `keep` bytes of `region`,
 * a region from slabRegion (or growRegion) that the caller gives up: the same bytes, extended in
 * place, when it is the latest region of the current slab and the slab has room; else a new region
 * with those bytes copied. The bytes after `keep` are zero if they were in `region`.
 */
export function growRegion(region: Uint8Array, keep: number, bytes: number): Uint8Array {
  const start = region.byteOffset;
  const latest = region.buffer === slab && start + region.length === used;
  if (latest && start + bytes <= SLAB_BYTES && bytes <= MAX_REGION_BYTES) {
    used = start + bytes;
    return new Uint8Array(slab, start, bytes);
  }
  const next = slabRegion(bytes);
  next.set(region.subarray(0, keep));
  return next;
}
