// Prometheus: tsdb/index/postings.go MemPostings.Stats and web/api/v1/api.go serveTSDBStatus: the
// cardinality lists of `status/tsdb`, computed here from a Querier (one pass over the series'
// labels) because the storage contract has no postings statistics.
import { Matcher, MatchType } from '@tsprom/labels';
import type { Querier } from '@tsprom/storage-interfaces';

/** One entry of a cardinality list. */
export interface TSDBStat {
  readonly name: string;
  readonly value: number;
}

/** The four lists of `status/tsdb` and the number of label pairs. */
export interface CardinalityStats {
  readonly numLabelPairs: number;
  readonly seriesCountByMetricName: TSDBStat[];
  readonly labelValueCountByLabelName: TSDBStat[];
  readonly memoryInBytesByLabelName: TSDBStat[];
  readonly seriesCountByLabelValuePair: TSDBStat[];
}

function top(m: Map<string, number>, limit: number): TSDBStat[] {
  const all: TSDBStat[] = [];
  for (const [name, value] of m) all.push({ name, value });
  all.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return all.slice(0, limit);
}

/** The `limit` largest entries of each cardinality list over every series `q` holds. */
export async function cardinalityStats(q: Querier, limit: number, signal?: AbortSignal): Promise<CardinalityStats> {
  // Every series: a matcher that matches any value of __name__, the empty one included.
  const set = await q.select(false, undefined, [new Matcher(MatchType.Regexp, '__name__', '.*')], signal);
  const pairs = new Map<string, number>(); // name=value -> series
  const byName = new Map<string, Map<string, number>>(); // label name -> value -> series
  while (set.next()) {
    set
      .at()
      .labels()
      .forEach((name, value) => {
        let vs = byName.get(name);
        if (vs === undefined) {
          vs = new Map();
          byName.set(name, vs);
        }
        vs.set(value, (vs.get(value) ?? 0) + 1);
      });
  }
  const err = set.err();
  if (err !== undefined) throw err;
  const metrics = new Map<string, number>();
  const valueCounts = new Map<string, number>();
  const memory = new Map<string, number>();
  let numLabelPairs = 0;
  for (const [name, vs] of byName) {
    valueCounts.set(name, vs.size);
    numLabelPairs += vs.size;
    let size = 0;
    for (const [value, n] of vs) {
      if (name === '__name__') metrics.set(value, n);
      pairs.set(`${name}=${value}`, n);
      size += value.length * n;
    }
    memory.set(name, size);
  }
  return {
    numLabelPairs,
    seriesCountByMetricName: top(metrics, limit),
    labelValueCountByLabelName: top(valueCounts, limit),
    memoryInBytesByLabelName: top(memory, limit),
    seriesCountByLabelValuePair: top(pairs, limit),
  };
}
