// A chunk of an encoding Prometheus writes that this build cannot decode (the histogram encodings
// with start timestamps, 5 and 6; 2 and 3 are decoded when chunkenc registers them): its bytes pass through compaction and chunk queriers untouched; reading its samples
// fails with the codec's UnknownEncodingError, reported through the iterator's err().
import { UnknownEncodingError } from '@tsprom/chunkenc';
import {
  type Chunk,
  type ChunkAppender,
  type Encoding,
  errorIterator,
  type SampleIterator,
} from '@tsprom/storage-interfaces';

/** Encodings Prometheus writes that OpaqueChunk carries: histogram, float histogram and their ST forms. */
export function isOpaqueEncoding(e: number): boolean {
  return e === 2 || e === 3 || e === 5 || e === 6;
}

/** A chunk held as its encoding byte and bytes only. */
export class OpaqueChunk implements Chunk {
  readonly #encoding: Encoding;
  readonly #bytes: Uint8Array;

  constructor(encoding: number, bytes: Uint8Array) {
    this.#encoding = encoding as Encoding;
    this.#bytes = bytes;
  }

  encoding(): Encoding {
    return this.#encoding;
  }

  bytes(): Uint8Array {
    return this.#bytes;
  }

  /** The sample count from the header: 16 bits, or 14 bits beside the ST encodings' reset bits. */
  numSamples(): number {
    const b = this.#bytes;
    if (b.length < 2) return 0;
    const n = (b[0]! << 8) | b[1]!;
    return this.#encoding === 5 || this.#encoding === 6 ? n & 0x3fff : n;
  }

  appender(): ChunkAppender {
    throw new UnknownEncodingError(this.#encoding);
  }

  iterator(_reuse?: SampleIterator): SampleIterator {
    return errorIterator(new UnknownEncodingError(this.#encoding));
  }

  compact(): void {}
}
