// The chunks a head select captured, of all its series in one table. A select of 100k series
// would otherwise make an object and four arrays per series, ~75 MB that all survive until the
// select ends and that the young-generation collector copies in pauses of tens of milliseconds.
import type { Chunk } from '@tsprom/storage-interfaces';

/** Numbers kept per chunk: chunk-store ref, mint, maxt, seq of the first sample. */
const FIELDS = 4;

/**
 * Chunk k of a select: the chunk (in memory or read ahead), its chunk-store ref (0 for a chunk
 * that only lives in memory), its time range and the sequence number of its first sample. Entries
 * are only appended, and chunks set once read ahead; a series' snapshot names its range of them.
 */
export class SnapshotChunks {
  /** The chunk, or undefined for a stored chunk not read yet (see `ref`). */
  readonly chunks: (Chunk | undefined)[] = [];
  #cols: Float64Array;
  #length = 0;

  /** `capacity`: the chunks expected (the table grows past it as needed). */
  constructor(capacity = 16) {
    this.#cols = new Float64Array(FIELDS * Math.max(1, capacity));
  }

  /** The number of chunks held. */
  get length(): number {
    return this.#length;
  }

  /** Appends a chunk: in memory (`ref` 0) or stored under `ref` (`chunk` undefined until read). */
  push(chunk: Chunk | undefined, ref: number, mint: number, maxt: number, firstSeq: number): void {
    const k = this.#length;
    if (FIELDS * (k + 1) > this.#cols.length) {
      const grown = new Float64Array(this.#cols.length * 2);
      grown.set(this.#cols);
      this.#cols = grown;
    }
    const cols = this.#cols;
    const o = FIELDS * k;
    cols[o] = ref;
    cols[o + 1] = mint;
    cols[o + 2] = maxt;
    cols[o + 3] = firstSeq;
    this.chunks.push(chunk);
    this.#length = k + 1;
  }

  /** The chunk-store ref of chunk `k`; 0 when it only lives in memory. */
  ref(k: number): number {
    return this.#cols[FIELDS * k]!;
  }

  mint(k: number): number {
    return this.#cols[FIELDS * k + 1]!;
  }

  maxt(k: number): number {
    return this.#cols[FIELDS * k + 2]!;
  }

  /** The sequence number (within its series) of the first sample of chunk `k`. */
  firstSeq(k: number): number {
    return this.#cols[FIELDS * k + 3]!;
  }
}
