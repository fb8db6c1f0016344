// Prometheus: promql/engine.go engineMetrics: the engine's self-metrics, kept by wrapping the
// engine the API calls (the engine itself reports stats per query, not totals).
import type { QueryEngine } from '@tsprom/api';
import type { Engine, Query } from '@tsprom/promql';
import { type MetricFamily, single } from './metrics-registry.js';

/** The engine with prometheus_engine_* counters around every query it runs. */
export class InstrumentedEngine implements QueryEngine {
  #active = 0;
  #samples = 0;
  #queries = 0;
  #evalSeconds = 0;
  #failed = 0;

  constructor(
    readonly engine: Engine,
    readonly maxConcurrency: number,
  ) {}

  #wrap(q: Query): Query {
    return {
      expr: q.expr,
      query: q.query,
      exec: async (opts) => {
        this.#active++;
        const t0 = performance.now();
        try {
          const res = await q.exec(opts);
          this.#samples += res.stats.samplesLoaded;
          if (res.err !== null) this.#failed++;
          return res;
        } finally {
          this.#active--;
          this.#queries++;
          this.#evalSeconds += (performance.now() - t0) / 1000;
        }
      },
    };
  }

  newInstantQuery(...args: Parameters<Engine['newInstantQuery']>): Query {
    return this.#wrap(this.engine.newInstantQuery(...args));
  }

  newRangeQuery(...args: Parameters<Engine['newRangeQuery']>): Query {
    return this.#wrap(this.engine.newRangeQuery(...args));
  }

  collect(): MetricFamily[] {
    return [
      single(
        'prometheus_engine_queries',
        'The current number of queries being executed or waiting.',
        'gauge',
        this.#active,
      ),
      single(
        'prometheus_engine_queries_concurrent_max',
        'The max number of concurrent queries.',
        'gauge',
        this.maxConcurrency,
      ),
      single(
        'prometheus_engine_query_samples_total',
        'The total number of samples loaded by all queries.',
        'counter',
        this.#samples,
      ),
      single('tsprom_engine_queries_failed_total', 'Queries that ended with an error.', 'counter', this.#failed),
      {
        name: 'prometheus_engine_query_duration_seconds',
        help: 'Query timings',
        type: 'summary',
        samples: [
          { suffix: '_sum', labels: { slice: 'inner_eval' }, value: this.#evalSeconds },
          { suffix: '_count', labels: { slice: 'inner_eval' }, value: this.#queries },
        ],
      },
    ];
  }
}
