// A Map keyed by strings that never rehashes many entries at once. A JS Map rehashes all of its
// entries synchronously each time it doubles: at 65,536 entries that holds the event loop for
// several ms, at 131,072 twice that, and so on. The head's inverted index has such maps: a label
// whose value differs in every series (`instance`, `pod`) gets one entry per series, and creating
// 100k series at once would stall on them. (Go's maps grow incrementally, so Prometheus does not
// see this.)

/** Shards a map is split into once it reaches its shard limit. A power of two. */
const SHARDS = 256;
/** Entries from which a map is split into shards. */
const DEFAULT_SHARD_LIMIT = 4096;

/**
 * A map from strings to `V`: one Map while small, `SHARDS` Maps by a hash of the key once it holds
 * `shardLimit` entries, so that a doubling rehashes about 1/256 of the entries. Iteration order is
 * insertion order while small and unspecified once sharded.
 */
export class ShardedStringMap<V> {
  #one: Map<string, V> | undefined = new Map();
  #shards: Map<string, V>[] | undefined;
  #size = 0;
  readonly #shardLimit: number;

  constructor(shardLimit = DEFAULT_SHARD_LIMIT) {
    this.#shardLimit = shardLimit;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    const one = this.#one;
    if (one !== undefined) return one.get(key);
    return this.#shards![shardOf(key)]!.get(key);
  }

  set(key: string, value: V): void {
    let m = this.#one;
    if (m === undefined) m = this.#shards![shardOf(key)]!;
    const before = m.size;
    m.set(key, value);
    if (m.size === before) return;
    this.#size++;
    if (this.#one !== undefined && this.#size >= this.#shardLimit) this.#split();
  }

  /**
   * The value under `key`; when there is none, sets it to `value` and returns undefined. One look
   * at the key where `get` then `set` would take two (hashing it for its shard twice).
   */
  getOrSet(key: string, value: V): V | undefined {
    const m = this.#one ?? this.#shards![shardOf(key)]!;
    const found = m.get(key);
    if (found !== undefined) return found;
    m.set(key, value);
    this.#size++;
    if (this.#one !== undefined && this.#size >= this.#shardLimit) this.#split();
    return undefined;
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    const m = this.#one ?? this.#shards![shardOf(key)]!;
    if (!m.delete(key)) return false;
    this.#size--;
    return true;
  }

  /** The keys (in no particular order once sharded). */
  *keys(): IterableIterator<string> {
    if (this.#one !== undefined) yield* this.#one.keys();
    else for (const m of this.#shards!) yield* m.keys();
  }

  /** The entries (in no particular order once sharded). */
  *entries(): IterableIterator<[string, V]> {
    if (this.#one !== undefined) yield* this.#one.entries();
    else for (const m of this.#shards!) yield* m.entries();
  }

  #split(): void {
    const shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());
    for (const [k, v] of this.#one!) shards[shardOf(k)]!.set(k, v);
    this.#shards = shards;
    this.#one = undefined;
  }
}

/** FNV-1a over the key's UTF-16 code units, reduced to a shard index. */
function shardOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 16)) & (SHARDS - 1);
}
