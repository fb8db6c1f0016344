// Test helpers for native histograms: generated histograms, and every sample of a querier (floats
// and histograms) read into plain lists. Test helper, not part of the API.
import { Matcher, MatchType } from '@tsprom/labels';
import {
  copyFloatHistogram,
  copyHistogram,
  type FloatHistogram,
  type Histogram,
  type Querier,
  ValueType,
} from '@tsprom/storage-interfaces';

/** A sample of any type: exactly one of `v`, `h`, `fh` is set. */
export interface AnySample {
  t: number;
  v?: number;
  h?: Histogram;
  fh?: FloatHistogram;
}

/**
 * An integer histogram of a counter that grew `n` times: schema 1, a zero bucket, two positive
 * spans and one negative one whose buckets grow with `n` (deltas as Prometheus stores them).
 */
export function counterHistogram(n: number): Histogram {
  const pos = [n + 1, 2 * n, n, 3];
  const neg = [n, 1];
  const zero = n;
  const deltas = (abs: number[]): number[] => abs.map((x, i) => x - (i === 0 ? 0 : abs[i - 1]!));
  return {
    counterResetHint: 0,
    schema: 1,
    zeroThreshold: 1e-128,
    zeroCount: zero,
    count: pos.reduce((a, b) => a + b, 0) + neg.reduce((a, b) => a + b, 0) + zero,
    sum: n * 3.25,
    positiveSpans: [
      { offset: -1, length: 2 },
      { offset: 3, length: 2 },
    ],
    negativeSpans: [{ offset: 0, length: 2 }],
    positiveBuckets: deltas(pos),
    negativeBuckets: deltas(neg),
  };
}

/** Every series of `q` (all of them) with all their samples, sorted by labels. */
export async function readAnySamples(q: Querier, mint?: number, maxt?: number): Promise<Map<string, AnySample[]>> {
  const hints = mint === undefined ? undefined : { start: mint, end: maxt! };
  const set = await q.select(true, hints, [new Matcher(MatchType.Regexp, '__name__', '.*')]);
  const out = new Map<string, AnySample[]>();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: AnySample[] = [];
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt === ValueType.Float) samples.push({ t: it.atT(), v: it.atV() });
      else if (vt === ValueType.Histogram) samples.push({ t: it.atT(), h: copyHistogram(it.atHistogram()) });
      else samples.push({ t: it.atT(), fh: copyFloatHistogram(it.atFloatHistogram()) });
    }
    const err = it.err();
    if (err !== undefined) throw err;
    out.set(s.labels().toString(), samples);
  }
  const err = set.err();
  if (err !== undefined) throw err;
  return out;
}

/** `h` without its counter-reset hint (chunks store their own), for comparisons. */
export function withoutHint<T extends Histogram | FloatHistogram>(h: T): Omit<T, 'counterResetHint'> {
  const { counterResetHint: _, ...rest } = h;
  return rest;
}

/**
 * What a histogram says, whatever its layout: schema, zero bucket, count, sum and the non-empty
 * buckets by index with absolute counts. A chunk recoded for a new bucket gives its earlier
 * samples that bucket, empty (Prometheus does the same): they still say the same.
 */
export function histogramMeaning(h: Histogram | FloatHistogram, deltas: boolean): object {
  const side = (spans: readonly { offset: number; length: number }[], buckets: readonly number[]): number[][] => {
    const out: number[][] = [];
    let idx = 0;
    let k = 0;
    let cur = 0;
    for (const s of spans) {
      idx += s.offset;
      for (let j = 0; j < s.length; j++, idx++, k++) {
        cur = deltas ? cur + buckets[k]! : buckets[k]!;
        if (cur !== 0) out.push([idx, cur]);
      }
    }
    return out;
  };
  return {
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    count: h.count,
    sum: h.sum,
    positive: side(h.positiveSpans, h.positiveBuckets),
    negative: side(h.negativeSpans, h.negativeBuckets),
    customValues: h.customValues ?? [],
  };
}
