// A bounded cache from the raw bytes of a received series' labels (the Label fields of a Remote
// Write 1.0 TimeSeries, as they are on the wire) to the series' checked Labels and storage ref.
// Prometheus's receiver keeps none; with it, a series seen before is appended by ref without
// decoding, checking or hashing its labels again. The same bytes always decode to the same labels,
// so a hit is exact. Refs are only hints to the appender: a ref the head no longer holds (its series
// was garbage-collected) makes the appender look the series up by its labels, and the entry then
// takes the ref it returns.
import type { Labels } from '@tsprom/labels';
import type { SeriesRefLesson } from './series-ref-mirror.js';

export { hashBytes } from './hash-bytes.js';

/** One cached series. */
export interface SeriesRefEntry {
  readonly key: Uint8Array;
  /** `key`, read four bytes at a time when compared. */
  readonly keyView: DataView;
  readonly hash: number;
  readonly labels: Labels;
  /**
   * Its place in the cache, while the cache's epoch lasts (receive workers name it by this). The
   * storage ref last returned for it is the cache's `ref(id)`.
   */
  readonly id: number;
  next: SeriesRefEntry | undefined;
}

/** Default bound: entries kept before the cache starts over. */
export const DEFAULT_SERIES_REF_CACHE_SIZE = 1 << 19;

/** Most entries one lesson carries (~1 MB of keys, a few ms to copy on the event loop). */
const LESSON_MAX_ENTRIES = 1 << 14;

/**
 * The Map is keyed by the low 30 bits of the hash: small integers (V8's Smis) are looked up
 * without a heap number per key (a 32-bit hash of 2^30 or more is one).
 */
const SMI_BITS = 0x3fffffff;

function emptyLesson(epoch: number): SeriesRefLesson {
  return { epoch, from: 0, hashes: new Uint32Array(0), ends: new Int32Array(0), keys: new Uint8Array(0) };
}

/** Whether `key` equals `buf[start, end)` (`view` over `buf`): four bytes at a time, then bytes. */
function sameBytes(e: SeriesRefEntry, buf: Uint8Array, view: DataView, start: number, end: number): boolean {
  const key = e.key;
  const n = key.length;
  if (n !== end - start) return false;
  const kv = e.keyView;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (kv.getInt32(i) !== view.getInt32(start + i)) return false;
  for (; i < n; i++) if (key[i] !== buf[start + i]) return false;
  return true;
}

/** Label bytes → series (labels, ref); at most `maxEntries`, emptied when full. */
export class SeriesRefCache {
  readonly #byHash = new Map<number, SeriesRefEntry>();
  readonly #max: number;
  #size = 0;
  /** Entries by id, in the order added. */
  #entries: SeriesRefEntry[] = [];
  /**
   * The storage ref last returned for each entry, by id (0 before any append): a request's series
   * are appended reading these alone, which lie together, rather than an object per series.
   */
  #refs = new Float64Array(1024);
  /** Counts the clears: an id names an entry only within the epoch it was handed out in. */
  #epoch = 0;
  // The buffer last looked in (a request's body, looked in series after series) and its view.
  #buf: Uint8Array | undefined;
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  constructor(maxEntries = DEFAULT_SERIES_REF_CACHE_SIZE) {
    if (!(maxEntries > 0)) throw new RangeError(`series ref cache size must be positive, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** The current epoch (see `byId`). */
  get epoch(): number {
    return this.#epoch;
  }

  /** The entry with id `id` in the current epoch, if any. */
  byId(id: number): SeriesRefEntry | undefined {
    return this.#entries[id];
  }

  /**
   * The entries added since `count` entries of `epoch` were learnt (all of the current epoch when
   * that one is over), at most `max` of them (the rest come in later lessons: a lesson is copied on
   * the event loop, and a full cache is ~40 MB of keys); undefined when there are none.
   */
  lesson(epoch: number, count: number, max = LESSON_MAX_ENTRIES): SeriesRefLesson | undefined {
    const from = epoch === this.#epoch ? count : 0;
    const entries = this.#entries;
    const n = Math.min(entries.length - from, max);
    if (n <= 0) return epoch === this.#epoch ? undefined : emptyLesson(this.#epoch);
    const hashes = new Uint32Array(n);
    const ends = new Int32Array(n);
    let bytes = 0;
    for (let k = 0; k < n; k++) {
      const e = entries[from + k]!;
      hashes[k] = e.hash;
      bytes += e.key.length;
      ends[k] = bytes;
    }
    const keys = new Uint8Array(bytes);
    for (let k = 0; k < n; k++) keys.set(entries[from + k]!.key, k === 0 ? 0 : ends[k - 1]!);
    return { epoch: this.#epoch, from, hashes, ends, keys };
  }

  /** The storage ref of entry `id` (0 before any append, or for an id not in the current epoch). */
  ref(id: number): number {
    return id < this.#entries.length ? this.#refs[id]! : 0;
  }

  /** Records `ref` as the storage ref of entry `id` of the current epoch. */
  setRef(id: number, ref: number): void {
    if (id < this.#entries.length) this.#refs[id] = ref;
  }

  /** The entry for the label bytes `buf[start, end)` hashing to `hash`, if cached. */
  get(buf: Uint8Array, start: number, end: number, hash: number): SeriesRefEntry | undefined {
    let e = this.#byHash.get(hash & SMI_BITS);
    if (e === undefined) return undefined;
    if (buf !== this.#buf) {
      this.#buf = buf;
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    for (; e !== undefined; e = e.next) if (sameBytes(e, buf, this.#view, start, end)) return e;
    return undefined;
  }

  /** Caches `labels` (already checked) for the label bytes `buf[start, end)` hashing to `hash`. */
  add(buf: Uint8Array, start: number, end: number, hash: number, labels: Labels, ref: number): SeriesRefEntry {
    if (this.#size >= this.#max) this.clear();
    const slot = hash & SMI_BITS;
    const key = buf.slice(start, end);
    const keyView = new DataView(key.buffer);
    const id = this.#entries.length;
    const e: SeriesRefEntry = { key, keyView, hash, labels, id, next: this.#byHash.get(slot) };
    this.#byHash.set(slot, e);
    this.#entries.push(e);
    if (id === this.#refs.length) {
      const grown = new Float64Array(2 * id);
      grown.set(this.#refs);
      this.#refs = grown;
    }
    this.#refs[id] = ref;
    this.#size++;
    return e;
  }

  /** Forgets every entry (as when the storage's series were dropped). */
  clear(): void {
    this.#byHash.clear();
    this.#buf = undefined;
    this.#size = 0;
    this.#refs.fill(0, 0, this.#entries.length);
    this.#entries = [];
    this.#epoch++;
  }
}
