// A QueueClock whose time moves only when a test says so: sleeps resolve on `advance`, so tests of
// deadlines and backoff need no real waiting and no timing luck.
import type { QueueClock } from '../queue-clock.js';

interface PendingSleep {
  until: number;
  ms: number;
  resolve: () => void;
}

/** Manual time for a queue. `sleeps` lists every sleep requested, in order (ms). */
export class FakeClock implements QueueClock {
  #now: number;
  readonly #pending: PendingSleep[] = [];
  readonly sleeps: number[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const p: PendingSleep = { until: this.#now + ms, ms, resolve };
      this.#pending.push(p);
      signal.addEventListener(
        'abort',
        () => {
          const i = this.#pending.indexOf(p);
          if (i >= 0) this.#pending.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Durations (ms) of the sleeps still pending. */
  pending(): number[] {
    return this.#pending.map((p) => p.ms);
  }

  /** Moves time forward by `ms`, waking the sleeps that end by then. */
  advance(ms: number): void {
    this.#now += ms;
    for (let i = 0; i < this.#pending.length; ) {
      const p = this.#pending[i]!;
      if (p.until <= this.#now) {
        this.#pending.splice(i, 1);
        p.resolve();
      } else i++;
    }
  }
}
