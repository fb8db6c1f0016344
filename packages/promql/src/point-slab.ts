// The point arrays of many Series carved out of a few large ones: a range function or selector
// over thousands of series then allocates a handful of buffers instead of two per series (each a
// separate backing store V8 allocates and tracks outside its heap).

/** Points a slab holds at most, unless one series needs more. */
const maxSlabPoints = 1 << 16;

/**
 * Hands out `ts`/`vs` arrays of a requested length as views of shared buffers. Sized from the
 * expected demand (`series` × `pointsPerSeries`, capped), so a small query allocates little. A
 * buffer lives as long as any Series holding a view of it; a Series that outgrows its view
 * reallocates its own arrays, as it would have anyway.
 */
export class PointSlab {
  /** The arrays of the last {@link take}, `n` points each. */
  ts: Float64Array = new Float64Array(0);
  vs: Float64Array = this.ts;
  #ts: Float64Array = this.ts;
  #vs: Float64Array = this.ts;
  #off = 0;
  #want: number;

  /** Expects about `series` takes of up to `pointsPerSeries` points. */
  constructor(series: number, pointsPerSeries: number) {
    this.#want = Math.min(maxSlabPoints, Math.max(1, series * pointsPerSeries));
  }

  /** Sets `ts` and `vs` to fresh zeroed views of `n` points (n >= 1). */
  take(n: number): void {
    if (this.#off + n > this.#ts.length) {
      const size = Math.max(this.#want, n);
      this.#ts = new Float64Array(size);
      this.#vs = new Float64Array(size);
      this.#off = 0;
    }
    this.ts = this.#ts.subarray(this.#off, this.#off + n);
    this.vs = this.#vs.subarray(this.#off, this.#off + n);
    this.#off += n;
  }
}
