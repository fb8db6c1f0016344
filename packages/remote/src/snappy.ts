/// <reference path="./snappyjs.d.ts" />
// Snappy block format (not the framed/stream format), as remote write and remote read require:
// github.com/golang/snappy Encode/Decode, via snappyjs.
import snappyjs from 'snappyjs';
import { snappyBlockEncode } from './snappy-encoder.js';

/** A snappy body could not be decoded (damaged, or larger than allowed). */
export class SnappyDecodeError extends Error {
  override readonly name = 'SnappyDecodeError';
}

/**
 * Compresses `data` with the snappy block format (Go's encoder: see snappy-encoder.ts). With
 * `into` (at least `maxEncodedLength(data.length)` bytes) the result is a view of it, owned by the
 * caller's buffer; otherwise a new array.
 */
export function snappyEncode(data: Uint8Array, into?: Uint8Array): Uint8Array {
  return snappyBlockEncode(data, into);
}

/** The decoded length a snappy block announces in its header (a uvarint). */
export function snappyDecodedLength(block: Uint8Array): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < block.length && i < 5; i++) {
    const b = block[i]!;
    v += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return v;
    mul *= 128;
  }
  throw new SnappyDecodeError('snappy: corrupt input (bad length header)');
}

/**
 * Decompresses a snappy block; refuses blocks announcing more than `maxBytes` decoded bytes (as
 * Prometheus bounds a request's decoded size). Throws SnappyDecodeError on damage.
 */
export function snappyDecode(block: Uint8Array, maxBytes = 32 * 1024 * 1024): Uint8Array {
  const n = snappyDecodedLength(block);
  if (n > maxBytes) throw new SnappyDecodeError(`snappy: decoded length ${n} exceeds limit ${maxBytes}`);
  try {
    return snappyjs.uncompress(block, maxBytes);
  } catch (err) {
    throw new SnappyDecodeError(`snappy: corrupt input: ${(err as Error).message}`, { cause: err });
  }
}
