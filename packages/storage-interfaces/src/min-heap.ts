// A binary min-heap (Go's container/heap, as storage/merge.go uses it for chunk iterators).

/** A binary min-heap ordered by `less`. For per-series or per-chunk use, not per sample. */
export class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The smallest item, without removing it; undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let pos = items.length - 1;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.#less(items[pos]!, items[parent]!)) break;
      this.#swap(pos, parent);
      pos = parent;
    }
  }

  /** Removes and returns the smallest item; undefined when empty. */
  pop(): T | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    this.#swap(0, items.length - 1);
    const top = items.pop();
    const n = items.length;
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.#less(items[r]!, items[l]!) ? r : l;
      if (!this.#less(items[m]!, items[pos]!)) break;
      this.#swap(m, pos);
      pos = m;
    }
    return top;
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const x = items[a]!;
    items[a] = items[b]!;
    items[b] = x;
  }
}
