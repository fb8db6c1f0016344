// The Remote Write 2.0 side of the receiver's series cache: a 2.0 series names its labels by
// references into its request's symbol table, so it is found again by its label strings. A series
// seen before gets its checked Labels and its last storage ref from here, rather than being checked
// and then looked up by its labels in the storage again (the hint only: a ref the storage no longer
// holds makes the appender look the series up by its labels).
import type { Labels } from '@tsprom/labels';
import { DEFAULT_SERIES_REF_CACHE_SIZE } from './series-ref-cache.js';

/** A cached 2.0 series. */
export interface V2SeriesEntry {
  readonly labels: Labels;
  /** The storage ref last returned for it (0 before any append). */
  ref: number;
}

/**
 * The key of the label set `names[i]=values[i]`: each string after its length and a colon, so
 * that no two label sets share one.
 */
export function v2SeriesKey(names: readonly string[], values: readonly string[]): string {
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const v = values[i]!;
    key += `${n.length}:${n}${v.length}:${v}`;
  }
  return key;
}

/** Label strings → series (checked labels, ref); at most `maxEntries`, emptied when full. */
export class V2SeriesCache {
  readonly #byKey = new Map<string, V2SeriesEntry>();
  readonly #max: number;

  constructor(maxEntries = DEFAULT_SERIES_REF_CACHE_SIZE) {
    if (!(maxEntries > 0)) throw new RangeError(`series ref cache size must be positive, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  /** Entries held. */
  get size(): number {
    return this.#byKey.size;
  }

  get(key: string): V2SeriesEntry | undefined {
    return this.#byKey.get(key);
  }

  /** Caches `labels` (already checked) under `key` (v2SeriesKey of them). */
  add(key: string, labels: Labels): V2SeriesEntry {
    if (this.#byKey.size >= this.#max) this.#byKey.clear();
    const e: V2SeriesEntry = { labels, ref: 0 };
    this.#byKey.set(key, e);
    return e;
  }
}
