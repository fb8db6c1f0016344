// detectReset's bucket walk (Prometheus floatBucketIterator with a target schema and detectReset)
// against a plain reference: per target index sums, compared one by one.
import { CounterResetHint, type FloatHistogram, type Span } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { exponentialBound } from './bounds.js';
import { detectReset } from './float-histogram.js';
import { cursorsDetectReset, TargetBucketCursor } from './reset-cursor.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Random spans (some empty, some with gaps) and counts (some zero). */
function side(r: () => number): { spans: Span[]; buckets: number[] } {
  const spans: Span[] = [];
  const buckets: number[] = [];
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const length = Math.floor(r() * 4);
    spans.push({ offset: i === 0 ? Math.floor(r() * 8) - 4 : Math.floor(r() * 3), length });
    for (let j = 0; j < length; j++) buckets.push(r() < 0.2 ? 0 : Math.floor(r() * 5));
  }
  return { spans, buckets };
}

function hist(r: () => number, schema: number, threshold: number): FloatHistogram {
  const p = side(r);
  const n = side(r);
  return {
    counterResetHint: CounterResetHint.Unknown,
    schema,
    zeroThreshold: threshold,
    zeroCount: 0,
    count: 0,
    sum: 0,
    positiveSpans: p.spans,
    negativeSpans: n.spans,
    positiveBuckets: p.buckets,
    negativeBuckets: n.buckets,
  };
}

/** The target buckets of one side as [index, count] pairs, as Prometheus's iterator gives them. */
function reference(h: FloatHistogram, positive: boolean, target: number, start: number): [number, number][] {
  const spans = positive ? h.positiveSpans : h.negativeSpans;
  const buckets = positive ? h.positiveBuckets : h.negativeBuckets;
  const out: [number, number][] = [];
  let idx = 0;
  let b = 0;
  for (let s = 0; s < spans.length; s++) {
    idx += spans[s]!.offset;
    for (let j = 0; j < spans[s]!.length; j++) {
      const ti = ((idx - 1) >> (h.schema - target)) + 1;
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === ti) last[1] += buckets[b]!;
      else out.push([ti, buckets[b]!]);
      idx++;
      b++;
    }
  }
  let k = 0;
  while (k < out.length && exponentialBound(out[k]![0], target) <= start) k++;
  return out.slice(k);
}

function referenceReset(cur: [number, number][], prev: [number, number][]): boolean {
  const m = new Map(cur);
  return prev.some(([i, c]) => (m.has(i) ? m.get(i)! < c : c !== 0));
}

describe('TargetBucketCursor', () => {
  it('walks the buckets mapped to a lower schema, merged, past the start value', () => {
    const r = lcg(7);
    const cur = new TargetBucketCursor();
    for (let n = 0; n < 2000; n++) {
      const schema = Math.floor(r() * 5) - 1;
      const target = schema - Math.floor(r() * 3);
      const start = r() < 0.5 ? 0 : 2 ** (Math.floor(r() * 6) - 3);
      const h = hist(r, schema, start);
      for (const positive of [true, false]) {
        cur.reset(h, positive, target, start);
        const got: [number, number][] = [];
        while (cur.next()) got.push([cur.index, cur.count]);
        expect(got).toEqual(reference(h, positive, target, start));
      }
    }
  });

  it('detects a reset exactly where a bucket of the previous histogram went down or away', () => {
    const r = lcg(11);
    const a = new TargetBucketCursor();
    const b = new TargetBucketCursor();
    let resets = 0;
    for (let n = 0; n < 2000; n++) {
      const schema = Math.floor(r() * 4);
      const prevSchema = schema + Math.floor(r() * 2);
      const h = hist(r, schema, 0);
      const prev = hist(r, prevSchema, 0);
      a.reset(h, true, schema, 0);
      b.reset(prev, true, schema, 0);
      const want = referenceReset(reference(h, true, schema, 0), reference(prev, true, schema, 0));
      expect(cursorsDetectReset(a, b)).toBe(want);
      if (want) resets++;
    }
    // Both outcomes were exercised.
    expect(resets).toBeGreaterThan(100);
    expect(resets).toBeLessThan(1900);
  });

  it('makes detectReset see a lower bucket count after a schema reduction', () => {
    const prev: FloatHistogram = {
      counterResetHint: CounterResetHint.Unknown,
      schema: 1,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 6,
      sum: 0,
      positiveSpans: [{ offset: 1, length: 2 }],
      negativeSpans: [],
      positiveBuckets: [3, 3],
      negativeBuckets: [],
    };
    // Schema 0: the two buckets of schema 1 (indexes 1, 2) are bucket 1 together (6).
    const h: FloatHistogram = { ...prev, schema: 0, positiveSpans: [{ offset: 1, length: 1 }], positiveBuckets: [6] };
    expect(detectReset(h, prev)).toBe(false);
    expect(detectReset({ ...h, count: 7, positiveBuckets: [5], zeroCount: 2 }, prev)).toBe(true);
  });
});
