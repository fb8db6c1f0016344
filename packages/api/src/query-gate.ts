// Prometheus: promql/query_logger.go ActiveQueryTracker's concurrency limit
// (`--query.max-concurrency`): queries past the limit wait in arrival order.

/** Lets at most `max` holders in at once; the others wait, first come first served. */
export class QueryGate {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max > 0 ? max : Number.POSITIVE_INFINITY;
  }

  /** Queries running now. */
  get active(): number {
    return this.#active;
  }

  /** Queries waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a slot; resolves with its release function. Rejects with `signal.reason` if the
   * signal aborts first (the slot is then never taken).
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        resolve(this.#releaser());
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(grant);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#active--;
      this.#waiting.shift()?.();
    };
  }
}
