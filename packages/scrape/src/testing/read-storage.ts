// Reads every series of a storage back, for assertions. Test helper, not part of the API.
import { Matcher, MatchType } from '@tsprom/labels';
import {
  copyFloatHistogram,
  copyHistogram,
  type FloatHistogram,
  type Histogram,
  isStaleNaN,
  type Queryable,
  ValueType,
} from '@tsprom/storage-interfaces';

/**
 * One series read back: its labels as Prometheus prints them and its samples [t, v] in order, a
 * stale marker as the string `'stale'` (a NaN payload does not survive a JS array, which V8
 * canonicalizes NaNs in).
 */
export interface StoredSeries {
  readonly labels: string;
  readonly name: string;
  readonly samples: [number, number | 'stale'][];
}

/** Every series with samples in [mint, maxt], sorted by labels. */
export async function readAll(q: Queryable, mint = 0, maxt = Number.MAX_SAFE_INTEGER): Promise<StoredSeries[]> {
  const querier = q.querier(mint, maxt);
  try {
    const set = await querier.select(true, undefined, [new Matcher(MatchType.Regexp, '__name__', '.+')]);
    const out: StoredSeries[] = [];
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      const samples: [number, number | 'stale'][] = [];
      while (it.next() !== ValueType.None) samples.push([it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV()]);
      if (it.err() !== undefined) throw it.err();
      const ls = s.labels();
      out.push({ labels: ls.toString(), name: ls.get('__name__'), samples });
    }
    if (set.err() !== undefined) throw set.err();
    return out;
  } finally {
    await querier.close();
  }
}

/** The series named `name`, by their labels. */
export function byName(all: readonly StoredSeries[], name: string): StoredSeries[] {
  return all.filter((s) => s.name === name);
}

/** One histogram sample read back: integer ones as stored (delta buckets), float ones absolute. */
export interface StoredHistogram {
  readonly t: number;
  readonly h?: Histogram;
  readonly fh?: FloatHistogram;
}

/** The native histogram samples of the series with exactly the labels `labels` (Prometheus's print). */
export async function readHistograms(q: Queryable, labels: string): Promise<StoredHistogram[]> {
  const querier = q.querier(0, Number.MAX_SAFE_INTEGER);
  try {
    const set = await querier.select(true, undefined, [new Matcher(MatchType.Regexp, '__name__', '.+')]);
    const out: StoredHistogram[] = [];
    while (set.next()) {
      const s = set.at();
      if (s.labels().toString() !== labels) continue;
      const it = s.iterator();
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
        if (vt === ValueType.Histogram) out.push({ t: it.atT(), h: copyHistogram(it.atHistogram()) });
        else if (vt === ValueType.FloatHistogram)
          out.push({ t: it.atT(), fh: copyFloatHistogram(it.atFloatHistogram()) });
        else throw new Error(`${labels}: a float sample at ${it.atT()}`);
      }
      if (it.err() !== undefined) throw it.err();
    }
    if (set.err() !== undefined) throw set.err();
    return out;
  } finally {
    await querier.close();
  }
}
