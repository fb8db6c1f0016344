// Prometheus: tsdb/chunkenc/histogram_meta.go bucketIterator, Insert, expandIntSpansAndBuckets,
// expandFloatSpansAndBuckets, expandSpansBothWays, insert, adjustForInserts: the bucket layout
// reconciliation behind a histogram appender's appendable checks and chunk recoding.
import type { Span } from '@tsprom/storage-interfaces';

/**
 * Prometheus: bucketIterator. Yields the absolute bucket indexes that spans describe. Reusable
 * (`reset`), so the appendable checks of every append allocate nothing.
 */
export class BucketIterator {
  #spans: readonly Span[] = [];
  #span = 0; // Span of the last yielded bucket.
  #bucket = -1; // Position within that span.
  /** The index of the last yielded bucket. */
  idx = -1;

  reset(spans: readonly Span[]): this {
    this.#spans = spans;
    this.#span = 0;
    this.#bucket = -1;
    this.idx = spans.length > 0 ? -1 + spans[0]!.offset : -1;
    return this;
  }

  /** Advances to the next bucket: false when there is none; else its index is `idx`. */
  next(): boolean {
    const spans = this.#spans;
    if (this.#span >= spans.length) return false;
    if (this.#bucket < spans[this.#span]!.length - 1) {
      this.#bucket++;
      this.idx++;
      return true;
    }
    while (this.#span < spans.length - 1) {
      this.#span++;
      const s = spans[this.#span]!;
      this.idx += s.offset + 1;
      this.#bucket = 0;
      if (s.length === 0) {
        this.idx--;
        continue;
      }
      return true;
    }
    this.#span = spans.length; // Out of options; stay out.
    return false;
  }
}

/**
 * Prometheus: Insert. `num` new buckets go before the bucket at position `pos` of the existing
 * bucket slice (or at its end); `bucketIdx` is the absolute index of the first of them.
 */
export interface Insert {
  pos: number;
  num: number;
  bucketIdx: number;
}

/** What `expandSpansAndBuckets` found. Reused by the caller; the insert arrays are new when set. */
export class ExpandResult {
  /** Inserts that expand the old layout to cover the new histogram's buckets (recode the chunk). */
  forward: Insert[] = [];
  /** Inserts that expand the new histogram to cover empty buckets it lacks. */
  backward: Insert[] = [];
  clear(): void {
    if (this.forward.length > 0) this.forward = [];
    if (this.backward.length > 0) this.backward = [];
  }
}

const ai = new BucketIterator();
const bi = new BucketIterator();

/**
 * Prometheus: expandIntSpansAndBuckets (`deltas` true: buckets are deltas) and
 * expandFloatSpansAndBuckets (`deltas` false: absolute counts). Compares the chunk's layout `a`
 * (with the last sample's buckets) to a new histogram's `b`. Returns false if a bucket count
 * dropped or a populated bucket vanished (a counter reset); else fills `out` with the forward
 * inserts (buckets new in b) and backward inserts (empty buckets of a missing in b).
 */
export function expandSpansAndBuckets(
  a: readonly Span[],
  b: readonly Span[],
  aBuckets: ArrayLike<number>,
  bBuckets: ArrayLike<number>,
  deltas: boolean,
  out: ExpandResult,
): boolean {
  out.clear();
  ai.reset(a);
  bi.reset(b);
  let aOK = ai.next();
  let bOK = bi.next();
  let aCount = 0;
  let bCount = 0;
  let aCountIdx = 0;
  let bCountIdx = 0;
  if (aOK) aCount = aBuckets[0]!;
  if (bOK) bCount = bBuckets[0]!;
  // Work-in-progress inserts into a (forward) and into b (backward).
  let aPos = 0;
  let aNum = 0;
  let aBucketIdx = 0;
  let bPos = 0;
  let bNum = 0;
  let bBucketIdx = 0;
  for (;;) {
    if (aOK && bOK && ai.idx === bi.idx) {
      if (aCount > bCount) return false; // A bucket count dropped.
      if (aNum > 0) {
        out.forward.push({ pos: aPos, num: aNum, bucketIdx: aBucketIdx });
        aNum = 0;
      }
      if (bNum > 0) {
        out.backward.push({ pos: bPos, num: bNum, bucketIdx: bBucketIdx });
        bNum = 0;
      }
      aOK = ai.next();
      bOK = bi.next();
      aPos++;
      aCountIdx++;
      if (aOK) aCount = deltas ? aCount + aBuckets[aCountIdx]! : aBuckets[aCountIdx]!;
      bPos++;
      bCountIdx++;
      if (bOK) bCount = deltas ? bCount + bBuckets[bCountIdx]! : bBuckets[bCountIdx]!;
    } else if (aOK && (!bOK || ai.idx < bi.idx)) {
      // b lacks a bucket of a: fine if it was empty in a (b gets it back as empty), else a reset.
      if (aCount !== 0) return false;
      if (bNum === 0) bBucketIdx = ai.idx;
      bNum++;
      if (aNum > 0) {
        out.forward.push({ pos: aPos, num: aNum, bucketIdx: aBucketIdx });
        aNum = 0;
      }
      aOK = ai.next();
      aPos++;
      aCountIdx++;
      if (aOK) aCount = deltas ? aCount + aBuckets[aCountIdx]! : aBuckets[aCountIdx]!;
    } else if (bOK) {
      // a lacks a bucket of b: a new bucket, inserted into the chunk's layout.
      if (aNum === 0) aBucketIdx = bi.idx;
      aNum++;
      if (bNum > 0) {
        out.backward.push({ pos: bPos, num: bNum, bucketIdx: bBucketIdx });
        bNum = 0;
      }
      bOK = bi.next();
      bPos++;
      bCountIdx++;
      if (bOK) bCount = deltas ? bCount + bBuckets[bCountIdx]! : bBuckets[bCountIdx]!;
    } else {
      if (aNum > 0) out.forward.push({ pos: aPos, num: aNum, bucketIdx: aBucketIdx });
      if (bNum > 0) out.backward.push({ pos: bPos, num: bNum, bucketIdx: bBucketIdx });
      return true;
    }
  }
}

// Appends bucket `idx` to `spans` (built in increasing order), as Prometheus's addBucket closures
// do; returns the new last bucket index.
function addBucket(spans: Span[], lastBucket: number, idx: number): number {
  let offset = idx - lastBucket - 1;
  if (offset === 0 && spans.length > 0) {
    spans[spans.length - 1]!.length++;
  } else {
    if (spans.length === 0) offset++;
    spans.push({ offset, length: 1 });
  }
  return idx;
}

/**
 * Prometheus: expandSpansBothWays (gauge histograms, where buckets may come and go). Fills `out`
 * with the forward inserts (buckets only in b) and backward inserts (buckets only in a), and
 * returns the merged spans covering both.
 */
export function expandSpansBothWays(a: readonly Span[], b: readonly Span[], out: ExpandResult): Span[] {
  out.clear();
  ai.reset(a);
  bi.reset(b);
  const merged: Span[] = [];
  let last = 0;
  let fPos = 0;
  let fNum = 0;
  let bPos = 0;
  let bNum = 0;
  let aOK = ai.next();
  let bOK = bi.next();
  for (;;) {
    if (aOK && bOK && ai.idx === bi.idx) {
      if (fNum > 0) {
        out.forward.push({ pos: fPos, num: fNum, bucketIdx: 0 });
        fNum = 0;
      }
      if (bNum > 0) {
        out.backward.push({ pos: bPos, num: bNum, bucketIdx: 0 });
        bNum = 0;
      }
      last = addBucket(merged, last, ai.idx);
      aOK = ai.next();
      bOK = bi.next();
      fPos++;
      bPos++;
    } else if (aOK && bOK && ai.idx < bi.idx) {
      bNum++;
      if (fNum > 0) {
        out.forward.push({ pos: fPos, num: fNum, bucketIdx: 0 });
        fNum = 0;
      }
      last = addBucket(merged, last, ai.idx);
      fPos++;
      aOK = ai.next();
    } else if (aOK && bOK) {
      fNum++;
      if (bNum > 0) {
        out.backward.push({ pos: bPos, num: bNum, bucketIdx: 0 });
        bNum = 0;
      }
      last = addBucket(merged, last, bi.idx);
      bPos++;
      bOK = bi.next();
    } else if (aOK) {
      bNum++;
      last = addBucket(merged, last, ai.idx);
      aOK = ai.next();
    } else if (bOK) {
      fNum++;
      last = addBucket(merged, last, bi.idx);
      bOK = bi.next();
    } else {
      if (fNum > 0) out.forward.push({ pos: fPos, num: fNum, bucketIdx: 0 });
      if (bNum > 0) out.backward.push({ pos: bPos, num: bNum, bucketIdx: 0 });
      return merged;
    }
  }
}

/**
 * Prometheus: insert. Writes `input` with the inserted (empty) buckets into `out`, which must have
 * the expanded length, and returns `out`. With `deltas`, inputs are delta-encoded: an inserted
 * bucket's delta undoes the previous bucket's count, and the next original delta is adjusted.
 */
export function insertBuckets(
  input: ArrayLike<number>,
  out: number[],
  inserts: readonly Insert[],
  deltas: boolean,
): number[] {
  let oi = 0;
  let v = 0; // The last absolute value seen (deltas).
  let ii = 0;
  for (let i = 0; i < input.length; i++) {
    const d = input[i]!;
    if (ii < inserts.length && i === inserts[ii]!.pos) {
      out[oi++] = deltas ? -v : 0;
      for (let x = 1; x < inserts[ii]!.num; x++) out[oi++] = 0;
      ii++;
      out[oi++] = deltas ? d + v : d;
      v += d;
      continue;
    }
    out[oi++] = d;
    v += d;
  }
  if (ii < inserts.length) {
    // An insert after all original buckets.
    out[oi++] = deltas ? -v : 0;
    for (let x = 1; x < inserts[ii]!.num; x++) out[oi++] = 0;
  } else if (oi !== out.length) {
    throw new Error(`histogram insert: ${oi} buckets written, ${out.length} expected (spans and buckets disagree)`);
  }
  return out;
}

/**
 * Prometheus: adjustForInserts. The spans of `spans` plus the buckets of `inserts` (whose
 * `bucketIdx` must be set), merged into canonical spans.
 */
export function adjustForInserts(spans: readonly Span[], inserts: readonly Insert[]): Span[] {
  if (inserts.length === 0) return spans.slice();
  const merged: Span[] = [];
  let last = 0;
  let i = 0;
  let insertIdx = inserts[0]!.bucketIdx;
  let insertNum = inserts[0]!.num;
  const consume = (): void => {
    insertNum--;
    if (insertNum === 0) {
      i++;
      if (i < inserts.length) {
        insertIdx = inserts[i]!.bucketIdx;
        insertNum = inserts[i]!.num;
      }
    } else {
      insertIdx++;
    }
  };
  const it = new BucketIterator().reset(spans);
  let ok = it.next();
  while (ok) {
    if (i < inserts.length && insertIdx < it.idx) {
      last = addBucket(merged, last, insertIdx);
      consume();
    } else {
      last = addBucket(merged, last, it.idx);
      ok = it.next();
    }
  }
  while (i < inserts.length) {
    last = addBucket(merged, last, insertIdx);
    consume();
  }
  return merged;
}
