// Cooperative time slicing: long jobs on the event loop (WAL replay, checkpoints, big commits,
// truncation, selects of many series) run in slices of a few milliseconds and give the event loop
// back between them, so that scrapes, queries, timers and I/O callbacks never wait for more than
// about a slice. Needs nothing from Node (the in-memory head runs in a browser).

/** Default length of a slice in ms: well under the 50 ms a job may hold the event loop. */
export const DEFAULT_SLICE_MS = 10;

/**
 * Length of a slice of a big commit (logging and applying it), in ms. Shorter than the default: a
 * commit creating many series allocates objects that all stay (series, index entries, open
 * chunks), so each young-generation collection while it runs copies a full young generation
 * (pauses of 30-45 ms on a quiet machine), and such a pause adds to the slice it lands in.
 */
export const COMMIT_SLICE_MS = 4;

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
 * Tells a long synchronous job when it has held the event loop for a slice (`due()`), and gives
 * the loop a turn (`yield()`). `due()` reads the clock: check it every few hundred or thousand
 * units of work, not on each.
 */
export class TimeSlicer {
  readonly sliceMs: number;
  #sliceStart = performance.now();
  /** Turns given to the event loop so far. */
  yields = 0;

  constructor(sliceMs = DEFAULT_SLICE_MS) {
    this.sliceMs = sliceMs;
  }

  /** Whether the current slice is used up. */
  due(): boolean {
    return performance.now() - this.#sliceStart >= this.sliceMs;
  }

  /** Gives the event loop a turn and starts a new slice. */
  async yield(): Promise<void> {
    await yieldToLoop();
    this.yields++;
    this.#sliceStart = performance.now();
  }

  /** `yield()` if the slice is used up. */
  async maybeYield(): Promise<void> {
    if (this.due()) await this.yield();
  }
}
