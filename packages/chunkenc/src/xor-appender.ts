// Prometheus: tsdb/chunkenc/xor.go xorAppender
import type { ChunkAppender } from '@tsprom/storage-interfaces';

/**
 * What an XORAppender writes to: the open chunk's encoder (`XORChunk.append`). A structural seam,
 * so that this file does not import the chunk that imports it.
 */
export interface XOREncoder {
  append(t: number, v: number): void;
}

/**
 * Prometheus: xorAppender. Appends float samples to an XORChunk; obtain it from
 * `chunk.appender()`. Timestamps are ms, safe integers, in increasing order (the encoding copes
 * with any order, as Prometheus's does, but the chunk's consumers assume it). Values keep their
 * exact bits, NaN payloads included. Allocates nothing per sample. The encoder state lives in the
 * chunk (one object per open chunk), so this is a thin handle: `XORChunk.append` is the same call.
 */
export class XORAppender implements ChunkAppender {
  readonly #c: XOREncoder;

  /** Use `XORChunk.appender()`. */
  constructor(chunk: XOREncoder) {
    this.#c = chunk;
  }

  /**
   * Appends a sample: `t` in ms (a safe integer), `v` any float. `st` is ignored (XOR stores no
   * start timestamps). Throws RangeError for a non-integer `t` or a chunk already holding 65535
   * samples.
   */
  append(t: number, v: number, _st?: number): void {
    this.#c.append(t, v);
  }
}
