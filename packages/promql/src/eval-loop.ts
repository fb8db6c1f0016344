// Loops of the evaluation that let the event loop run: the work is done by synchronous functions
// over blocks (V8 optimizes hot loops in plain functions, not in async ones), and between blocks
// the loop looks at the clock and pauses when its slice is spent.
import type { Series } from './value.js';

/** What a loop needs of the evaluation: its time budget. */
export interface Pausable {
  /** True when the slice is spent: the caller then awaits pause(). Reads the clock. */
  due(): boolean;
  /**
   * Throws when the query is cancelled or timed out (naming `where`, by default the expression
   * evaluation); else lets the event loop run.
   */
  pause(where?: string): Promise<void>;
}

/** Units of work (points, or series × steps) done between two looks at the clock: ~0.1 ms. */
export const workPerCheck = 16_384;

/**
 * Calls `run(from, to)` over [0, n) in blocks of about `workPerCheck / width` items (`width`: the
 * work of one item), pausing between blocks when due.
 */
export async function inBlocks(
  ev: Pausable,
  n: number,
  width: number,
  run: (from: number, to: number) => void,
): Promise<void> {
  const block = Math.max(1, Math.floor(workPerCheck / Math.max(1, width)));
  for (let i = 0; i < n; ) {
    const to = Math.min(n, i + block);
    run(i, to);
    i = to;
    if (ev.due()) await ev.pause();
  }
}

/** Calls `run(s, from, to)` over the points of every series in blocks, pausing when due. */
export async function eachPointBlock(
  ev: Pausable,
  series: readonly Series[],
  run: (s: Series, from: number, to: number) => void,
): Promise<void> {
  for (const s of series) {
    const n = s.length;
    for (let i = 0; i < n; ) {
      const to = Math.min(n, i + workPerCheck);
      run(s, i, to);
      i = to;
      if (ev.due()) await ev.pause();
    }
  }
}

/** Calls `run(i)` for i in [0, n) (each a small piece of work: a series), pausing when due. */
export async function eachPaused(ev: Pausable, n: number, run: (i: number) => void): Promise<void> {
  for (let i = 0; i < n; i++) {
    run(i);
    if ((i & 63) === 63 && ev.due()) await ev.pause();
  }
}
