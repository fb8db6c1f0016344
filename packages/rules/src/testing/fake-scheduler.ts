// A scheduler whose clock moves only when a test says so. `advance` wakes the sleepers that are
// due, in time order, and waits until each woken loop sleeps again or ends before going on, so a
// test sees the state after every evaluation the elapsed time implies, without sleeping.
import type { Scheduler } from '../scheduler.js';

interface Sleeper {
  readonly t: number;
  readonly signal: AbortSignal;
  readonly resolve: (ok: boolean) => void;
}

export class FakeScheduler implements Scheduler {
  #now: number;
  #sleepers: Sleeper[] = [];
  // Signals of loops woken and not yet asleep again; a loop is identified by its abort signal.
  readonly #busy = new Set<AbortSignal>();

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleepUntil(tMs: number, signal: AbortSignal): Promise<boolean> {
    this.#busy.delete(signal);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((x) => x !== s);
        resolve(false);
      };
      const s: Sleeper = {
        t: tMs,
        signal,
        resolve: (ok) => {
          signal.removeEventListener('abort', onAbort);
          resolve(ok);
        },
      };
      this.#sleepers.push(s);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves the clock forward by `ms`, running every loop that wakes up on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await this.settle();
      let next: Sleeper | undefined;
      for (const s of this.#sleepers) if (s.t <= target && (next === undefined || s.t < next.t)) next = s;
      if (next === undefined) break;
      if (next.t > this.#now) this.#now = next.t;
      this.#sleepers = this.#sleepers.filter((x) => x !== next);
      this.#busy.add(next.signal);
      next.resolve(true);
    }
    if (target > this.#now) this.#now = target;
  }

  /** Moves the clock without waking anyone (time spent inside a task, such as a slow query). */
  jump(ms: number): void {
    this.#now += ms;
  }

  /** Waits until every woken loop is asleep again or has stopped (its signal aborted). */
  async settle(): Promise<void> {
    for (let i = 0; ; i++) {
      for (const s of this.#busy) if (s.aborted) this.#busy.delete(s);
      if (this.#busy.size === 0 && i > 2) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** How many loops are sleeping. */
  get sleeping(): number {
    return this.#sleepers.length;
  }
}
