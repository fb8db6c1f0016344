// Prometheus: web/api/v1/api.go query, queryRange, extractQueryOpts, truncateResults, and the
// query statistics of util/stats (`stats=` parameter).
import {
  type Query,
  QueryCanceledError,
  type QueryOptions,
  type QueryStats,
  QueryTimeoutError,
  type QueryValue,
  type Result,
} from '@tsprom/promql';
import { Annotations } from '@tsprom/storage-interfaces';
import { APIError, invalidParamError, returnAPIError } from './api-error.js';
import { goJSON } from './go-json.js';
import type { JSONWriter } from './json-writer.js';
import { parseDuration, parseLimitParam, parseTime, parseTimeParam } from './params.js';
import type { RequestContext } from './request-context.js';
import type { QueryEngine } from './api-options.js';
import type { APIResult } from './respond.js';
import { writeQueryResult } from './result-json.js';

/** Prometheus's bound on points per series of a range query. */
const MAX_POINTS_PER_SERIES = 11_000;

function param<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw invalidParamError(err, name);
  }
}

/** Prometheus extractQueryOpts: `lookback_delta` and per-step stats (`stats=all`). */
function queryOptions(c: RequestContext): QueryOptions {
  const opts: QueryOptions = {
    enablePerStepStats: c.form.get('stats') === 'all' && c.opts.enablePerStepStats === true,
  };
  const lb = c.form.get('lookback_delta');
  if (lb !== '') {
    try {
      opts.lookbackDeltaMs = parseDuration(lb);
    } catch (err) {
      throw new APIError('bad_data', `error parsing lookback delta duration: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return opts;
}

/** The `timeout` parameter in ms, or undefined when absent. */
function timeoutParam(c: RequestContext): number | undefined {
  const to = c.form.get('timeout');
  if (to === '') return undefined;
  return param('timeout', () => parseDuration(to));
}

interface Timings {
  queueMs: number;
  evalMs: number;
}

/**
 * Runs `q` within the concurrency limit, the request's timeout and the client's connection. A
 * timeout the request asked for is reported as a timeout (Prometheus: context deadline).
 */
async function run(c: RequestContext, q: Query, timeoutMs: number | undefined): Promise<Result & Timings> {
  const t0 = performance.now();
  // A deadline already past (timeout=0s) aborts at once, as Go's context does, not a tick later.
  const deadline =
    timeoutMs === undefined
      ? undefined
      : timeoutMs <= 0
        ? AbortSignal.abort(new DOMException('query timeout', 'TimeoutError'))
        : AbortSignal.timeout(timeoutMs);
  const signal = deadline === undefined ? c.signal : AbortSignal.any([c.signal, deadline]);
  let release: () => void;
  try {
    release = await c.gate.acquire(signal);
  } catch (err) {
    if (deadline?.aborted === true) throw new APIError('timeout', new QueryTimeoutError('query queue').message);
    throw new APIError('canceled', new QueryCanceledError('query queue').message, { cause: err });
  }
  const t1 = performance.now();
  let res: Result;
  try {
    res = await q.exec({ signal });
  } finally {
    release();
  }
  if (res.err instanceof QueryCanceledError && deadline?.aborted === true) {
    res = { ...res, err: new QueryTimeoutError(res.err.where) };
  }
  return { ...res, queueMs: t1 - t0, evalMs: performance.now() - t1 };
}

/** Prometheus stats.NewQueryStats as JSON: timings in seconds, sample counts. */
function statsJSON(stats: QueryStats, t: Timings): string {
  const s = (ms: number): number => ms / 1000;
  const timings = {
    evalTotalTime: s(t.evalMs),
    resultSortTime: 0,
    queryPreparationTime: 0,
    innerEvalTime: s(t.evalMs),
    execQueueTime: s(t.queueMs),
    execTotalTime: s(t.queueMs + t.evalMs),
  };
  const samples: Record<string, unknown> = {};
  if (stats.samplesPerStep !== undefined) {
    samples.totalQueryableSamplesPerStep = stats.samplesPerStep.map((p) => [p.t / 1000, p.f]);
  }
  samples.totalQueryableSamples = stats.samplesLoaded;
  samples.peakSamples = stats.peakSamples;
  return goJSON({ timings, samples });
}

/** Prometheus truncateResults: at most `limit` series of a vector or matrix. */
function truncate(v: QueryValue, limit: number): { value: QueryValue; truncated: boolean } {
  if (v.type === 'vector' && v.vector.length > limit) {
    return { value: { type: 'vector', vector: v.vector.slice(0, limit) }, truncated: true };
  }
  if (v.type === 'matrix' && v.matrix.length > limit) {
    return { value: { type: 'matrix', matrix: v.matrix.slice(0, limit) }, truncated: true };
  }
  return { value: v, truncated: false };
}

function resultOf(c: RequestContext, res: Result & Timings, limit: number): APIResult {
  if (res.err !== null || res.value === null) throw returnAPIError(res.err ?? new Error('query returned no value'));
  let value = res.value;
  let warnings: Annotations = res.warnings;
  if (limit > 0) {
    const t = truncate(value, limit);
    value = t.value;
    if (t.truncated) warnings = new Annotations().merge(warnings).add(new Error('results truncated due to limit'));
  }
  const stats = c.form.get('stats') === '' ? '' : `,"stats":${statsJSON(res.stats, res)}`;
  const write = (w: JSONWriter): void => {
    w.ascii(`{"resultType":"${value.type}","result":`);
    writeQueryResult(w, value);
    w.ascii(stats);
    w.byte(0x7d);
  };
  return { write, warnings };
}

function engineOf(c: RequestContext): QueryEngine {
  if (c.opts.engine === undefined) throw new APIError('unavailable', 'no query engine');
  return c.opts.engine;
}

/** GET/POST /api/v1/query */
export async function query(c: RequestContext): Promise<APIResult> {
  const limit = param('limit', () => parseLimitParam(c.form.get('limit')));
  const ts = param('time', () => parseTimeParam(c.form.get('time'), 'time', c.now()));
  const timeoutMs = timeoutParam(c);
  const opts = queryOptions(c);
  const q = param('query', () => engineOf(c).newInstantQuery(c.opts.queryable, c.form.get('query'), ts, opts));
  return resultOf(c, await run(c, q, timeoutMs), limit);
}

/** GET/POST /api/v1/query_range */
export async function queryRange(c: RequestContext): Promise<APIResult> {
  const limit = param('limit', () => parseLimitParam(c.form.get('limit')));
  const start = param('start', () => parseTime(c.form.get('start')));
  const end = param('end', () => parseTime(c.form.get('end')));
  if (end < start) throw invalidParamError(new Error('end timestamp must not be before start time'), 'end');
  const step = param('step', () => parseDuration(c.form.get('step')));
  if (step <= 0) {
    throw invalidParamError(
      new Error('zero or negative query resolution step widths are not accepted. Try a positive integer'),
      'step',
    );
  }
  // Go divides two durations in ns, truncating.
  if (Math.trunc((end - start) / step) > MAX_POINTS_PER_SERIES) {
    throw new APIError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const timeoutMs = timeoutParam(c);
  const opts = queryOptions(c);
  const q = param('query', () =>
    engineOf(c).newRangeQuery(c.opts.queryable, c.form.get('query'), start, end, step, opts),
  );
  return resultOf(c, await run(c, q, timeoutMs), limit);
}
