// Prometheus: tsdb/index/postings.go MemPostings
import { compareStrings, type Labels } from '@tsprom/labels';
import { mergePostings, type Postings } from './postings.js';
import { ShardedStringMap } from './sharded-string-map.js';

/** Name and value of the list holding every series: Prometheus's `AllPostingsKey`. */
export const allPostingsKey = { name: '', value: '' } as const;

/**
 * The head's inverted index: for each label name and value, the sorted refs of the series that
 * carry it, plus a list of all refs under `allPostingsKey`. Refs are handed out in increasing
 * order, so `add` appends (with an insertion step for the rare out-of-order add during replay).
 * Lists returned by `get` are live arrays: read them synchronously and do not modify them.
 * A value carried by a single series (an `instance`, a `pod`) is stored as the bare ref, not a
 * one-element array: about 50 bytes less per such label. The values of a label are held in a
 * ShardedStringMap: a label with a value per series never makes the index rehash 100k entries at once.
 */
export class MemPostings {
  readonly #m = new Map<string, ShardedStringMap<number | number[]>>();

  /** Adds `ref` under each label of `labels` and under the all-postings key. */
  add(ref: number, labels: Labels): void {
    this.#addFor(ref, allPostingsKey.name, allPostingsKey.value);
    labels.forEach((name, value) => {
      this.#addFor(ref, name, value);
    });
  }

  #addFor(ref: number, name: string, value: string): void {
    let byValue = this.#m.get(name);
    if (byValue === undefined) {
      byValue = new ShardedStringMap();
      this.#m.set(name, byValue);
    }
    const entry = byValue.getOrSet(value, ref);
    if (entry === undefined) return;
    let list: number[];
    if (typeof entry === 'number') {
      list = [entry, ref];
      byValue.set(value, list);
    } else {
      list = entry;
      list.push(ref);
    }
    // Keep the list sorted: refs usually arrive in order, so this loop rarely runs.
    for (let i = list.length - 1; i > 0 && list[i - 1]! > ref; i--) {
      list[i] = list[i - 1]!;
      list[i - 1] = ref;
    }
  }

  /** The sorted refs of series with label `name`=`value` (empty when none). */
  get(name: string, value: string): Postings {
    return asList(this.#m.get(name)?.get(value));
  }

  /** Merged refs of series whose label `name` has any of `values`. */
  postings(name: string, values: readonly string[]): Postings {
    const byValue = this.#m.get(name);
    if (byValue === undefined) return [];
    if (values.length === 1) return asList(byValue.get(values[0]!));
    const lists: Postings[] = [];
    for (const v of values) {
      const l = byValue.get(v);
      if (l !== undefined) lists.push(asList(l));
    }
    return mergePostings(lists);
  }

  /** Merged refs of series whose label `name` has a value for which `match` is true. */
  postingsForLabelMatching(name: string, match: (value: string) => boolean): Postings {
    const byValue = this.#m.get(name);
    if (byValue === undefined) return [];
    const lists: Postings[] = [];
    for (const [v, l] of byValue.entries()) if (match(v)) lists.push(asList(l));
    return mergePostings(lists);
  }

  /**
   * Merged refs of every series that has label `name`: the all-postings list itself when every
   * series has it (`__name__` usually), as a series has one value per name, so the lists of the
   * values are disjoint and hold as many refs as that list only when together they are that list.
   */
  postingsForAllLabelValues(name: string): Postings {
    const byValue = this.#m.get(name);
    if (byValue === undefined) return [];
    const all = this.get(allPostingsKey.name, allPostingsKey.value);
    let n = 0;
    for (const [, l] of byValue.entries()) n += typeof l === 'number' ? 1 : l.length;
    if (n === all.length) return all;
    return this.postingsForLabelMatching(name, () => true);
  }

  /** The label names in the index, sorted (without the all-postings key). */
  labelNames(): string[] {
    const out: string[] = [];
    for (const [name, byValue] of this.#m) if (name !== '' && byValue.size > 0) out.push(name);
    return out.sort(compareStrings);
  }

  /** The values of label `name`, sorted. */
  labelValues(name: string): string[] {
    const byValue = this.#m.get(name);
    if (byValue === undefined) return [];
    return Array.from(byValue.keys()).sort(compareStrings);
  }

  /** Number of distinct label name/value pairs (Prometheus head stats `numLabelPairs`). */
  numLabelPairs(): number {
    let n = 0;
    for (const [name, byValue] of this.#m) if (name !== '') n += byValue.size;
    return n;
  }

  /**
   * Removes the refs in `deleted` from every list whose label pair is in `affected` (each given as
   * `name\xffvalue`), and the all-postings list. Empty lists are dropped.
   */
  delete(deleted: ReadonlySet<number>, affected: ReadonlySet<string>): void {
    const prune = (name: string, value: string): void => {
      const byValue = this.#m.get(name);
      const entry = byValue?.get(value);
      if (byValue === undefined || entry === undefined) return;
      const kept = typeof entry === 'number' ? [entry] : entry;
      const rest = kept.filter((r) => !deleted.has(r));
      if (rest.length === 0) {
        byValue.delete(value);
        if (byValue.size === 0) this.#m.delete(name);
      } else byValue.set(value, rest.length === 1 ? rest[0]! : rest);
    };
    for (const key of affected) {
      const i = key.indexOf('\xff');
      prune(key.slice(0, i), key.slice(i + 1));
    }
    prune(allPostingsKey.name, allPostingsKey.value);
  }
}

/** A stored entry as a list (a bare ref becomes a one-element array). */
function asList(entry: number | number[] | undefined): Postings {
  if (entry === undefined) return [];
  return typeof entry === 'number' ? [entry] : entry;
}
