// A Querier over a fixed list of series (Prometheus keeps such queriers in its tests: storage/
// merge_test.go mockQuerier). For tests and for embedders that hold series in memory.
import { compareStrings, type Matcher } from '@tsprom/labels';
import { Annotations } from './annotations.js';
import type { LabelHints, LabelQueryResult, Querier, Queryable, SelectHints } from './querier.js';
import { seriesSetFromList } from './series-set.js';
import type { Series, SeriesSet } from './series.js';

/**
 * A Querier over `series` (borrowed): `select` returns the series whose labels match all matchers
 * (a missing label matches as ""), sorted if asked, with all their samples (time hints are not
 * applied); label look-ups are answered from the same series, honouring `hints.limit`.
 */
export function listQuerier(series: readonly Series[]): Querier {
  const matching = (matchers: readonly Matcher[]): Series[] =>
    series.filter((s) => {
      const l = s.labels();
      for (const m of matchers) if (!m.matches(l.get(m.name))) return false;
      return true;
    });
  const collect = (
    matchers: readonly Matcher[],
    hints: LabelHints | undefined,
    fn: (s: Series, out: Set<string>) => void,
  ) => {
    const out = new Set<string>();
    for (const s of matching(matchers)) fn(s, out);
    let values = [...out].sort(compareStrings);
    const limit = hints?.limit ?? 0;
    if (limit > 0) values = values.slice(0, limit);
    return { values, warnings: new Annotations() };
  };
  return {
    async select(
      sortSeries: boolean,
      _hints: SelectHints | undefined,
      matchers: readonly Matcher[],
      signal?: AbortSignal,
    ): Promise<SeriesSet> {
      signal?.throwIfAborted();
      return seriesSetFromList(matching(matchers), sortSeries);
    },
    async labelValues(
      name: string,
      hints: LabelHints | undefined,
      matchers: readonly Matcher[],
      signal?: AbortSignal,
    ): Promise<LabelQueryResult> {
      signal?.throwIfAborted();
      return collect(matchers, hints, (s, out) => {
        const v = s.labels().get(name);
        if (v !== '') out.add(v);
      });
    },
    async labelNames(
      hints: LabelHints | undefined,
      matchers: readonly Matcher[],
      signal?: AbortSignal,
    ): Promise<LabelQueryResult> {
      signal?.throwIfAborted();
      return collect(matchers, hints, (s, out) => {
        for (const n of s.labels().names()) out.add(n);
      });
    },
    async close(): Promise<void> {},
  };
}

/** A Queryable whose queriers are `listQuerier(series)`, whatever the time range. */
export function listQueryable(series: readonly Series[]): Queryable {
  return { querier: () => listQuerier(series) };
}
