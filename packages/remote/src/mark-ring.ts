// Which WAL records have been fully sent. Every samples record handed to a queue gets a mark (a
// sequence number); each queued sample carries its record's mark, and the mark's pending count
// drops as batches finish. The committed position is the end of the last record whose samples,
// and those of every record before it, are all sent (or dropped for good): what a restarted
// sender resumes after. Columns in typed arrays: one entry per record, touched once per sample.
import type { WalPosition } from './wal-watcher.js';

/** Acknowledgement bookkeeping of WAL records in send order. Not safe across threads. */
export class MarkRing {
  #segments = new Float64Array(256);
  #offsets = new Float64Array(256);
  #pending = new Int32Array(256);
  /** Sequence number of entry 0 of the arrays. */
  #base = 0;
  /** Next sequence number to hand out; entries [#head, #next) are open. */
  #next = 0;
  #head = 0;
  #committed: WalPosition | undefined;

  constructor(committed?: WalPosition) {
    this.#committed = committed;
  }

  /** The last fully sent position, or the one given at construction. */
  get committed(): WalPosition | undefined {
    return this.#committed;
  }

  /** Records not fully sent yet. */
  get open(): number {
    return this.#next - this.#head;
  }

  /** Opens a record ending at `pos` with one guard reference (dropped by `release`); returns its mark. */
  begin(pos: WalPosition): number {
    let i = this.#next - this.#base;
    if (i === this.#pending.length) {
      this.#compact();
      i = this.#next - this.#base;
    }
    this.#segments[i] = pos.segment;
    this.#offsets[i] = pos.offset;
    this.#pending[i] = 1;
    return this.#next++;
  }

  /** Adds `n` pending samples to record `mark`. */
  retain(mark: number, n = 1): void {
    this.#pending[mark - this.#base]! += n;
  }

  /** Drops one pending sample (or the guard) of record `mark`; advances the committed position. */
  release(mark: number): void {
    const i = mark - this.#base;
    if (--this.#pending[i]! !== 0 || mark !== this.#head) return;
    let h = this.#head;
    while (h < this.#next && this.#pending[h - this.#base] === 0) h++;
    const last = h - 1 - this.#base;
    this.#committed = { segment: this.#segments[last]!, offset: this.#offsets[last]! };
    this.#head = h;
  }

  #compact(): void {
    const drop = this.#head - this.#base;
    const live = this.#next - this.#head;
    if (drop >= this.#pending.length / 2) {
      this.#segments.copyWithin(0, drop, drop + live);
      this.#offsets.copyWithin(0, drop, drop + live);
      this.#pending.copyWithin(0, drop, drop + live);
      this.#base = this.#head;
      return;
    }
    const cap = this.#pending.length * 2;
    const s = new Float64Array(cap);
    const o = new Float64Array(cap);
    const p = new Int32Array(cap);
    s.set(this.#segments.subarray(drop, drop + live));
    o.set(this.#offsets.subarray(drop, drop + live));
    p.set(this.#pending.subarray(drop, drop + live));
    this.#segments = s;
    this.#offsets = o;
    this.#pending = p;
    this.#base = this.#head;
  }
}
