#!/usr/bin/env node
// `embed-node <data-dir>`: runs the app for ten minutes of its own time (a tick every 15 s, the
// clock simulated so that the run takes a second), each tick serving requests and recording its
// metrics, then answers PromQL three ways: from the DB, through its own HTTP API, and through an
// Express app mounting the same handler. Prints one JSON object per line; the DB is closed last.
import { startApp } from './app.js';
import { startExpressApp } from './express-app.js';

/** The queries whose answers are printed (and compared with Prometheus's by the tests). */
const QUERIES = [
  'app_http_requests_total',
  'sum by (path) (app_http_requests_total)',
  'rate(app_http_requests_total[2m])',
  'increase(app_http_requests_total{path="/hello"}[5m])',
  'app_uptime_seconds',
  'max_over_time(app_uptime_seconds[10m]) - min_over_time(app_uptime_seconds[10m])',
];
const RANGE_QUERY = 'sum(rate(app_http_requests_total[1m]))';

async function main(dataDir: string | undefined): Promise<void> {
  const tickMs = 15_000;
  // Ten minutes ending at the last whole minute: recent data, as an app's own.
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const start = new Date(end - 40 * tickMs);
  const app = await startApp(dataDir, start);
  const out = (o: unknown) => console.log(JSON.stringify(o));
  for (let i = 0; i <= 40; i++) {
    for (let r = 0; r < (i % 3) + 1; r++) await fetch(`${app.url}/hello`);
    if (i % 2 === 0) await fetch(`${app.url}/work`);
    await app.record(new Date(start.getTime() + i * tickMs));
  }
  const at = new Date(end);
  out({ at: at.toISOString() });
  const r = await app.db.query('sum by (path) (app_http_requests_total)', at);
  if (r.resultType === 'vector') out({ requests: r.result.map((s) => [s.metric.path, s.value]).sort() });
  const far = await app.db.query('app_uptime_seconds', { ms: end / 1000 });
  out({ hints: far.hints });
  const http = await fetch(
    `${app.url}/api/v1/query?query=${encodeURIComponent('count(app_http_requests_total)')}&time=${end / 1000}`,
  );
  out({ http: await http.json() });
  const ex = await startExpressApp(app.db);
  const viaExpress = await fetch(`${ex.url}/api/v1/query?query=app_uptime_seconds&time=${end / 1000}`);
  out({ express: await viaExpress.json(), expressRoot: await (await fetch(`${ex.url}/`)).text() });
  await new Promise((resolve) => ex.server.close(resolve));
  // Compared with Prometheus 2.42 by the tests: one second past a sample, so that no sample sits on
  // the left edge of a range selector's window, which Prometheus 3 (and tsprom) leave out and 2.x
  // took in; elsewhere the answers are the same.
  const cmp = end + 1000;
  const answers: Record<string, unknown> = {};
  for (const q of QUERIES) answers[q] = JSON.parse(await app.db.queryJSON(q, new Date(cmp)));
  const rangeStart = new Date(cmp - 300_000);
  answers[RANGE_QUERY] = JSON.parse(await app.db.queryRangeJSON(RANGE_QUERY, rangeStart, new Date(cmp), '30s'));
  out({
    answers,
    compare: { at: cmp / 1000, range: { query: RANGE_QUERY, start: cmp / 1000 - 300, end: cmp / 1000, step: 30 } },
  });
  await app.close();
  out({ closed: true });
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`embed-node: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
