// Prometheus: tsdb/index/postings.go Intersect, Merge, Without, EmptyPostings.
// Postings here are sorted arrays of series refs: the head's lists are append-mostly arrays and a
// query combines them in one synchronous pass, so array algorithms beat iterator chains in JS.

/** A sorted list of series refs, ascending and without duplicates. Treat as read-only. */
export type Postings = ArrayLike<number>;

/** The empty postings list. */
export const emptyPostings: Postings = Object.freeze([]) as readonly number[];

/**
 * Refs present in every list (Prometheus `index.Intersect`). No lists means none. May return one of
 * the lists given (when it is the only one).
 */
export function intersectPostings(lists: readonly Postings[]): Postings {
  if (lists.length === 0) return emptyPostings;
  // Start from the shortest list: the result is never longer.
  let shortest = 0;
  for (let i = 1; i < lists.length; i++) if (lists[i]!.length < lists[shortest]!.length) shortest = i;
  let acc = lists[shortest]!;
  for (let i = 0; i < lists.length && acc.length > 0; i++) {
    if (i === shortest) continue;
    acc = intersectTwo(acc, lists[i]!);
  }
  return acc;
}

// The results below are typed arrays of their greatest possible length, cut to what they hold: a
// list of 100k refs built by push() reallocates a large object each time it grows, ten times
// slower than the merge itself.

function intersectTwo(a: Postings, b: Postings): Postings {
  const out = new Float64Array(Math.min(a.length, b.length));
  let n = 0;
  let j = 0;
  const bl = b.length;
  for (let i = 0; i < a.length && j < bl; i++) {
    const v = a[i]!;
    if (b[j]! < v) j = gallop(b, j, v);
    if (j < bl && b[j] === v) {
      out[n++] = v;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** First index >= from in sorted `xs` whose value is >= v (exponential then binary search). */
function gallop(xs: Postings, from: number, v: number): number {
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

/**
 * Refs present in any list, sorted and de-duplicated (Prometheus `index.Merge`). May return one of
 * the lists given (when it is the only one).
 */
export function mergePostings(lists: readonly Postings[]): Postings {
  if (lists.length === 0) return emptyPostings;
  // Pairwise tree merge: O(n log k) without a heap.
  let level: Postings[] = lists.slice();
  while (level.length > 1) {
    const next: Postings[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const b = level[i + 1];
      next.push(b === undefined ? level[i]! : mergeTwo(level[i]!, b));
    }
    level = next;
  }
  return level[0]!;
}

function mergeTwo(a: Postings, b: Postings): Postings {
  const al = a.length;
  const bl = b.length;
  const out = new Float64Array(al + bl);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < al && j < bl) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < al) out[n++] = a[i++]!;
  while (j < bl) out[n++] = b[j++]!;
  return n === out.length ? out : out.subarray(0, n);
}

/** Refs of `full` that are not in `drop` (Prometheus `index.Without`). */
export function withoutPostings(full: Postings, drop: Postings): Postings {
  const out = new Float64Array(full.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < full.length; i++) {
    const v = full[i]!;
    if (j < drop.length && drop[j]! < v) j = gallop(drop, j, v);
    if (j < drop.length && drop[j] === v) {
      j++;
      continue;
    }
    out[n++] = v;
  }
  return out.subarray(0, n);
}
