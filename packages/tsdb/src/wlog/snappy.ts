// Prometheus: the WAL uses github.com/golang/snappy's block format (snappy.Encode / snappy.Decode).
import { snappyBlockDecode } from './snappy-decoder.js';
import { SnappyEncoder, snappyMaxEncodedLength } from './snappy-encoder.js';

const encoder = new SnappyEncoder(0);

/** Snappy block-format compression (golang/snappy `Encode`, see snappy-encoder.ts). Returns a new array. */
export function snappyEncode(src: Uint8Array): Uint8Array {
  return encoder.encodeInto(src, new Uint8Array(snappyMaxEncodedLength(src.length)));
}

/**
 * Snappy block-format decompression (golang/snappy `Decode`, see snappy-decoder.ts). Throws on
 * malformed input or when the decoded length exceeds `maxLength`. Returns a new array.
 */
export function snappyDecode(src: Uint8Array, maxLength = 0x7fffffff): Uint8Array {
  return snappyBlockDecode(src, maxLength);
}
