// The chunks a head select captured, of all its series in one table. A select of 100k series
// would otherwise make an object and four arrays per series, and a chunk object per chunk read
// from chunks_head/: tens of megabytes that all survive until the select's series are iterated,
// which the young-generation collector copies in pauses of tens of milliseconds.
import { chunkFromBytes } from '@tsprom/chunkenc';
import type { Chunk } from '@tsprom/storage-interfaces';

/**
 * Numbers kept per chunk: chunk-store ref, mint, maxt, seq of the first sample, and for a chunk
 * read ahead as bytes: the buffer's index in `#buffers`, start, end and encoding.
 */
const FIELDS = 8;

/**
 * Chunk k of a select: in memory, read ahead from the chunk store (kept as bytes, the Chunk made
 * each time it is asked for), or only a chunk-store ref; with its time range and the sequence
 * number of its first sample. Entries are only appended; a series' snapshot names its range.
 */
export class SnapshotChunks {
  /** The chunks in memory (undefined for a stored one). */
  readonly #chunks: (Chunk | undefined)[] = [];
  readonly #buffers: Uint8Array[] = [];
  #cols: Float64Array;
  #length = 0;
  /** Indices of the entries pushed as only a chunk-store ref, in push order. */
  #stored: Uint32Array;
  #storedLength = 0;

  /** `capacity`: the chunks expected (the table grows past it as needed). */
  constructor(capacity = 16) {
    this.#cols = new Float64Array(FIELDS * Math.max(1, capacity));
    this.#stored = new Uint32Array(Math.max(1, capacity));
  }

  /** The number of chunks held. */
  get length(): number {
    return this.#length;
  }

  /** Appends a chunk: in memory (`ref` 0) or stored under `ref` (`chunk` undefined). */
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
    cols[o + 4] = -1;
    this.#chunks.push(chunk);
    this.#length = k + 1;
    if (chunk === undefined && ref !== 0) {
      if (this.#storedLength === this.#stored.length) {
        const grown = new Uint32Array(this.#stored.length * 2);
        grown.set(this.#stored);
        this.#stored = grown;
      }
      this.#stored[this.#storedLength++] = k;
    }
  }

  /**
   * The indices of the entries pushed as only a chunk-store ref (a chunk `setBytes` may read
   * ahead), in push order: a view of the table's own list, valid until the next `push`.
   */
  storedEntries(): Uint32Array {
    return this.#stored.subarray(0, this.#storedLength);
  }

  /** Whether chunk `k` is only a chunk-store ref (neither in memory nor read ahead). */
  unread(k: number): boolean {
    return this.#chunks[k] === undefined && this.#cols[FIELDS * k + 4]! < 0;
  }

  /**
   * Keeps the data of stored chunk `k` read ahead: `bytes[start, end)` in `encoding`. `bytes` must
   * not change after (consecutive chunks usually share one buffer).
   */
  setBytes(k: number, encoding: number, bytes: Uint8Array, start: number, end: number): void {
    const bufs = this.#buffers;
    if (bufs.length === 0 || bufs[bufs.length - 1] !== bytes) bufs.push(bytes);
    const o = FIELDS * k;
    const cols = this.#cols;
    cols[o + 4] = bufs.length - 1;
    cols[o + 5] = start;
    cols[o + 6] = end;
    cols[o + 7] = encoding;
  }

  /**
   * Chunk `k` when it is in memory or was read ahead (a new Chunk over the bytes each call: short
   * lived, it costs the collector less than one kept for the whole select); undefined when it
   * must be read from the chunk store by `ref(k)`.
   */
  chunk(k: number): Chunk | undefined {
    const c = this.#chunks[k];
    if (c !== undefined) return c;
    const o = FIELDS * k;
    const cols = this.#cols;
    const b = cols[o + 4]!;
    if (b < 0) return undefined;
    try {
      return chunkFromBytes(cols[o + 7]!, this.#buffers[b]!.subarray(cols[o + 5]!, cols[o + 6]!), {
        validate: false,
      });
    } catch {
      return undefined; // An encoding this package cannot read: the store's `read` reports it.
    }
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
