// How rules run their expressions: a function from query and time to an instant vector.
// Prometheus: rules/manager.go QueryFunc, EngineQueryFunc
import { Labels } from '@tsprom/labels';
import type { Engine, Vector } from '@tsprom/promql';
import type { Queryable } from '@tsprom/storage-interfaces';

/**
 * Evaluates `query` as an instant query at `tMs` (ms) and returns its vector (a scalar result as a
 * one-sample vector without labels). Rejects on a failed query; `signal` cancels it.
 */
export type QueryFunc = (query: string, tMs: number, signal?: AbortSignal) => Promise<Vector>;

/** A rule result that is neither an instant vector nor a scalar. */
export class RuleResultTypeError extends Error {
  override readonly name = 'RuleResultTypeError';
  constructor() {
    super('rule result is not a vector or scalar');
  }
}

/** A {@link QueryFunc} running instant queries on `engine` over `queryable`. */
// Prometheus: rules/manager.go EngineQueryFunc
export function engineQueryFunc(engine: Engine, queryable: Queryable): QueryFunc {
  return async (query, tMs, signal) => {
    const q = engine.newInstantQuery(queryable, query, tMs);
    const res = await q.exec({ signal });
    if (res.err !== null) throw res.err;
    const v = res.value;
    if (v?.type === 'vector') return v.vector;
    if (v?.type === 'scalar') return [{ metric: Labels.EMPTY, t: v.scalar.t, f: v.scalar.v, dropName: false }];
    throw new RuleResultTypeError();
  };
}
