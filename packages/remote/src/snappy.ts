// Snappy block format (not the framed/stream format), as remote write and remote read require:
// github.com/golang/snappy Encode/Decode (snappy-encoder.ts, snappy-decoder.ts).
import { SnappyDecodeError, snappyBlockDecode, snappyHeader } from './snappy-decoder.js';
import { snappyBlockEncode } from './snappy-encoder.js';

export { SnappyDecodeError };

/**
 * Compresses `data` with the snappy block format (Go's encoder: see snappy-encoder.ts). With
 * `into` (at least `maxEncodedLength(data.length)` bytes) the result is a view of it, owned by the
 * caller's buffer; otherwise a new array.
 */
export function snappyEncode(data: Uint8Array, into?: Uint8Array): Uint8Array {
  return snappyBlockEncode(data, into);
}

/** The largest decoded body accepted by default (Prometheus's decodeReadLimit, 32 MiB). */
export const DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;

/** The decoded length a snappy block announces in its header (a uvarint). */
export function snappyDecodedLength(block: Uint8Array): number {
  return snappyHeader(block).length;
}

/**
 * Decompresses a snappy block; refuses blocks announcing more than `maxBytes` decoded bytes (as
 * Prometheus bounds a request's decoded size). Throws SnappyDecodeError on damage. With `scratch`
 * large enough, the result is a view of it (valid until the caller reuses it).
 */
export function snappyDecode(
  block: Uint8Array,
  maxBytes = DEFAULT_MAX_DECODED_BYTES,
  scratch?: Uint8Array,
): Uint8Array {
  return snappyBlockDecode(block, maxBytes, scratch);
}
