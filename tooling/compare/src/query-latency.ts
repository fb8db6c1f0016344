// The dashboard-like queries of `pnpm bench:compare` and their latency over HTTP: each peer asked
// the same request with the same client (node's fetch), warm-up rounds first, then repeated runs
// interleaved between the peers (so a busy moment of the machine hits all of them), the median and
// p90 of each.
import type { DataSetSpec } from './data-set.js';

export interface BenchQuery {
  readonly name: string;
  readonly query: string;
  readonly kind: 'instant' | 'range';
  /** Range queries: how far back from the end (s) and the step (s). */
  readonly rangeS?: number;
  readonly stepS?: number;
  /** Native histograms: VictoriaMetrics 1.79 has none. */
  readonly native?: boolean;
}

/** The fixed query set. */
export const BENCH_QUERIES: readonly BenchQuery[] = [
  {
    name: 'sum by (job) (rate[5m]), 1 h at 15 s',
    query: 'sum by (job) (rate(http_requests_total[5m]))',
    kind: 'range',
    rangeS: 3600,
    stepS: 15,
  },
  {
    name: 'histogram_quantile classic, 1 h at 15 s',
    query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
    kind: 'range',
    rangeS: 3600,
    stepS: 15,
  },
  { name: 'count({__name__=~".+"})', query: 'count({__name__=~".+"})', kind: 'instant' },
  {
    name: 'subquery max_over_time[30m:1m], 1 h at 60 s',
    query: 'max_over_time(sum by (job) (rate(http_requests_total[5m]))[30m:1m])',
    kind: 'range',
    rangeS: 3600,
    stepS: 60,
  },
  {
    name: 'topk(5) by instance, 1 h at 15 s',
    query: 'topk(5, sum by (instance) (rate(process_cpu_seconds_total[5m])))',
    kind: 'range',
    rangeS: 3600,
    stepS: 15,
  },
  {
    name: 'raw series of 4 jobs as JSON, 1 h at 15 s',
    query: 'memory_usage_bytes{job=~"api|web|db|cache"}',
    kind: 'range',
    rangeS: 3600,
    stepS: 15,
  },
  { name: 'sum by (code) (increase[1h])', query: 'sum by (code) (increase(http_requests_total[1h]))', kind: 'instant' },
  {
    name: 'sum(rate[5m]) over the whole data set at 60 s',
    query: 'sum(rate(http_requests_total[5m]))',
    kind: 'range',
    rangeS: 0,
    stepS: 60,
  },
  {
    name: 'histogram_quantile native, 30 m at 15 s',
    query: 'histogram_quantile(0.99, sum(rate(rpc_latency_seconds[5m])))',
    kind: 'range',
    rangeS: 1800,
    stepS: 15,
    native: true,
  },
];

/** The request path and parameters of `q` on `spec`'s data (ending 7 s past its last minute). */
export function queryRequest(q: BenchQuery, spec: DataSetSpec): { path: string; params: URLSearchParams } {
  const end = Math.floor((spec.startMs + spec.durationMs) / 60_000) * 60 - 53;
  if (q.kind === 'instant')
    return { path: '/api/v1/query', params: new URLSearchParams({ query: q.query, time: String(end) }) };
  const start = q.rangeS === 0 ? Math.ceil(spec.startMs / 1000) + 300 : end - q.rangeS!;
  return {
    path: '/api/v1/query_range',
    params: new URLSearchParams({ query: q.query, start: String(start), end: String(end), step: String(q.stepS) }),
  };
}

/** One request: its latency (ms) and whether it answered 200 with `"status":"success"`. */
export async function timeRequest(
  url: string,
  path: string,
  params: URLSearchParams,
): Promise<{ ms: number; ok: boolean; body: string }> {
  const t0 = performance.now();
  const res = await fetch(`${url}${path}?${params}`, { signal: AbortSignal.timeout(300_000) });
  const body = await res.text();
  const ms = performance.now() - t0;
  return { ms, ok: res.ok && body.startsWith('{"status":"success"'), body };
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** Latencies of `q` on each peer: `warmup` rounds, then `runs` rounds interleaved. */
export async function measureQuery(
  q: BenchQuery,
  spec: DataSetSpec,
  peers: readonly { name: string; url: string }[],
  warmup: number,
  runs: number,
): Promise<Map<string, { median: number; p90: number } | { error: string }>> {
  const { path, params } = queryRequest(q, spec);
  const times = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  const errors = new Map<string, string>();
  for (let r = 0; r < warmup + runs; r++) {
    for (const p of peers) {
      if (errors.has(p.name)) continue;
      const t = await timeRequest(p.url, path, params);
      if (!t.ok) errors.set(p.name, t.body.slice(0, 200));
      else if (r >= warmup) times.get(p.name)!.push(t.ms);
    }
  }
  const out = new Map<string, { median: number; p90: number } | { error: string }>();
  for (const p of peers) {
    const e = errors.get(p.name);
    const ts = times.get(p.name)!;
    out.set(p.name, e !== undefined ? { error: e } : { median: percentile(ts, 50), p90: percentile(ts, 90) });
  }
  return out;
}
