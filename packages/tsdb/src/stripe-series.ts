// Prometheus: tsdb/head.go stripeSeries, seriesHashmap
import type { Labels } from '@tsprom/labels';
import type { MemSeries } from './mem-series.js';

/** Refs per page of the by-ref index. */
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
/** Refs from here on go to a Map: the page table would cost more than it saves. */
const PAGED_REF_LIMIT = 2 ** 30;

/** Default number of stripes (Prometheus uses 1 << 14; fewer keep an in-browser head light). */
export const defaultStripeSize = 1 << 10;

/**
 * The low 32 bits of the labels' hash as a signed integer (`Labels.hash32`, no bigint made): a
 * small-integer key, which a Map looks up several times faster than the 64-bit bigint, and which
 * it stores inline. Sets that share these bits (about one pair among 100k series) share an entry,
 * told apart by their labels.
 */
function hashKey(labels: Labels): number {
  return labels.hash32();
}

/**
 * The head's series, by ref and by label hash. Node runs one thread, so the stripes do not guard
 * locks as in Prometheus; they keep each hash map small and bound the cost of a GC pass. Hash
 * collisions are resolved by comparing labels.
 */
export class StripeSeries {
  // Refs are mostly small increasing integers: pages of PAGE_SIZE slots indexed by ref beat a Map
  // on the hot path, and a series with a huge ref (a WAL from a long-running Prometheus) costs one
  // page, not an array padded up to its ref. Refs at or above PAGED_REF_LIMIT go to #bigRefs.
  #pages: ((MemSeries | undefined)[] | undefined)[] = [];
  readonly #bigRefs = new Map<number, MemSeries>();
  #size = 0;
  readonly #byHash: Map<number, MemSeries | MemSeries[]>[];
  readonly #mask: number;
  // The labels `getByLabels` looked up last and their key: creating a series looks it up first,
  // then adds it, and the key (a bigint operation) is computed once for both.
  #lastLabels: Labels | undefined;
  #lastKey = 0;

  constructor(stripeSize = defaultStripeSize) {
    if ((stripeSize & (stripeSize - 1)) !== 0 || stripeSize <= 0) throw new Error('stripe size must be a power of two');
    this.#byHash = Array.from({ length: stripeSize }, () => new Map());
    this.#mask = stripeSize - 1;
  }

  /** Number of series. */
  get size(): number {
    return this.#size;
  }

  /** The series with `ref`, if any. */
  getByRef(ref: number): MemSeries | undefined {
    if (ref < PAGED_REF_LIMIT) return this.#pages[ref >> PAGE_BITS]?.[ref & (PAGE_SIZE - 1)];
    return this.#bigRefs.get(ref);
  }

  /** The series with exactly `labels`, if any. */
  getByLabels(labels: Labels): MemSeries | undefined {
    const h = hashKey(labels);
    this.#lastLabels = labels;
    this.#lastKey = h;
    const e = this.#byHash[h & this.#mask]!.get(h);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(labels) ? e : undefined;
    for (const s of e) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  /** Adds a series (the caller made sure none with its labels or ref exists). */
  set(s: MemSeries): void {
    const ref = s.ref;
    if (!Number.isSafeInteger(ref) || ref <= 0) throw new Error(`invalid series ref ${ref}`);
    if (ref < PAGED_REF_LIMIT) {
      const pages = this.#pages;
      const p = ref >> PAGE_BITS;
      while (pages.length <= p) pages.push(undefined); // Keep the page table packed (no holes).
      let page = pages[p];
      if (page === undefined) {
        page = new Array<MemSeries | undefined>(PAGE_SIZE).fill(undefined);
        pages[p] = page;
      }
      page[ref & (PAGE_SIZE - 1)] = s;
    } else this.#bigRefs.set(ref, s);
    this.#size++;
    const h = s.labels === this.#lastLabels ? this.#lastKey : hashKey(s.labels);
    const stripe = this.#byHash[h & this.#mask]!;
    const e = stripe.get(h);
    if (e === undefined) stripe.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else stripe.set(h, [e, s]);
  }

  /** Removes a series. */
  delete(s: MemSeries): void {
    if (this.getByRef(s.ref) !== s) return;
    if (s.ref < PAGED_REF_LIMIT) this.#pages[s.ref >> PAGE_BITS]![s.ref & (PAGE_SIZE - 1)] = undefined;
    else this.#bigRefs.delete(s.ref);
    this.#size--;
    const h = hashKey(s.labels);
    const stripe = this.#byHash[h & this.#mask]!;
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
    for (const page of this.#pages) {
      if (page === undefined) continue;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const s = page[i];
        if (s !== undefined) yield s;
      }
    }
    if (this.#bigRefs.size > 0) {
      const refs = [...this.#bigRefs.keys()].sort((a, b) => a - b);
      for (const ref of refs) {
        const s = this.#bigRefs.get(ref);
        if (s !== undefined) yield s;
      }
    }
  }
}
