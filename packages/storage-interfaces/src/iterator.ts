// Prometheus: tsdb/chunkenc/chunk.go Iterator
import type { FloatHistogram, Histogram } from './histogram.js';
import type { ValueType } from './value-type.js';

/**
 * Where `readFloats` writes: points `[n, min(ts.length, vs.length))` of the arrays are free, and `n`
 * is moved past the points written. The arrays are the caller's.
 */
export interface FloatBuffer {
  ts: Float64Array;
  vs: Float64Array;
  n: number;
}

/**
 * Iterates the samples of one series in timestamp order. One iterator per series, reused through
 * `iterator(reuse)`; it allocates nothing per sample. Timestamps are ms since the epoch (exact in a
 * double up to 2^53). Not safe for concurrent use.
 */
export interface SampleIterator {
  /** Advances to the next sample and returns its type, or `ValueType.None` at the end. */
  next(): ValueType;
  /**
   * Advances to the first sample with timestamp >= t and returns its type. If the current sample
   * already has timestamp >= t, stays on it. Returns `ValueType.None` when there is no such sample.
   */
  seek(t: number): ValueType;
  /** The current float sample as a new `[t, v]` pair (allocates; prefer atT/atV on hot paths). */
  at(): [number, number];
  /** Timestamp of the current sample, whatever its type. */
  atT(): number;
  /** Value of the current float sample. */
  atV(): number;
  /** The current integer histogram sample. The object may be reused by the next call. */
  atHistogram(): Histogram;
  /** The current sample as a float histogram (integer histograms are converted). */
  atFloatHistogram(): FloatHistogram;
  /** Start timestamp of the current sample (0 = unknown). */
  atST(): number;
  /** The error that ended iteration, if any. Check after every loop. */
  err(): Error | undefined;
  /**
   * Optional: `readFloats` (read-floats.ts) done by the iterator itself, faster than a loop of
   * `next()` (a chunk decoded in one loop). Callers use the `readFloats` function, which falls back
   * to that loop for iterators without it.
   */
  readFloats?(buf: FloatBuffer, maxT: number): ValueType;
}
