// Cooperative scheduling for long jobs on the event loop (WAL replay): run in slices of a few
// milliseconds and let timers and I/O run between them.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Default length of a slice in ms: well under the 50 ms a job may hold the event loop. */
export const DEFAULT_SLICE_MS = 10;

/**
 * Tells a long synchronous job when it has held the event loop for a slice (`due()`), and gives
 * the loop a turn (`yield()`, a `setImmediate`: pending I/O callbacks and timers run first).
 * Check `due()` every few thousand units of work: it reads the clock.
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
    await nextTurn();
    this.yields++;
    this.#sliceStart = performance.now();
  }

  /** `yield()` if the slice is used up. */
  async maybeYield(): Promise<void> {
    if (this.due()) await this.yield();
  }
}
