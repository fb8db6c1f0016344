// Prometheus: promql/engine.go Engine, EngineOpts, query, exec, execEvalStmt
import { Annotations, type Querier, type Queryable } from '@tsprom/storage-interfaces';
import { EvalBudget } from './eval-budget.js';
import { PromQLEvalError, QueryCanceledError, QueryTimeoutError, StorageError } from './errors.js';
import { type EvalShared, Evaluator } from './evaluator.js';
import { ParseCache } from './parse-cache.js';
import { type Expr, exprType, preprocessExpr } from './parser/index.js';
import { SampleCounter } from './sample-counter.js';
import { selectAll } from './selection.js';
import { duplicateLabelsetError, mergeSameLabels, sortByLabels, dropMetricName } from './series-utils.js';
import type { Matrix, QueryStats, QueryValue, Result, Sample } from './value.js';

/** Engine settings; names and defaults follow Prometheus's EngineOpts and feature flags. */
// Prometheus: promql/engine.go EngineOpts
export interface EngineOptions {
  /** Most samples a query may hold at once (default 50,000,000, Prometheus's `--query.max-samples`). */
  maxSamples?: number;
  /** Query timeout in ms (default 2 minutes). */
  timeoutMs?: number;
  /** How far back an instant selector looks for a sample (default 5 minutes). */
  lookbackDeltaMs?: number;
  /** Accepted for compatibility: `@` is always on in Prometheus 3. */
  enableAtModifier?: boolean;
  /** Accepted for compatibility: negative offsets are always on in Prometheus 3. */
  enableNegativeOffset?: boolean;
  /** Keep `__name__` until the end of the query (feature `promql-delayed-name-removal`). */
  enableDelayedNameRemoval?: boolean;
  /** Record samples per step in the stats. */
  enablePerStepStats?: boolean;
  /** Step of subqueries written without one, given their range (default: 1 minute). */
  noStepSubqueryIntervalFn?: (rangeMs: number) => number;
  /** Parser feature: experimental functions (`parser.EnableExperimentalFunctions`). */
  enableExperimentalFunctions?: boolean;
  /** Parser feature: duration expressions (`parser.ExperimentalDurationExpr`). */
  experimentalDurationExpr?: boolean;
  /** Parser feature: `anchored`/`smoothed` range selectors (`parser.EnableExtendedRangeSelectors`). */
  enableExtendedRangeSelectors?: boolean;
  /** Parser feature: `fill()` modifiers of binary operators (`parser.EnableBinopFillModifiers`). */
  enableBinopFillModifiers?: boolean;
}

/** Per-query settings. */
// Prometheus: promql/engine.go QueryOpts
export interface QueryOptions {
  lookbackDeltaMs?: number;
  enablePerStepStats?: boolean;
}

/** Options of {@link Query.exec}. */
export interface ExecOptions {
  /**
   * Cancels the query: its selects are abandoned, and its evaluation stops at its next yield
   * (every few ms) with `QueryCanceledError`.
   */
  signal?: AbortSignal;
}

/** A prepared query: parsed and type-checked, run by `exec`. */
export interface Query {
  /** The parsed (and preprocessed) expression. */
  readonly expr: Expr;
  /** The query string. */
  readonly query: string;
  /** Runs the query. Never rejects: failures are in `Result.err`. */
  exec(opts?: ExecOptions): Promise<Result>;
}

/** Which query was invalid before running: the type of a range query's expression. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

function documented(t: string): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

/** Runs PromQL queries against a Queryable. */
// Prometheus: promql/engine.go Engine
export class Engine {
  readonly #o: Required<Omit<EngineOptions, 'noStepSubqueryIntervalFn'>> & {
    noStepSubqueryIntervalFn: (rangeMs: number) => number;
  };

  constructor(opts: EngineOptions = {}) {
    this.#o = {
      maxSamples: opts.maxSamples ?? 50_000_000,
      timeoutMs: opts.timeoutMs ?? 120_000,
      lookbackDeltaMs: opts.lookbackDeltaMs ?? 300_000,
      enableAtModifier: opts.enableAtModifier ?? true,
      enableNegativeOffset: opts.enableNegativeOffset ?? true,
      enableDelayedNameRemoval: opts.enableDelayedNameRemoval ?? false,
      enablePerStepStats: opts.enablePerStepStats ?? false,
      noStepSubqueryIntervalFn: opts.noStepSubqueryIntervalFn ?? (() => 60_000),
      enableExperimentalFunctions: opts.enableExperimentalFunctions ?? false,
      experimentalDurationExpr: opts.experimentalDurationExpr ?? false,
      enableExtendedRangeSelectors: opts.enableExtendedRangeSelectors ?? false,
      enableBinopFillModifiers: opts.enableBinopFillModifiers ?? false,
    };
  }

  // Parsed queries, shared by the queries of this engine: never mutated (preprocessExpr copies).
  readonly #parsed = new ParseCache();

  #parse(qs: string): Expr {
    return this.#parsed.parse(qs, {
      enableExperimentalFunctions: this.#o.enableExperimentalFunctions,
      experimentalDurationExpr: this.#o.experimentalDurationExpr,
      enableExtendedRangeSelectors: this.#o.enableExtendedRangeSelectors,
      enableBinopFillModifiers: this.#o.enableBinopFillModifiers,
    });
  }

  /** An instant query at `ts` (ms). Throws ParseErrors for an invalid query. */
  newInstantQuery(queryable: Queryable, qs: string, ts: number, opts: QueryOptions = {}): Query {
    const expr = preprocessExpr(this.#parse(qs), ts, ts, 0);
    return this.#query(queryable, qs, expr, ts, ts, 0, opts);
  }

  /**
   * A range query over [start, end] every `stepMs` (ms). Throws ParseErrors for an invalid query
   * and InvalidQueryError when the expression is not a scalar or instant vector.
   */
  newRangeQuery(
    queryable: Queryable,
    qs: string,
    start: number,
    end: number,
    stepMs: number,
    opts: QueryOptions = {},
  ): Query {
    const parsed = this.#parse(qs);
    const t = exprType(parsed);
    if (t !== 'scalar' && t !== 'vector') {
      throw new InvalidQueryError(
        `invalid expression type "${documented(t)}" for range query, must be Scalar or instant Vector`,
      );
    }
    if (!(stepMs > 0)) {
      throw new InvalidQueryError(
        `${stepMs / 1000}s is not a valid interval for a range query, must be greater than 0`,
      );
    }
    if (end < start) throw new InvalidQueryError(`end time ${end} is before start time ${start}`);
    const expr = preprocessExpr(parsed, start, end, stepMs);
    return this.#query(queryable, qs, expr, start, end, stepMs, opts);
  }

  #query(
    queryable: Queryable,
    qs: string,
    expr: Expr,
    start: number,
    end: number,
    stepMs: number,
    qo: QueryOptions,
  ): Query {
    const o = this.#o;
    const run = async (eo: ExecOptions): Promise<Result> => {
      const annos = new Annotations();
      const stats: QueryStats = { samplesLoaded: 0, peakSamples: 0, histogramSamples: 0 };
      const signal = eo.signal;
      const budget = new EvalBudget(performance.now() + o.timeoutMs, signal);
      const samples = new SampleCounter(o.maxSamples);
      const lookback =
        qo.lookbackDeltaMs !== undefined && qo.lookbackDeltaMs > 0 ? qo.lookbackDeltaMs : o.lookbackDeltaMs;
      const shared: EvalShared = {
        data: new Map(),
        annos,
        lookbackDeltaMs: lookback,
        delayedNameRemoval: o.enableDelayedNameRemoval,
        noStepSubqueryIntervalFn: o.noStepSubqueryIntervalFn,
        budget,
        samples,
        queryStart: start,
        queryEnd: end,
        queryStepMs: stepMs,
        topLevelRange: stepMs > 0 && start !== end,
        perStep:
          (qo.enablePerStepStats ?? o.enablePerStepStats) && stepMs > 0
            ? new Float64Array(Math.floor((end - start) / stepMs) + 1)
            : null,
        histogramSamples: 0,
        depth: 0,
      };
      let querier: Querier | null = null;
      let value: QueryValue | null = null;
      let error: Error | null = null;
      try {
        if (signal?.aborted) throw new QueryCanceledError('query queue');
        const timer = new AbortController();
        const handle = setTimeout(() => timer.abort(), o.timeoutMs);
        try {
          const combined = signal === undefined ? timer.signal : AbortSignal.any([signal, timer.signal]);
          const selection = await selectAll(
            queryable,
            expr,
            { start, end, stepMs, lookbackDeltaMs: lookback },
            annos,
            combined,
            budget,
          );
          querier = selection.querier;
          shared.data = selection.data;
        } catch (err) {
          if (timer.signal.aborted) throw new QueryTimeoutError('query execution');
          if (signal?.aborted) throw new QueryCanceledError('query execution');
          throw err;
        } finally {
          clearTimeout(handle);
        }
        value = await evaluate(shared, expr, start, end, stepMs);
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        // Evaluation errors are results, as in Prometheus; bugs (TypeError…) are too, so that a
        // server answers instead of crashing, but they keep their class.
        error = err;
        value = null;
      }
      if (querier !== null) {
        try {
          await querier.close();
        } catch (err) {
          if (!(err instanceof Error)) throw err;
          // The query's own error is the one to report; a failed close fails a query that succeeded.
          if (error === null) {
            error = new StorageError(`closing the querier: ${err.message}`, { cause: err });
            value = null;
          }
        }
      }
      stats.samplesLoaded = samples.total;
      stats.peakSamples = samples.peak;
      stats.histogramSamples = shared.histogramSamples;
      if (error === null && shared.perStep !== null) {
        const perStep = shared.perStep;
        stats.samplesPerStep = Array.from(perStep, (f, k) => ({ t: start + k * stepMs, f }));
      }
      return { value, err: error, warnings: annos, stats };
    };
    return { expr, query: qs, exec: (eo: ExecOptions = {}) => run(eo) };
  }
}

function unwrapParens(e: Expr): Expr {
  while (e.type === 'ParenExpr' || e.type === 'StepInvariantExpr') e = e.expr;
  return e;
}

async function evaluate(
  shared: EvalShared,
  expr: Expr,
  start: number,
  end: number,
  stepMs: number,
): Promise<QueryValue> {
  const interval = stepMs > 0 ? stepMs : 1;
  const ev = new Evaluator(shared, start, end, interval);
  const t = exprType(expr);
  const inner = unwrapParens(expr);
  if (t === 'string') {
    if (inner.type !== 'StringLiteral') throw new PromQLEvalError('string expression expected');
    return { type: 'string', string: { t: start, v: inner.val } };
  }
  if (t === 'matrix') {
    if (inner.type !== 'MatrixSelector' && inner.type !== 'SubqueryExpr') {
      throw new PromQLEvalError('range vector expression expected');
    }
    const mat = await ev.rangeVectorAtInstant(inner);
    return { type: 'matrix', matrix: await cleanup(ev, shared, mat, false) };
  }
  const res = await ev.eval(expr);
  if (t === 'scalar') {
    if (stepMs === 0) {
      const s = res[0];
      return { type: 'scalar', scalar: { t: start, v: s !== undefined && s.length > 0 ? s.vs[0]! : Number.NaN } };
    }
    return { type: 'matrix', matrix: res };
  }
  const cleaned = await cleanup(ev, shared, res, stepMs > 0);
  if (stepMs === 0) {
    const vec: Sample[] = [];
    for (const s of cleaned) {
      if (s.length === 0) continue;
      const h = s.histogramAt(0);
      if (h !== undefined) vec.push({ metric: s.metric, t: s.ts[0]!, f: 0, dropName: s.dropName, h });
      else vec.push({ metric: s.metric, t: s.ts[0]!, f: s.vs[0]!, dropName: s.dropName });
    }
    return { type: 'vector', vector: vec };
  }
  return {
    type: 'matrix',
    matrix: await sortByLabels(
      ev,
      cleaned.filter((s) => s.length > 0),
    ),
  };
}

/** Delayed name removal: drop `__name__` where marked, then refuse duplicate label sets. */
// Prometheus: promql/engine.go cleanupMetricLabels
async function cleanup(ev: Evaluator, shared: EvalShared, mat: Matrix, rangeResult: boolean): Promise<Matrix> {
  if (shared.delayedNameRemoval) {
    for (const s of mat) if (s.dropName) s.metric = dropMetricName(s.metric);
  }
  if (rangeResult) return mergeSameLabels(ev, mat);
  const seen = new Set<string>();
  for (let i = 0; i < mat.length; i++) {
    const k = mat[i]!.metric.key();
    if (seen.has(k)) throw duplicateLabelsetError();
    seen.add(k);
    if ((i & 255) === 255 && ev.due()) await ev.pause();
  }
  return mat;
}
