#!/usr/bin/env node
// Queries a CSV file with PromQL: `custom-storage <file.csv> <query> [<time>]` prints the result of
// an instant query (at <time>, RFC 3339 or ms; default the newest sample) as Prometheus's API
// `data` JSON; `custom-storage <file.csv> <query> <start> <end> <step-ms>` a range query.
import { Engine, type QueryValue } from '@tsprom/promql';
import { CsvQueryable } from './csv-queryable.js';

function time(s: string): number {
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`time ${s} does not read (RFC 3339 or ms since the epoch)`);
  return t;
}

/** The value in the shape of Prometheus's API (`resultType`, `result`; times in seconds, values as strings). */
function apiData(v: QueryValue): unknown {
  const point = (t: number, f: number) => [t / 1000, String(f)];
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: point(v.scalar.t, v.scalar.v) };
    case 'string':
      return { resultType: 'string', result: [v.string.t / 1000, v.string.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: v.vector.map((s) => ({ metric: s.metric.toMap(), value: point(s.t, s.f) })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.matrix.map((s) => ({ metric: s.metric.toMap(), values: s.floats().map((p) => point(p.t, p.f)) })),
      };
  }
}

async function main(args: string[]): Promise<void> {
  const [file, query, ...times] = args;
  if (file === undefined || query === undefined) {
    throw new Error('usage: custom-storage <file.csv> <query> [<time> | <start> <end> <step-ms>]');
  }
  const storage = await CsvQueryable.load(file);
  const engine = new Engine({ lookbackDeltaMs: 5 * 60_000 });
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of storage.series) newest = Math.max(newest, s.ts[s.ts.length - 1] ?? newest);
  const q =
    times.length >= 3
      ? engine.newRangeQuery(storage, query, time(times[0]!), time(times[1]!), Number(times[2]))
      : engine.newInstantQuery(storage, query, times[0] === undefined ? newest : time(times[0]));
  const res = await q.exec({ signal: AbortSignal.timeout(30_000) });
  if (res.err !== null) throw res.err;
  console.log(JSON.stringify(apiData(res.value!)));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`custom-storage: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
