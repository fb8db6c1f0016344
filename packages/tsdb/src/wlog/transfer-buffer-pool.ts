// Buffers that go back and forth between the WAL's logging thread and its compression worker.
// Posting a message that transfers a newly allocated ArrayBuffer costs the posting thread far
// more than transferring one that made the trip before (measured with 22 KB records: ~50-140 µs
// against ~10-20 µs a postMessage), so every buffer of a job comes from here and returns here.

/** The smallest buffer handed out: records of a log() below it share one size. */
const MIN_POOLED_BYTES = 32 * 1024;
/**
 * The biggest buffer kept: a pool holds at most its capacity times this. A log() of more costs
 * milliseconds to compress, beside which a fresh buffer's transfer is nothing.
 */
export const MAX_POOLED_BYTES = 1024 * 1024;

/**
 * A free list of ArrayBuffers in power-of-two sizes (so that a returned buffer fits the next
 * jobs of about its size), at most `capacity` kept.
 */
export class TransferBufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #capacity: number;
  /** Buffers allocated by take() (reused ones not counted). */
  allocated = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A buffer of at least `minBytes`: a free one if any fits, else a new one. */
  take(minBytes: number): ArrayBuffer {
    const free = this.#free;
    for (let i = free.length - 1; i >= 0; i--) {
      const b = free[i]!;
      if (b.byteLength >= minBytes) {
        free[i] = free[free.length - 1]!;
        free.pop();
        return b;
      }
    }
    this.allocated++;
    let size = MIN_POOLED_BYTES;
    while (size < minBytes) size *= 2;
    return new ArrayBuffer(size);
  }

  /**
   * Gives `b` back: nothing may use it any more. A detached buffer, or one bigger than
   * MAX_POOLED_BYTES, is dropped; when full, the smallest buffer is.
   */
  give(b: ArrayBuffer): void {
    if (b.byteLength === 0 || b.byteLength > MAX_POOLED_BYTES) return;
    const free = this.#free;
    if (free.length < this.#capacity) {
      free.push(b);
      return;
    }
    if (free.length === 0) return;
    let min = 0;
    for (let i = 1; i < free.length; i++) if (free[i]!.byteLength < free[min]!.byteLength) min = i;
    if (free[min]!.byteLength < b.byteLength) free[min] = b;
  }

  /** Number of free buffers. */
  get size(): number {
    return this.#free.length;
  }
}
