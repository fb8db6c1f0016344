// Prometheus: tsdb/tombstones/tombstones.go Interval, Intervals, MemTombstones
import type { Stone, TimeInterval } from './record/ref-types.js';

/**
 * Prometheus: Interval.InBounds. Whether `t` (ms) lies in the inclusive interval `iv`.
 */
export function intervalContains(iv: TimeInterval, t: number): boolean {
  return t >= iv.mint && t <= iv.maxt;
}

/**
 * Prometheus: Interval.IsSubrange. Whether the inclusive range [mint, maxt] lies entirely inside
 * one of the (sorted, merged) intervals `ivs`.
 */
export function isSubrange(mint: number, maxt: number, ivs: readonly TimeInterval[]): boolean {
  for (const iv of ivs) if (mint >= iv.mint && maxt <= iv.maxt) return true;
  return false;
}

/** Whether the inclusive range [mint, maxt] overlaps any of `ivs`. */
export function overlapsAny(mint: number, maxt: number, ivs: readonly TimeInterval[]): boolean {
  for (const iv of ivs) if (iv.mint <= maxt && iv.maxt >= mint) return true;
  return false;
}

/**
 * Prometheus: Intervals.Add. Adds the inclusive interval `n` to `ivs` (sorted by time, pairwise
 * disjoint and not adjacent) in place, merging it with the intervals it overlaps or touches
 * (times are discrete: [1, 2] and [3, 4] become [1, 4]). Returns `ivs`.
 */
export function addInterval(ivs: TimeInterval[], n: TimeInterval): TimeInterval[] {
  const add = { mint: n.mint, maxt: n.maxt };
  if (ivs.length === 0) {
    ivs.push(add);
    return ivs;
  }
  // First interval ending at or after n.mint - 1 (it touches or follows n).
  let mini = 0;
  while (mini < ivs.length && ivs[mini]!.maxt < add.mint - 1) mini++;
  if (mini === ivs.length) {
    ivs.push(add);
    return ivs;
  }
  // First interval starting after n.maxt + 1 (it neither overlaps nor touches n).
  let maxi = mini;
  while (maxi < ivs.length && ivs[maxi]!.mint <= add.maxt + 1) maxi++;
  if (maxi === mini) {
    ivs.splice(mini, 0, add);
    return ivs;
  }
  const merged = {
    mint: Math.min(add.mint, ivs[mini]!.mint),
    maxt: Math.max(add.maxt, ivs[maxi - 1]!.maxt),
  };
  ivs.splice(mini, maxi - mini, merged);
  return ivs;
}

/**
 * Prometheus: tombstones.MemTombstones. Deleted time ranges by series ref, each kept sorted and
 * merged as {@link addInterval} does. Lives in memory; the WAL makes it durable.
 */
export class MemTombstones {
  readonly #byRef = new Map<number, TimeInterval[]>();

  /** The deleted intervals of series `ref` (sorted, merged), or undefined when none. Do not modify. */
  get(ref: number): readonly TimeInterval[] | undefined {
    return this.#byRef.get(ref);
  }

  /** Prometheus: AddInterval. Marks the intervals (ms, inclusive) of series `ref` as deleted. */
  addInterval(ref: number, ...ivs: TimeInterval[]): void {
    let cur = this.#byRef.get(ref);
    if (cur === undefined) {
      cur = [];
      this.#byRef.set(ref, cur);
    }
    for (const iv of ivs) addInterval(cur, iv);
  }

  /** Prometheus: DeleteTombstones. Forgets the tombstones of the given series. */
  deleteTombstones(refs: Iterable<number>): void {
    for (const ref of refs) this.#byRef.delete(ref);
  }

  /**
   * Prometheus: TruncateBefore. Drops the intervals that end before `mint` (ms); those reaching it
   * stay whole. Series left without intervals are forgotten.
   */
  truncateBefore(mint: number): void {
    for (const [ref, ivs] of this.#byRef) {
      let k = 0;
      for (const iv of ivs) {
        if (iv.maxt < mint) continue;
        ivs[k++] = iv;
      }
      ivs.length = k;
      if (k === 0) this.#byRef.delete(ref);
    }
  }

  /** Prometheus: Iter. Every series with tombstones, as Stones (intervals copied). */
  stones(): Stone[] {
    const out: Stone[] = [];
    for (const [ref, ivs] of this.#byRef) out.push({ ref, intervals: ivs.map((iv) => ({ ...iv })) });
    return out;
  }

  /** Prometheus: Total. Number of intervals held. */
  total(): number {
    let n = 0;
    for (const ivs of this.#byRef.values()) n += ivs.length;
    return n;
  }

  /** Number of series with tombstones. */
  get size(): number {
    return this.#byRef.size;
  }
}
