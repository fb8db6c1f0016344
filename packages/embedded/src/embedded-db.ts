// The facade for the common case: a TSDB and the PromQL engine in one object, with times that say
// their unit, results as plain objects and one error style (every promise rejects with an
// EmbeddedError). The full packages stay underneath: `db.tsdb` and `db.engine`.
import { createAPIHandler } from '@tsprom/api';
import { Labels } from '@tsprom/labels';
import { nodeHandler, type FetchHandler, type NodeHandler, type NodeHandlerOptions } from '@tsprom/node-http';
import { Engine, type Query, type QueryValue, type Result } from '@tsprom/promql';
import { DB, type DBOptions } from '@tsprom/tsdb';
import { EmbeddedError, toEmbeddedError } from './errors.js';
import { dataRangeHints } from './hints.js';
import { plainValue, type QueryResult, type RangeQueryResult } from './result.js';
import { type DurationInput, durationMs, type TimeInput, timeMs } from './time.js';

/** A label set: a plain record (`{ __name__: 'up', job: 'api' }`) or a `Labels`. */
export type LabelsInput = Readonly<Record<string, string>> | Labels;

/** One sample of {@link EmbeddedDB.appendBatch}. */
export interface SampleInput {
  readonly labels: LabelsInput;
  readonly t: TimeInput;
  readonly v: number;
}

/** Options of {@link openDB}. */
export interface OpenOptions {
  /** PromQL's lookback delta: how far back an instant query looks for a sample (default '5m'). */
  readonly lookbackDelta?: DurationInput;
  /** A query's time limit (default '2m'). */
  readonly queryTimeout?: DurationInput;
  /** Most samples a query may hold at once (default 50 million, as Prometheus). */
  readonly maxSamples?: number;
  /** Options of the TSDB underneath (`@tsprom/tsdb`'s `DBOptions`, times in ms). */
  readonly tsdb?: DBOptions;
}

/** Options of one query. */
export interface QueryCallOptions {
  /** Aborts the query: it rejects with an EmbeddedError of type `canceled`. */
  readonly signal?: AbortSignal;
}

/** Options of {@link EmbeddedDB.apiHandler} and {@link EmbeddedDB.nodeHandler}. */
export interface APIHandlerOptions {
  /** Path the API is served under (default `/api/v1`). */
  readonly prefix?: string;
  /** Allowed CORS origins, fully anchored (default `.*`, as Prometheus). */
  readonly corsOrigin?: RegExp;
}

/**
 * Opens a DB: in memory when `dir` is undefined (nothing is kept, no Node API is used), else
 * backed by `dir` in Prometheus's on-disk format (WAL, head chunks, blocks), which Prometheus opens.
 * Rejects with an EmbeddedError (`unavailable` when the directory cannot be used).
 */
export async function openDB(dir?: string, opts: OpenOptions = {}): Promise<EmbeddedDB> {
  try {
    const lookbackDeltaMs = durationMs(opts.lookbackDelta ?? '5m', 'lookbackDelta');
    const timeoutMs = durationMs(opts.queryTimeout ?? '2m', 'queryTimeout');
    const engine = new Engine({ lookbackDeltaMs, timeoutMs, maxSamples: opts.maxSamples });
    const tsdb = await DB.open(dir, opts.tsdb);
    return new EmbeddedDB(tsdb, engine, lookbackDeltaMs);
  } catch (err) {
    if (err instanceof EmbeddedError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new EmbeddedError('unavailable', `opening ${dir ?? 'an in-memory DB'}: ${msg}`, { cause: err });
  }
}

/** A TSDB and a PromQL engine. Made by {@link openDB}. */
export class EmbeddedDB {
  /** The TSDB underneath (`@tsprom/tsdb`), for what the facade does not cover. */
  readonly tsdb: DB;
  /** The PromQL engine (`@tsprom/promql`) the queries run on. */
  readonly engine: Engine;
  readonly #lookbackDeltaMs: number;
  #closed = false;
  /** The handler queryJSON and queryRangeJSON go through, made on first use. */
  #api: FetchHandler | undefined;

  /** Use {@link openDB}. */
  constructor(tsdb: DB, engine: Engine, lookbackDeltaMs: number) {
    this.tsdb = tsdb;
    this.engine = engine;
    this.#lookbackDeltaMs = lookbackDeltaMs;
  }

  /** Appends one sample and commits it (with a dir: written to the WAL before this resolves). */
  append(labels: LabelsInput, t: TimeInput, v: number): Promise<void> {
    return this.appendBatch([{ labels, t, v }]);
  }

  /**
   * Appends the samples and commits them together: all are stored, or (one refused: out of order,
   * a bad label set, a value that is not a number) none, and the promise rejects naming it.
   */
  async appendBatch(samples: Iterable<SampleInput>): Promise<void> {
    this.#checkOpen();
    const app = this.tsdb.appender();
    let i = 0;
    try {
      for (const s of samples) {
        const t = timeMs(s.t, `sample ${i}: t`);
        if (typeof s.v !== 'number') {
          throw new EmbeddedError('bad_data', `sample ${i}: v: ${JSON.stringify(s.v)} is not a number`);
        }
        app.append(0, toLabels(s.labels, i), t, s.v);
        i++;
      }
    } catch (err) {
      await app.rollback();
      throw toEmbeddedError(err, `appending sample ${i}`);
    }
    try {
      await app.commit();
    } catch (err) {
      throw toEmbeddedError(err, 'committing samples');
    }
  }

  /** Runs an instant query at `at`. */
  async query(promql: string, at: TimeInput, opts: QueryCallOptions = {}): Promise<QueryResult> {
    const ts = this.#time(at, 'at');
    const { value, result } = await this.#run(promql, opts, () => this.engine.newInstantQuery(this.tsdb, promql, ts));
    return this.#result(promql, value, result, ts, ts);
  }

  /** Runs a range query from `start` to `end` (inclusive) every `step`. */
  async queryRange(
    promql: string,
    start: TimeInput,
    end: TimeInput,
    step: DurationInput,
    opts: QueryCallOptions = {},
  ): Promise<RangeQueryResult> {
    const s = this.#time(start, 'start');
    const e = this.#time(end, 'end');
    const stepMs = durationMs(step, 'step');
    if (e < s) throw new EmbeddedError('bad_data', 'end timestamp must not be before start time');
    if ((e - s) / stepMs > 11_000) {
      // Prometheus's API refuses the same: a typo in step or range would otherwise run for ages.
      throw new EmbeddedError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries');
    }
    const { value, result } = await this.#run(promql, opts, () =>
      this.engine.newRangeQuery(this.tsdb, promql, s, e, stepMs),
    );
    return this.#result(promql, value, result, s, e) as RangeQueryResult;
  }

  /**
   * Runs an instant query and answers with Prometheus's `/api/v1/query` response body (JSON text,
   * byte for byte as the HTTP API gives it, through the same handler). An error rejects with an
   * EmbeddedError of the response's `errorType`, as every call of the facade.
   */
  queryJSON(promql: string, at: TimeInput): Promise<string> {
    const ts = this.#time(at, 'at');
    return this.#callAPI('query', { query: promql, time: String(ts / 1000) });
  }

  /** Runs a range query and answers with Prometheus's `/api/v1/query_range` response body. */
  queryRangeJSON(promql: string, start: TimeInput, end: TimeInput, step: DurationInput): Promise<string> {
    const s = this.#time(start, 'start');
    const e = this.#time(end, 'end');
    const stepMs = durationMs(step, 'step');
    return this.#callAPI('query_range', {
      query: promql,
      start: String(s / 1000),
      end: String(e / 1000),
      step: String(stepMs / 1000),
    });
  }

  /**
   * Prometheus's HTTP API (`/api/v1/query`, `query_range`, `series`, `labels`, `label/<name>/values`,
   * `status/tsdb`...) over this DB, as a fetch-style handler: `@tsprom/api`'s `createAPIHandler`, the
   * tsprom server's own. Grafana's Prometheus data source works against it.
   */
  apiHandler(opts: APIHandlerOptions = {}): FetchHandler {
    return createAPIHandler({
      queryable: this.tsdb,
      engine: this.engine,
      prefix: opts.prefix,
      corsOrigin: opts.corsOrigin,
      // The TSDB's numbers for `status/tsdb` and `status/tsdb/blocks`.
      status: {
        blockMetas: () => this.tsdb.blocks(),
        headStats: () => {
          const st = this.tsdb.stats();
          return {
            numSeries: st.numSeries,
            numLabelPairs: st.numLabelPairs,
            chunkCount: st.numChunks,
            minTime: st.minTime,
            maxTime: st.maxTime,
          };
        },
      },
    });
  }

  /**
   * The API of {@link apiHandler} as a Node `http` request listener and Express/connect middleware
   * `(req, res, next?)` (`@tsprom/node-http`'s `nodeHandler`, as the tsprom server serves it):
   * paths outside the prefix go to `next`, or get 404.
   */
  nodeHandler(opts: APIHandlerOptions & Omit<NodeHandlerOptions, 'prefix'> = {}): NodeHandler {
    return nodeHandler(this.apiHandler(opts), { prefix: opts.prefix, compress: opts.compress, onError: opts.onError });
  }

  /**
   * Closes the DB: with a dir, the WAL is flushed and closed and the lock released; the dir then
   * opens in tsprom or Prometheus with every committed sample. Calls after it reject (`unavailable`).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.tsdb.close();
    } catch (err) {
      throw toEmbeddedError(err, 'closing the DB');
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new EmbeddedError('unavailable', 'the DB is closed');
  }

  #time(t: TimeInput, what: string): number {
    this.#checkOpen();
    return timeMs(t, what);
  }

  async #run(
    promql: string,
    opts: QueryCallOptions,
    newQuery: () => Query,
  ): Promise<{ value: QueryValue; result: Result }> {
    const context = `query ${JSON.stringify(promql)}`;
    let q: Query;
    try {
      q = newQuery();
    } catch (err) {
      throw toEmbeddedError(err, context);
    }
    let result: Result;
    try {
      result = await q.exec({ signal: opts.signal });
    } catch (err) {
      throw toEmbeddedError(err, context);
    }
    if (result.err !== null) throw toEmbeddedError(result.err, context);
    if (result.value === null) throw new EmbeddedError('internal', `${context}: no value and no error`);
    return { value: result.value, result };
  }

  #result(promql: string, value: QueryValue, result: Result, startMs: number, endMs: number): QueryResult {
    const { warnings, infos } = result.warnings.asStrings(promql);
    const hints = dataRangeHints(this.tsdb, startMs - this.#lookbackDeltaMs, endMs);
    return { ...plainValue(value), warnings, infos, hints } as QueryResult;
  }

  async #callAPI(endpoint: string, params: Record<string, string>): Promise<string> {
    this.#api ??= this.apiHandler();
    const res = await this.#api(
      new Request(`http://embedded/api/v1/${endpoint}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      }),
    );
    const text = await res.text();
    if (res.status === 200) return text;
    const body = JSON.parse(text) as { errorType?: string; error?: string };
    const type = body.errorType;
    throw new EmbeddedError(
      type === 'bad_data' || type === 'execution' || type === 'timeout' || type === 'canceled' || type === 'unavailable'
        ? type
        : 'internal',
      `query ${JSON.stringify(params.query)}: ${body.error ?? text}`,
    );
  }
}

function toLabels(l: LabelsInput, i: number): Labels {
  if (l instanceof Labels) return l;
  if (typeof l !== 'object' || l === null) {
    throw new EmbeddedError('bad_data', `sample ${i}: labels: ${JSON.stringify(l)} is not a label set`);
  }
  for (const [k, v] of Object.entries(l)) {
    if (typeof v !== 'string') {
      throw new EmbeddedError('bad_data', `sample ${i}: label ${k}: value ${JSON.stringify(v)} is not a string`);
    }
  }
  const ls = Labels.fromMap(l as Record<string, string>);
  if (ls.isEmpty()) throw new EmbeddedError('bad_data', `sample ${i}: an empty label set`);
  return ls;
}
