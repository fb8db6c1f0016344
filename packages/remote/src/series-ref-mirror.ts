// A receive worker's copy of the main thread's SeriesRefCache keys (series-ref-cache.ts): label
// bytes → the cache's id for them. The worker resolves each scanned series against it (hash, then
// the bytes compared), so that the main thread finds a series seen before by its id, an array
// index, instead of hashing into a map and comparing its label bytes again. The main thread sends
// what it added since (SeriesRefLesson) with each job; an id is only good in its cache's epoch.
import type { ScannedV1 } from './receive-v1-scan.js';
import type { SeriesRefLesson } from './series-ref-cache.js';

/** The low 30 bits of a hash (a small integer key), as SeriesRefCache keys its map. */
const SMI_BITS = 0x3fffffff;

interface MirrorEntry {
  readonly keys: Uint8Array;
  readonly view: DataView;
  readonly start: number;
  readonly end: number;
  readonly id: number;
  readonly next: MirrorEntry | undefined;
}

/** Label bytes → SeriesRefCache id, for the cache's current epoch as last learnt. */
export class SeriesRefMirror {
  #epoch = -1;
  readonly #byHash = new Map<number, MirrorEntry>();

  /** The epoch the ids are of (-1 before any lesson). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Takes the cache's new entries (a lesson of another epoch starts over). */
  learn(l: SeriesRefLesson): void {
    if (l.epoch !== this.#epoch) {
      this.#byHash.clear();
      this.#epoch = l.epoch;
    }
    const keys = l.keys;
    const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
    let start = 0;
    for (let k = 0; k < l.hashes.length; k++) {
      const end = l.ends[k]!;
      const slot = l.hashes[k]! & SMI_BITS;
      this.#byHash.set(slot, { keys, view, start, end, id: l.from + k, next: this.#byHash.get(slot) });
      start = end;
    }
  }

  /** The id of each scanned series of `buf` (-1: not learnt). */
  resolve(buf: Uint8Array, scan: ScannedV1): Int32Array {
    const ids = new Int32Array(scan.series);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const labels = scan.labels;
    const hashes = scan.hashes;
    for (let i = 0; i < scan.series; i++) {
      let id = -1;
      const start = labels[2 * i]!;
      const end = labels[2 * i + 1]!;
      for (let e = this.#byHash.get(hashes[i]! & SMI_BITS); e !== undefined; e = e.next) {
        if (same(e, buf, view, start, end)) {
          id = e.id;
          break;
        }
      }
      ids[i] = id;
    }
    return ids;
  }
}

/** Whether `e`'s bytes equal `buf[start, end)` (`view` over `buf`): four bytes at a time, then bytes. */
function same(e: MirrorEntry, buf: Uint8Array, view: DataView, start: number, end: number): boolean {
  const n = e.end - e.start;
  if (n !== end - start) return false;
  const kv = e.view;
  const ks = e.start;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (kv.getInt32(ks + i) !== view.getInt32(start + i)) return false;
  const keys = e.keys;
  for (; i < n; i++) if (keys[ks + i] !== buf[start + i]) return false;
  return true;
}
