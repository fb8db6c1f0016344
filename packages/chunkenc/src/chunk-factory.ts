// Prometheus: tsdb/chunkenc/chunk.go NewEmptyChunk, FromData, IsValidEncoding
import type { Chunk } from '@tsprom/storage-interfaces';
import { Encoding } from '@tsprom/storage-interfaces';
import { UnknownEncodingError } from './errors.js';
import { FloatHistogramChunk } from './float-histogram-chunk.js';
import { HistogramChunk } from './histogram-chunk.js';
import { type FromBytesOptions, XORChunk } from './xor-chunk.js';
import { XOR2Chunk } from './xor2-chunk.js';

/**
 * Prometheus: chunkenc.NewEmptyChunk. An empty chunk of `encoding`. Throws `UnknownEncodingError`
 * (naming the byte) for encodings this package does not implement (the ST histogram ones).
 * `Encoding.XOR2` (byte 4, unverified) is unreadable by Prometheus before 3.x: choose it only on
 * the operator's request; XOR is the default.
 */
export function newChunk(encoding: number): Chunk {
  switch (encoding) {
    case Encoding.XOR:
      return new XORChunk();
    case Encoding.XOR2:
      return new XOR2Chunk();
    case Encoding.Histogram:
      return new HistogramChunk();
    case Encoding.FloatHistogram:
      return new FloatHistogramChunk();
    default:
      throw new UnknownEncodingError(encoding);
  }
}

/**
 * Prometheus: chunkenc.FromData. A chunk over `bytes` (borrowed, not copied) in `encoding`, the
 * encoding byte as stored on disk. Throws `UnknownEncodingError` for an unsupported encoding and
 * `ChunkEncodingError` for malformed bytes (see `FromBytesOptions.validate`).
 */
export function chunkFromBytes(encoding: number, bytes: Uint8Array, options?: FromBytesOptions): Chunk {
  switch (encoding) {
    case Encoding.XOR:
      return XORChunk.fromBytes(bytes, options);
    case Encoding.XOR2:
      return XOR2Chunk.fromBytes(bytes, options);
    case Encoding.Histogram:
      return HistogramChunk.fromBytes(bytes, options);
    case Encoding.FloatHistogram:
      return FloatHistogramChunk.fromBytes(bytes, options);
    default:
      throw new UnknownEncodingError(encoding);
  }
}

/** Whether `newChunk`/`chunkFromBytes` can handle `encoding`. */
export function isSupportedEncoding(encoding: number): boolean {
  return (
    encoding === Encoding.XOR ||
    encoding === Encoding.XOR2 ||
    encoding === Encoding.Histogram ||
    encoding === Encoding.FloatHistogram
  );
}
