// `pnpm start` runs this until the tsprom server exists. It opens a TSDB in ./data (replaying the
// WAL a previous run left), appends 15 minutes of samples of a few counters through the storage
// Appender, and asks the PromQL engine for their per-job rates: the packages' data flow, end to end.
import { resolve } from 'node:path';
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';

// `pnpm start` runs this from tooling/demo; ./data means the directory pnpm was started in.
const dir = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? 'data');
console.log('tsprom demo: the server is not built yet, so this runs the packages end to end instead:');
console.log(`it appends samples to a TSDB in ${dir} (@tsprom/tsdb) and queries them with PromQL (@tsprom/promql).\n`);

const db = await DB.open(dir);
const replay = db.openReport?.wal;
if (replay !== undefined && replay.records > 0) {
  console.log(`replayed the WAL: ${replay.series} series, ${replay.samples} samples from earlier runs`);
}

const stepMs = 15_000;
const now = Math.floor(Date.now() / stepMs) * stepMs;
const stats = db.stats();
const from = Math.max(now - 15 * 60_000, stats.numSamples > 0 ? stats.maxTime + stepMs : 0);
const series = [
  ['api', 'GET', 3],
  ['api', 'POST', 1],
  ['web', 'GET', 7],
] as const;
const app = db.appender();
const refs = new Map<number, number>();
let appended = 0;
for (let t = from; t <= now; t += stepMs) {
  series.forEach(([job, method, perSecond], i) => {
    const labels = Labels.fromStrings('__name__', 'http_requests_total', 'job', job, 'method', method);
    const ref = app.append(refs.get(i) ?? 0, labels, t, Math.round((t / 1000) * perSecond));
    refs.set(i, ref);
    appended++;
  });
}
await app.commit();
console.log(`appended and committed ${appended} samples; the head holds ${db.stats().numSeries} series\n`);

const engine = new Engine({});
const query = 'sum by (job) (rate(http_requests_total[5m]))';
const result = await engine.newInstantQuery(db, query, now).exec();
if (result.err !== null) throw result.err;
console.log(`${query} at ${new Date(now).toISOString()}:`);
if (result.value?.type === 'vector') {
  for (const s of result.value.vector) console.log(`  ${s.metric.toString()} => ${s.f}`);
}
await db.close();
