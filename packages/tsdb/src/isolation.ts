// Prometheus: tsdb/isolation.go isolation, isolationState
// Appends are buffered in the appender and applied to the series at commit. A big commit is
// applied in time slices (the event loop stays free), so a reader may open while a commit is half
// applied: it must see none of it. Commits are applied one at a time (`lockCommits`), each under an
// increasing id; a reader sees the commits with an id up to its `maxCommitId`, which leaves out the
// commit being applied. While any reader is open, every series touched by a commit logs (commit id,
// samples appended before it), so a reader with id X sees, per series, the samples appended before
// the first commit with id > X. A reader opening in the middle of a commit makes it log, at once,
// the series it had already touched (`beginCommit`'s `onRead`).

/**
 * The state a reader captured when it opened: it sees commits with id <= `maxCommitId`, and reads
 * the times in [mint, maxt] (ms; what head truncation waits for, see `waitUntil`).
 */
export interface IsolationState {
  readonly maxCommitId: number;
  readonly mint: number;
  readonly maxt: number;
}

/** A wait of `waitUntil`: settled once `done()` holds, checked when a reader or appender closes. */
interface Waiter {
  done(): boolean;
  resolve(): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
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
  /** Open appenders holding samples, by token, with their minimum valid time (ms). */
  readonly #appenders = new Map<object, number>();
  readonly #waiters = new Set<Waiter>();

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
  startRead(mint = -Infinity, maxt = Infinity): IsolationState {
    const applying = this.#applying;
    const s: IsolationState = { maxCommitId: applying !== 0 ? applying - 1 : this.#lastCommitId, mint, maxt };
    this.#readers.set(s, true);
    this.#onRead?.();
    return s;
  }

  /** Closes a reader opened by `startRead`. Idempotent. */
  closeRead(s: IsolationState): void {
    if (this.#readers.delete(s)) this.#wake();
  }

  /**
   * Prometheus: isolation.newAppendID (its minTime). Registers an appender that holds samples and
   * may commit in-order samples at or after `minTime` (ms), until `closeAppend`.
   */
  openAppend(token: object, minTime: number): void {
    this.#appenders.set(token, minTime);
  }

  /** Prometheus: isolation.closeAppend. The appender committed or rolled back. Idempotent. */
  closeAppend(token: object): void {
    if (this.#appenders.delete(token)) this.#wake();
  }

  /** Prometheus: isolation.lowestAppendTime. Smallest minTime of the open appenders (Infinity: none). */
  lowestAppendTime(): number {
    let low = Infinity;
    for (const t of this.#appenders.values()) if (t < low) low = t;
    return low;
  }

  /** The readers open now that read some time in [mint, maxt] (ms). */
  readersInRange(mint: number, maxt: number): IsolationState[] {
    const out: IsolationState[] = [];
    for (const s of this.#readers.keys()) if (s.mint <= maxt && mint <= s.maxt) out.push(s);
    return out;
  }

  /** Whether the reader `s` is still open. */
  isOpen(s: IsolationState): boolean {
    return this.#readers.has(s);
  }

  /**
   * Resolves once `done()` holds, checking it now and whenever a reader or an appender closes (no
   * polling; the event loop stays free meanwhile). Rejects with the signal's reason on abort.
   */
  waitUntil(done: () => boolean, signal?: AbortSignal): Promise<void> {
    if (done()) return Promise.resolve();
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        done,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#waiters.delete(w);
          reject(signal!.reason);
        },
      };
      this.#waiters.add(w);
      signal?.addEventListener('abort', w.onAbort, { once: true });
    });
  }

  #wake(): void {
    if (this.#waiters.size === 0) return;
    for (const w of [...this.#waiters]) {
      let ok: boolean;
      try {
        ok = w.done();
      } catch (err) {
        this.#waiters.delete(w);
        w.signal?.removeEventListener('abort', w.onAbort);
        w.reject(err);
        continue;
      }
      if (!ok) continue;
      this.#waiters.delete(w);
      w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }

  /** The lowest commit id some open reader may not see past: log entries at or below it are dead. */
  lowWatermark(): number {
    let low = this.#lastCommitId;
    for (const s of this.#readers.keys()) if (s.maxCommitId < low) low = s.maxCommitId;
    return low;
  }
}
