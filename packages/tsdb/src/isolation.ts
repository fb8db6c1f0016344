// Prometheus: tsdb/isolation.go isolation, isolationState
// Appends are buffered in the appender and applied to the series at commit. A big commit is
// applied in time slices (the event loop stays free), so a reader may open while a commit is half
// applied: it must see none of it. Commits are applied one at a time (`lockCommits`), each under an
// increasing id; a reader sees the commits with an id up to its `maxCommitId`, which leaves out the
// commit being applied. While any reader is open, every series touched by a commit logs (commit id,
// samples appended before it), so a reader with id X sees, per series, the samples appended before
// the first commit with id > X. A reader opening in the middle of a commit makes it log, at once,
// the series it had already touched (`beginCommit`'s `onRead`).

/** The state a reader captured when it opened: it sees commits with id <= `maxCommitId`. */
export interface IsolationState {
  readonly maxCommitId: number;
}

/** Hands out commit ids, orders commits, and tracks open readers. */
export class Isolation {
  #lastCommitId = 0;
  readonly #readers = new Map<IsolationState, true>();
  // Settles when the commit holding the lock releases it; the next one waits on it.
  #lockTail: Promise<void> = Promise.resolve();
  // The commit being applied (0: none), and what to do when a reader opens meanwhile.
  #applying = 0;
  #onRead: (() => void) | undefined;
  #scratch = new Float64Array(0);

  /** Whether any reader is open: only then do series need to log commits. */
  get hasReaders(): boolean {
    return this.#readers.size > 0;
  }

  /** The id of the latest commit (applied or being applied). */
  get lastCommitId(): number {
    return this.#lastCommitId;
  }

  /**
   * Waits until the commits that asked before have released the lock, then holds it: commits are
   * logged and applied one at a time, in the order they asked. Call the returned function once,
   * when done (also on failure), to let the next one in.
   */
  async lockCommits(): Promise<() => void> {
    const before = this.#lockTail;
    let release!: () => void;
    this.#lockTail = new Promise((resolve) => {
      release = resolve;
    });
    await before;
    return release;
  }

  /**
   * Starts applying a commit (the caller holds `lockCommits`) and returns its id. Until
   * `endCommit`, readers that open do not see it, and each opening calls `onRead` synchronously,
   * after registering the reader: the commit must then log the series it has touched so far.
   */
  beginCommit(onRead: () => void): number {
    this.#applying = ++this.#lastCommitId;
    this.#onRead = onRead;
    return this.#applying;
  }

  /**
   * A buffer of at least `n` doubles for the commit being applied (commits apply one at a time),
   * kept from commit to commit so that a big commit allocates nothing per run. Valid until
   * `endCommit`; its contents are left over from earlier commits.
   */
  commitScratch(n: number): Float64Array {
    if (this.#scratch.length < n) this.#scratch = new Float64Array(Math.max(n, this.#scratch.length * 2));
    return this.#scratch;
  }

  /** Ends the commit `beginCommit` started: readers opened from now on see it. */
  endCommit(id: number): void {
    if (this.#applying !== id) throw new Error(`isolation: commit ${id} is not the one being applied`);
    this.#applying = 0;
    this.#onRead = undefined;
  }

  /**
   * Opens a reader that sees every commit applied so far (not one being applied). Close it with
   * `closeRead`.
   */
  startRead(): IsolationState {
    const applying = this.#applying;
    const s: IsolationState = { maxCommitId: applying !== 0 ? applying - 1 : this.#lastCommitId };
    this.#readers.set(s, true);
    this.#onRead?.();
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
