// The clock rule groups run on. Injectable, so that tests move time without sleeping.

/** A wall clock and sleeps on it. */
export interface Scheduler {
  /** Now, in ms since the epoch. */
  now(): number;
  /**
   * Resolves true once the clock reaches `tMs` (at once when it is past), or false as soon as
   * `signal` aborts. Must not keep the process alive by itself (unref'd timers). The signal names
   * the sleeping task: once woken, a task sleeps again with the same signal or aborts it when it
   * ends, so that a test scheduler knows when all woken work is done.
   */
  sleepUntil(tMs: number, signal: AbortSignal): Promise<boolean>;
}

// setTimeout's longest delay (a 32-bit signed ms count); longer sleeps wake up and sleep again.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The system clock (Date.now) and unref'd timers. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  sleepUntil(tMs, signal) {
    return new Promise<boolean>((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(false);
      };
      const arm = () => {
        const delay = tMs - Date.now();
        if (delay <= 0) {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
          return;
        }
        timer = setTimeout(arm, Math.min(delay, MAX_TIMEOUT_MS));
        // Rule evaluation alone must not keep a process (or a test runner) alive.
        (timer as { unref?: () => void }).unref?.();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};
