// Test fixtures: an in-memory TSDB (the real storage), an engine over it, and a way to load series.
import { Labels, Matcher, MatchType, parseMetric } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { isStaleNaN, ValueType } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { engineQueryFunc, type QueryFunc } from '../query-func.js';

export interface TestStore {
  readonly db: DB;
  readonly engine: Engine;
  readonly queryFunc: QueryFunc;
  /** Appends samples: `add('up{job="a"}', [[t, v], …])`. */
  add(series: string, samples: readonly (readonly [number, number])[]): Promise<void>;
  /**
   * Every sample of the series matching `name` and `eq` labels, as `labels → [[t, v]…]`, with a
   * stale marker as `'stale'` (V8 does not keep NaN payloads in plain arrays of numbers).
   */
  read(name: string, eq?: Readonly<Record<string, string>>): Promise<Map<string, [number, number | 'stale'][]>>;
  close(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const db = await DB.open();
  const engine = new Engine();
  return {
    db,
    engine,
    queryFunc: engineQueryFunc(engine, db),
    async add(series, samples) {
      const app = db.appender();
      const ls: Labels = parseMetric(series);
      for (const [t, v] of samples) app.append(0, ls, t, v);
      await app.commit();
    },
    async read(name, eq = {}) {
      const q = db.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const ms = [new Matcher(MatchType.Equal, '__name__', name)];
      for (const [k, v] of Object.entries(eq)) ms.push(new Matcher(MatchType.Equal, k, v));
      const set = await q.select(true, undefined, ms);
      const out = new Map<string, [number, number | 'stale'][]>();
      while (set.next()) {
        const s = set.at();
        const it = s.iterator();
        const pts: [number, number | 'stale'][] = [];
        while (it.next() === ValueType.Float) pts.push([it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV()]);
        out.set(s.labels().toString(), pts);
      }
      await q.close();
      return out;
    },
    close: () => db.close(),
  };
}

export { Labels };
