// A PromQL instant query run in the page by @tsprom/promql's Engine over any Queryable (here the
// in-memory DB), its result as plain objects: what the page shows and reports.
import { Engine } from '@tsprom/promql';
import type { DB } from '@tsprom/tsdb';

/** One series (or a scalar / string) of a result: its labels and its [ms, value] points. */
export interface ResultSeries {
  readonly metric: Record<string, string>;
  readonly points: [number, number | string][];
}

/** A query's outcome: its type and series, or the error it failed with. */
export type QueryOutcome =
  | { readonly ok: true; readonly type: string; readonly series: ResultSeries[] }
  | { readonly ok: false; readonly error: string };

const engine = new Engine();

/** Runs `expr` at `atMs` over `db`; parse and evaluation errors alike come back as `ok: false`. */
export async function runInstantQuery(db: DB, expr: string, atMs: number): Promise<QueryOutcome> {
  let query: ReturnType<Engine['newInstantQuery']>;
  try {
    query = engine.newInstantQuery(db, expr, atMs);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }; // A parse error.
  }
  const res = await query.exec();
  if (res.err !== null) return { ok: false, error: res.err.message };
  const v = res.value;
  switch (v?.type) {
    case 'vector':
      return {
        ok: true,
        type: 'vector',
        series: v.vector.map((s) => ({
          metric: s.metric.toMap(),
          points: [[s.t, s.h !== undefined ? `histogram count ${s.h.count}, sum ${s.h.sum}` : s.f]],
        })),
      };
    case 'matrix':
      return {
        ok: true,
        type: 'matrix',
        series: v.matrix.map((s) => ({ metric: s.metric.toMap(), points: s.floats().map(({ t, f }) => [t, f]) })),
      };
    case 'scalar':
      return { ok: true, type: 'scalar', series: [{ metric: {}, points: [[v.scalar.t, v.scalar.v]] }] };
    case 'string':
      return { ok: true, type: 'string', series: [{ metric: {}, points: [[v.string.t, v.string.v]] }] };
    default:
      return { ok: false, error: 'the query gave no value' };
  }
}
