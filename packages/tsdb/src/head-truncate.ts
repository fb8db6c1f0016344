// Prometheus: tsdb/head.go Head.truncateMemory and Head.gc: drop the chunks that end before a
// time, then the series left empty. One implementation, run to the end at once (`truncateSync`) or
// in slices with the event loop free between them (`truncateSliced`, for heads of many series).
import type { MemPostings } from './mem-postings.js';
import { countSamples, type SeriesColumns, seriesMinTime } from './mem-series.js';
import type { StripeSeries } from './stripe-series.js';
import { TimeSlicer } from './time-slicer.js';
import type { MemTombstones } from './tombstones.js';

/** What truncation reads and changes of a head. */
export interface TruncationTarget {
  /** Samples older than this are out of bounds; raised to the truncation time. */
  minValidTime: number;
  readonly series: StripeSeries;
  readonly columns: SeriesColumns;
  readonly postings: MemPostings;
  readonly tombstones: MemTombstones;
  readonly counters: { minTime: number; numSamples: number; seriesRemoved: number };
}

/** Series visited between two steps of `truncateSteps`. */
const seriesPerStep = 256;

/**
 * Drops the data before `mint` (ms) from `head`: chunks that end before it (out-of-order chunks
 * too, unless `keepOOO`), then the series left empty with no uncommitted samples (removed from the
 * index, their tombstones with them). Yields after every few hundred series; between steps,
 * commits may change the series: a series is removed only if it is still empty and uncommitted to
 * when the scan is over, and the sample count is lowered by what was dropped rather than
 * recounted. Returns the refs of the series removed.
 */
export function* truncateSteps(
  head: TruncationTarget,
  mint: number,
  keepOOO = false,
): Generator<void, Set<number>, void> {
  if (mint > head.minValidTime) head.minValidTime = mint;
  const c = head.counters;
  const minTimeBefore = c.minTime;
  const candidates: number[] = [];
  const affected = new Set<string>();
  let dropped = 0;
  let minTime = Infinity;
  let visited = 0;
  for (const s of head.series.values()) {
    if (++visited % seriesPerStep === 0) yield;
    const before = countSamples(s);
    s.truncateBefore(mint, keepOOO);
    const left = countSamples(s);
    dropped += before - left;
    if (s.isEmpty() && s.pendingCommits === 0) {
      candidates.push(s.ref);
      s.labels.forEach((n, v) => {
        affected.add(`${n}\xff${v}`);
      });
      continue;
    }
    const t = seriesMinTime(s);
    if (t < minTime) minTime = t;
  }
  // The removal in one step, each series checked again: a commit since the scan may have filled it.
  const removed = new Set<number>();
  for (const ref of candidates) {
    const s = head.series.getByRef(ref);
    if (s === undefined || !s.isEmpty() || s.pendingCommits !== 0) {
      if (s !== undefined) {
        const t = seriesMinTime(s);
        if (t < minTime) minTime = t;
      }
      continue;
    }
    removed.add(ref);
    head.series.delete(s);
    head.columns.free(s.columnOffset);
  }
  if (removed.size > 0) head.postings.delete(removed, affected);
  // Prometheus Head.gc: tombstones of removed series and those ending before mint go.
  head.tombstones.deleteTombstones(removed);
  head.tombstones.truncateBefore(mint);
  c.seriesRemoved += removed.size;
  c.numSamples -= dropped;
  // Truncation only raises the minimum; a commit between steps may have lowered it since.
  c.minTime = c.minTime < minTimeBefore ? Math.min(c.minTime, minTime) : minTime;
  return removed;
}

/** Runs `truncateSteps` to the end at once. */
export function truncateSync(head: TruncationTarget, mint: number): Set<number> {
  const steps = truncateSteps(head, mint);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/**
 * Runs `truncateSteps` in slices of `sliceMs`, giving the event loop a turn between them. With
 * `keepOOO`, out-of-order chunks stay (the out-of-order compaction drops them).
 */
export async function truncateSliced(
  head: TruncationTarget,
  mint: number,
  sliceMs?: number,
  keepOOO = false,
): Promise<Set<number>> {
  const slicer = new TimeSlicer(sliceMs);
  const steps = truncateSteps(head, mint, keepOOO);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    if (slicer.due()) await slicer.yield();
  }
}
