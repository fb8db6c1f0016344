// Lets the event loop run between rules: many small queries each finish without a macrotask
// (their awaits resolve as microtasks), so a group of 1,000 of them would otherwise hold the loop
// for the whole evaluation.

/** How long a group evaluates before it lets other tasks run (ms). */
export const YIELD_EVERY_MS = 5;

interface TimerHost {
  setImmediate?: (cb: () => void) => unknown;
  setTimeout: (cb: () => void, ms: number) => unknown;
}

/** Resolves after the tasks queued before it ran: setImmediate where it exists, else setTimeout 0. */
export function yieldToEventLoop(): Promise<void> {
  const host = globalThis as unknown as TimerHost;
  if (typeof host.setImmediate === 'function') {
    const immediate = host.setImmediate;
    return new Promise<void>((resolve) => void immediate(resolve));
  }
  return new Promise<void>((resolve) => void host.setTimeout(resolve, 0));
}
