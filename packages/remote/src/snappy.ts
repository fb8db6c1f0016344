// Snappy block format (not the framed/stream format), as remote write and remote read require:
// github.com/golang/snappy Encode/Decode (the encoder and the decoder are the WAL's, from
// @tsprom/tsdb/wal).
import {
  SnappyDecodeError,
  SnappyEncoder,
  snappyBlockDecode,
  snappyHeader,
  snappyMaxEncodedLength,
} from '@tsprom/tsdb/wal';

export { SnappyDecodeError };

// encodeInto uses only the encoder's hash table; this module's calls never overlap.
const encoder = new SnappyEncoder(0);

/**
 * Compresses `data` with the snappy block format (Go's encoder). With `into` (at least
 * `snappyMaxEncodedLength(data.length)` bytes) the result is a view of it, owned by the caller's
 * buffer; otherwise a new array.
 */
export function snappyEncode(data: Uint8Array, into?: Uint8Array): Uint8Array {
  const max = snappyMaxEncodedLength(data.length);
  return encoder.encodeInto(data, into !== undefined && into.length >= max ? into : new Uint8Array(max));
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
