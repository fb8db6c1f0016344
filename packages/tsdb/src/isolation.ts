// Prometheus: tsdb/isolation.go isolation, isolationState
// Appends are buffered in the appender and applied to the series in one synchronous step at
// commit, so no reader ever sees half a commit. What remains is snapshot isolation: a querier must
// not see commits made after it was opened. Each commit gets an increasing id; while any reader is
// open, every series touched by a commit logs (commit id, samples appended before it), so a reader
// with id X sees, per series, the samples appended before the first commit with id > X.

/** The state a reader captured when it opened: it sees commits with id <= `maxCommitId`. */
export interface IsolationState {
  readonly maxCommitId: number;
}

/** Hands out commit ids and tracks open readers. */
export class Isolation {
  #lastCommitId = 0;
  readonly #readers = new Map<IsolationState, true>();

  /** Whether any reader is open: only then do series need to log commits. */
  get hasReaders(): boolean {
    return this.#readers.size > 0;
  }

  /** The id of the latest commit. */
  get lastCommitId(): number {
    return this.#lastCommitId;
  }

  /** The id for a new commit. */
  nextCommitId(): number {
    return ++this.#lastCommitId;
  }

  /** Opens a reader that sees every commit made so far. Close it with `closeRead`. */
  startRead(): IsolationState {
    const s: IsolationState = { maxCommitId: this.#lastCommitId };
    this.#readers.set(s, true);
    return s;
  }

  /** Closes a reader opened by `startRead`. Idempotent. */
  closeRead(s: IsolationState): void {
    this.#readers.delete(s);
  }

  /** The lowest commit id some open reader may not see past: log entries at or below it are dead. */
  lowWatermark(): number {
    let low = this.#lastCommitId;
    for (const s of this.#readers.keys()) if (s.maxCommitId < low) low = s.maxCommitId;
    return low;
  }
}
