// Reads every series of a storage back, for assertions. Test helper, not part of the API.
import { Matcher, MatchType } from '@tsprom/labels';
import { isStaleNaN, type Queryable, ValueType } from '@tsprom/storage-interfaces';

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
