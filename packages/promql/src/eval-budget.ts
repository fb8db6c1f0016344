// Cooperative scheduling of one query's evaluation: it runs in slices and lets the event loop run
// between them, so that timers, I/O, other queries and the abort of this one are not held up.
import { QueryCanceledError, QueryTimeoutError } from './errors.js';
import { nextMacrotask } from './macrotask.js';

/** How long evaluation runs before it lets the event loop run (ms). */
export const defaultSliceMs = 5;

/**
 * The time budget of one query's evaluation. Loops call {@link due} between pieces of work of a
 * few microseconds at least (a series, a block of steps; never a sample) and, when it says so,
 * await {@link pause}, which yields the event loop and throws once the query is cancelled or out of
 * time. Not safe for concurrent use: one evaluation at a time owns it.
 */
export class EvalBudget {
  #sliceEnd: number;

  /**
   * @param deadline `performance.now()` value at which the query times out (Infinity for none).
   * @param signal aborts the query.
   * @param sliceMs how long a slice of evaluation runs before yielding.
   */
  constructor(
    readonly deadline: number,
    readonly signal: AbortSignal | undefined,
    readonly sliceMs = defaultSliceMs,
  ) {
    this.#sliceEnd = Math.min(performance.now() + sliceMs, deadline);
  }

  /** True when the current slice is spent (or the deadline passed): the caller awaits pause(). */
  due(): boolean {
    return performance.now() >= this.#sliceEnd;
  }

  /**
   * Throws QueryCanceledError or QueryTimeoutError when the query must stop; else lets the event
   * loop run once (the abort of this query among what runs) and starts a new slice.
   */
  async pause(where = 'expression evaluation'): Promise<void> {
    this.check(where);
    await nextMacrotask();
    this.check(where);
    this.#sliceEnd = Math.min(performance.now() + this.sliceMs, this.deadline);
  }

  /** Throws when the query was cancelled or ran out of time. */
  check(where = 'expression evaluation'): void {
    if (this.signal?.aborted) throw new QueryCanceledError(where);
    if (performance.now() >= this.deadline) throw new QueryTimeoutError(where);
  }
}
