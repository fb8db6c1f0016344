// A bounded cache from the raw bytes of a received series' labels (the Label fields of a Remote
// Write 1.0 TimeSeries, as they are on the wire) to the series' checked Labels and storage ref.
// Prometheus's receiver keeps none; with it, a series seen before is appended by ref without
// decoding, checking or hashing its labels again. The same bytes always decode to the same labels,
// so a hit is exact. Refs are only hints to the appender: a ref the head no longer holds (its series
// was garbage-collected) makes the appender look the series up by its labels, and the entry then
// takes the ref it returns.
import type { Labels } from '@tsprom/labels';

/** One cached series. */
export interface SeriesRefEntry {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly labels: Labels;
  /** The storage ref last returned for it (0 before any append). */
  ref: number;
  next: SeriesRefEntry | undefined;
}

/** Default bound: entries kept before the cache starts over. */
export const DEFAULT_SERIES_REF_CACHE_SIZE = 1 << 19;

/** FNV-1a (32 bits) of `buf[start, end)`. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(key: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== buf[start + i]) return false;
  return true;
}

/** Label bytes → series (labels, ref); at most `maxEntries`, emptied when full. */
export class SeriesRefCache {
  readonly #byHash = new Map<number, SeriesRefEntry>();
  readonly #max: number;
  #size = 0;

  constructor(maxEntries = DEFAULT_SERIES_REF_CACHE_SIZE) {
    if (!(maxEntries > 0)) throw new RangeError(`series ref cache size must be positive, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** The entry for the label bytes `buf[start, end)` hashing to `hash`, if cached. */
  get(buf: Uint8Array, start: number, end: number, hash: number): SeriesRefEntry | undefined {
    for (let e = this.#byHash.get(hash); e !== undefined; e = e.next) {
      if (sameBytes(e.key, buf, start, end)) return e;
    }
    return undefined;
  }

  /** Caches `labels` (already checked) for the label bytes `buf[start, end)` hashing to `hash`. */
  add(buf: Uint8Array, start: number, end: number, hash: number, labels: Labels, ref: number): SeriesRefEntry {
    if (this.#size >= this.#max) this.clear();
    const e: SeriesRefEntry = { key: buf.slice(start, end), hash, labels, ref, next: this.#byHash.get(hash) };
    this.#byHash.set(hash, e);
    this.#size++;
    return e;
  }

  /** Forgets every entry (as when the storage's series were dropped). */
  clear(): void {
    this.#byHash.clear();
    this.#size = 0;
  }
}
