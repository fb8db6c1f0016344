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

/** Points copied between two looks at the clock when a large series grows. */
const pointsPerCopy = 1 << 20;

/**
 * Makes room in `s` for `extra` more points before a synchronous block appends them, so that
 * appending never copies a large series at once: past a million points the arrays are copied in
 * chunks, pausing between them. Grows by doubling, as `Series.push` does.
 */
export async function makeRoom(ev: Pausable, s: Series, extra: number): Promise<void> {
  const need = s.length + extra;
  const cap = s.ts.length;
  if (need <= cap) return;
  const n = s.length;
  if (n <= pointsPerCopy) {
    s.reserve(Math.max(need, cap * 2));
    return;
  }
  const size = Math.max(need, cap * 2);
  const ts = new Float64Array(size);
  const vs = new Float64Array(size);
  for (let i = 0; i < n; i += pointsPerCopy) {
    const to = Math.min(n, i + pointsPerCopy);
    ts.set(s.ts.subarray(i, to), i);
    vs.set(s.vs.subarray(i, to), i);
    if (ev.due()) await ev.pause();
  }
  // Nothing appended to `s` meanwhile: its only writer is the caller, waiting for this.
  s.ts = ts;
  s.vs = vs;
}
