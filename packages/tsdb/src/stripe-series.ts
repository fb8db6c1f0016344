// Prometheus: tsdb/head.go stripeSeries, seriesHashmap
import type { Labels } from '@tsprom/labels';
import type { MemSeries } from './mem-series.js';

/** Default number of stripes (Prometheus uses 1 << 14; fewer keep an in-browser head light). */
export const defaultStripeSize = 1 << 10;

/**
 * The head's series, by ref and by label hash. Node runs one thread, so the stripes do not guard
 * locks as in Prometheus; they keep each hash map small and bound the cost of a GC pass. Hash
 * collisions are resolved by comparing labels.
 */
export class StripeSeries {
  // Refs are small increasing integers: a dense array indexed by ref beats a Map on the hot path.
  #byRef: (MemSeries | undefined)[] = [];
  #size = 0;
  readonly #byHash: Map<bigint, MemSeries | MemSeries[]>[];
  readonly #mask: bigint;

  constructor(stripeSize = defaultStripeSize) {
    if ((stripeSize & (stripeSize - 1)) !== 0 || stripeSize <= 0) throw new Error('stripe size must be a power of two');
    this.#byHash = Array.from({ length: stripeSize }, () => new Map());
    this.#mask = BigInt(stripeSize - 1);
  }

  /** Number of series. */
  get size(): number {
    return this.#size;
  }

  /** The series with `ref`, if any. */
  getByRef(ref: number): MemSeries | undefined {
    return this.#byRef[ref];
  }

  /** The series with exactly `labels`, if any. */
  getByLabels(labels: Labels): MemSeries | undefined {
    const h = labels.hash();
    const e = this.#byHash[Number(h & this.#mask)]!.get(h);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(labels) ? e : undefined;
    for (const s of e) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  /** Adds a series (the caller made sure none with its labels or ref exists). */
  set(s: MemSeries): void {
    const arr = this.#byRef;
    if (!Number.isSafeInteger(s.ref) || s.ref <= 0) throw new Error(`invalid series ref ${s.ref}`);
    while (arr.length < s.ref) arr.push(undefined); // Keep the array packed (no holes).
    arr[s.ref] = s;
    this.#size++;
    const h = s.labels.hash();
    const stripe = this.#byHash[Number(h & this.#mask)]!;
    const e = stripe.get(h);
    if (e === undefined) stripe.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else stripe.set(h, [e, s]);
  }

  /** Removes a series. */
  delete(s: MemSeries): void {
    if (this.#byRef[s.ref] !== s) return;
    this.#byRef[s.ref] = undefined;
    this.#size--;
    const h = s.labels.hash();
    const stripe = this.#byHash[Number(h & this.#mask)]!;
    const e = stripe.get(h);
    if (e === s) stripe.delete(h);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      if (rest.length === 0) stripe.delete(h);
      else stripe.set(h, rest.length === 1 ? rest[0]! : rest);
    }
  }

  /** Every series, in ref order. */
  *values(): IterableIterator<MemSeries> {
    const arr = this.#byRef;
    for (let i = 0; i < arr.length; i++) {
      const s = arr[i];
      if (s !== undefined) yield s;
    }
  }
}
