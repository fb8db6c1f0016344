// A receive worker's copy of the main thread's SeriesRefCache keys (series-ref-cache.ts): label
// bytes → the cache's id for them. The worker resolves each scanned series against it (the entry
// after the previous series' one, else by hash; the bytes compared), so that the main thread finds a series seen before by its id, an array
// index, instead of hashing into a map and comparing its label bytes again. The main thread sends
// what it added since (SeriesRefLesson) with each job; an id is only good in its cache's epoch.
import { hashBytes } from './hash-bytes.js';

/**
 * The entries a cache added since a receive worker last heard from it (learnt by a SeriesRefMirror): ids
 * from `from` on. Entry `from + k` has hash `hashes[k]` and label bytes `keys[ends[k-1], ends[k])`.
 * Sent to the worker (transferred): the cache keeps none of it.
 */
export interface SeriesRefLesson {
  readonly epoch: number;
  readonly from: number;
  readonly hashes: Uint32Array;
  readonly ends: Int32Array;
  readonly keys: Uint8Array;
}
/** The low 30 bits of a hash (a small integer key), as SeriesRefCache keys its map. */
const SMI_BITS = 0x3fffffff;

/** Label bytes → SeriesRefCache id, for the cache's current epoch as last learnt. */
export class SeriesRefMirror {
  #epoch = -1;
  /** Hash (low bits) → the newest entry with it; entries with the same bits are chained by `#next`. */
  readonly #byHash = new Map<number, number>();
  // The entries, by index: label bytes `#keys[k][#starts[k], #ends[k])` (`#views[k]` over them).
  #keys: Uint8Array[] = [];
  #views: DataView[] = [];
  #starts: number[] = [];
  #ends: number[] = [];
  #ids: number[] = [];
  #next: number[] = [];

  /** The epoch the ids are of (-1 before any lesson). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Takes the cache's new entries (a lesson of another epoch starts over). */
  learn(l: SeriesRefLesson): void {
    if (l.epoch !== this.#epoch) {
      this.#byHash.clear();
      this.#keys = [];
      this.#views = [];
      this.#starts = [];
      this.#ends = [];
      this.#ids = [];
      this.#next = [];
      this.#epoch = l.epoch;
    }
    const keys = l.keys;
    const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
    let start = 0;
    for (let k = 0; k < l.hashes.length; k++) {
      const end = l.ends[k]!;
      const slot = l.hashes[k]! & SMI_BITS;
      const at = this.#ids.length;
      this.#keys.push(keys);
      this.#views.push(view);
      this.#starts.push(start);
      this.#ends.push(end);
      this.#ids.push(l.from + k);
      this.#next.push(this.#byHash.get(slot) ?? -1);
      this.#byHash.set(slot, at);
      start = end;
    }
  }

  /**
   * The id of each of the `scan.series` series of `buf` (-1: not learnt): series `i` has label
   * bytes `buf[scan.labels[2i], scan.labels[2i+1])`. Series a request shares with an earlier one
   * mostly come in the order the cache learnt them (ids in a row): each series is first compared
   * with the entry after the previous series' one, and only hashed (and looked up by its hash)
   * when that is not it. With `hashed`, `scan.hashes` holds every series' hashBytes already;
   * without, the hash of each series looked up so is written to `scan.hashes[i]` (the others are
   * left as they are: 0 from scanUsualV1 unhashed).
   */
  resolve(
    buf: Uint8Array,
    scan: { readonly series: number; readonly labels: Int32Array; readonly hashes: Uint32Array },
    hashed = true,
  ): Int32Array {
    const ids = new Int32Array(scan.series);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const labels = scan.labels;
    const hashes = scan.hashes;
    const learnt = this.#ids.length;
    // The entry the previous series resolved to, and so the one expected next (+1).
    let prev = -2;
    for (let i = 0; i < scan.series; i++) {
      const start = labels[2 * i]!;
      const end = labels[2 * i + 1]!;
      let k = prev + 1;
      if (k < 0 || k >= learnt || !this.#same(k, buf, view, start, end)) {
        if (!hashed) hashes[i] = hashBytes(buf, start, end);
        const h = hashes[i]!;
        k = this.#byHash.get(h & SMI_BITS) ?? -1;
        while (k >= 0 && !this.#same(k, buf, view, start, end)) k = this.#next[k]!;
      }
      ids[i] = k >= 0 ? this.#ids[k]! : -1;
      prev = k >= 0 ? k : -2;
    }
    return ids;
  }

  /** Whether entry `k`'s bytes equal `buf[start, end)` (`view` over `buf`): four bytes at a time, then bytes. */
  #same(k: number, buf: Uint8Array, view: DataView, start: number, end: number): boolean {
    const ks = this.#starts[k]!;
    const n = this.#ends[k]! - ks;
    if (n !== end - start) return false;
    const kv = this.#views[k]!;
    let i = 0;
    for (; i + 4 <= n; i += 4) if (kv.getInt32(ks + i) !== view.getInt32(start + i)) return false;
    const keys = this.#keys[k]!;
    for (; i < n; i++) if (keys[ks + i] !== buf[start + i]) return false;
    return true;
  }
}
