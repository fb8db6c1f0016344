// Cooperative time slicing: long housekeeping (checkpoints, big commits, truncation) runs in
// slices and gives the event loop back between them, so that scrapes, queries and I/O callbacks
// never wait for more than about a slice. Needs nothing from Node (the in-memory head runs in a
// browser).

/** Default length of a slice, ms: well under the 50 ms stall the TSDB aims never to exceed. */
export const defaultSliceMs = 8;

const hasSetImmediate = typeof setImmediate === 'function';

/**
 * Resolves on a later turn of the event loop, after pending I/O callbacks and timers could run:
 * `setImmediate` in Node, a zero-delay timer elsewhere.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (hasSetImmediate) setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Tells a long loop when its slice is used up. `due()` reads the clock, so call it every few
 * hundred cheap items rather than on each; `yield()` gives the loop back and starts a new slice.
 */
export class TimeSlicer {
  readonly #budgetMs: number;
  #start = performance.now();
  /** Slices given back so far (for tests and statistics). */
  yields = 0;

  constructor(budgetMs = defaultSliceMs) {
    this.#budgetMs = budgetMs;
  }

  /** Whether the current slice has used its budget. */
  due(): boolean {
    return performance.now() - this.#start >= this.#budgetMs;
  }

  /** Gives the event loop back and starts a new slice. */
  async yield(): Promise<void> {
    this.yields++;
    await yieldToLoop();
    this.#start = performance.now();
  }

  /** Yields if the slice is used up. */
  async maybeYield(): Promise<void> {
    if (this.due()) await this.yield();
  }
}
