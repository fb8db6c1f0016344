// The time sources of a queue, injectable so that tests of batching deadlines, backoff and
// resharding advance time themselves instead of waiting on real timers.
import { setTimeout as timersSleep } from 'node:timers/promises';

/** Wall clock (ms since epoch) and a cancellable sleep. */
export interface QueueClock {
  now(): number;
  /** Resolves after `ms`; rejects (AbortError) when `signal` aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Real time. */
export const realClock: QueueClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => timersSleep(ms, undefined, { signal }),
};

/**
 * Waits for a wake-up or a timeout, whichever comes first: one per shard, so that a full batch
 * sends at once and a partial one at the batch deadline.
 */
export class Waker {
  #resolve: (() => void) | undefined;
  #woken = false;
  readonly #clock: QueueClock;

  constructor(clock: QueueClock) {
    this.#clock = clock;
  }

  /** Wakes the current (or next) wait. */
  wake(): void {
    this.#woken = true;
    const r = this.#resolve;
    this.#resolve = undefined;
    r?.();
  }

  /** Resolves true when `ms` passed without a wake-up, false when woken or `signal` aborted. */
  async wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.#woken || signal.aborted) {
      this.#woken = false;
      return false;
    }
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const woken = new Promise<false>((res) => {
      this.#resolve = () => res(false);
    });
    const timeout = this.#clock.sleep(ms, ac.signal).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([woken, timeout]);
    } finally {
      this.#woken = false;
      this.#resolve = undefined;
      ac.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }
}
