// Prometheus: tsdb/index/postings.go Intersect, Merge, Without, EmptyPostings.
// Postings here are sorted arrays of series refs: the head's lists are append-mostly arrays and a
// query combines them in one synchronous pass, so array algorithms beat iterator chains in JS.

/** A sorted list of series refs, ascending and without duplicates. Treat as read-only. */
export type Postings = ArrayLike<number>;

/** The empty postings list. */
export const emptyPostings: Postings = Object.freeze([]) as readonly number[];

/** Refs present in every list (Prometheus `index.Intersect`). No lists means none. */
export function intersectPostings(lists: readonly Postings[]): number[] {
  if (lists.length === 0) return [];
  // Start from the shortest list: the result is never longer.
  let shortest = 0;
  for (let i = 1; i < lists.length; i++) if (lists[i]!.length < lists[shortest]!.length) shortest = i;
  let acc = Array.from(lists[shortest]!);
  for (let i = 0; i < lists.length && acc.length > 0; i++) {
    if (i === shortest) continue;
    acc = intersectTwo(acc, lists[i]!);
  }
  return acc;
}

function intersectTwo(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  let j = 0;
  const bl = b.length;
  for (let i = 0; i < a.length && j < bl; i++) {
    const v = a[i]!;
    if (b[j]! < v) j = gallop(b, j, v);
    if (j < bl && b[j] === v) {
      out.push(v);
      j++;
    }
  }
  return out;
}

/** First index >= from in sorted `xs` whose value is >= v (exponential then binary search). */
function gallop(xs: ArrayLike<number>, from: number, v: number): number {
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < xs.length && xs[hi]! < v) {
    lo = hi;
    step <<= 1;
    hi = from + step;
  }
  if (hi > xs.length) hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Refs present in any list, sorted and de-duplicated (Prometheus `index.Merge`). */
export function mergePostings(lists: readonly Postings[]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return Array.from(lists[0]!);
  if (lists.length === 2) return mergeTwo(lists[0]!, lists[1]!);
  // Pairwise tree merge: O(n log k) without a heap.
  let level: ArrayLike<number>[] = lists.slice();
  while (level.length > 1) {
    const next: ArrayLike<number>[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const b = level[i + 1];
      next.push(b === undefined ? level[i]! : mergeTwo(level[i]!, b));
    }
    level = next;
  }
  return Array.from(level[0]!);
}

function mergeTwo(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Refs of `full` that are not in `drop` (Prometheus `index.Without`). */
export function withoutPostings(full: Postings, drop: Postings): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < full.length; i++) {
    const v = full[i]!;
    if (j < drop.length && drop[j]! < v) j = gallop(drop, j, v);
    if (j < drop.length && drop[j] === v) {
      j++;
      continue;
    }
    out.push(v);
  }
  return out;
}
