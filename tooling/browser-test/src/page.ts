// The program the browser test bundles with esbuild (as a user would: no flag beyond `bundle`) and
// runs in headless Chromium. It opens the in-memory TSDB with default options, appends 10 minutes
// of two counters, runs an instant and a range query with the PromQL engine, checks the results
// itself, and leaves a report on `globalThis.tspromBrowserTest` for the test to read.
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { DB, FileSystemUnavailableError } from '@tsprom/tsdb';

/** What the page reports: every check it made, and what it computed. */
export interface PageReport {
  /** Failed checks (empty when everything held). */
  failures: string[];
  /** `sum by (job) (rate(http_requests_total[1m]))` at 600 s: job → value. */
  instant: Record<string, number>;
  /** `http_requests_total{job="api"}` over [0, 600 s] every 60 s: [t, v] pairs. */
  range: [number, number][];
  /** The message DB.open(dir) rejected with. */
  openDirError: string;
  userAgent: string;
}

declare global {
  var tspromBrowserTest: Promise<PageReport> | undefined;
}

const stepMs = 15_000;
const endMs = 600_000;
/** Per-second rates of the counters, by job. */
const rates = { api: 2, web: 5 } as const;

async function run(): Promise<PageReport> {
  const failures: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) failures.push(what);
  };

  const db = await DB.open();
  const app = db.appender();
  const refs = new Map<string, number>();
  for (let t = 0; t <= endMs; t += stepMs) {
    for (const [job, perSecond] of Object.entries(rates)) {
      const labels = Labels.fromStrings('__name__', 'http_requests_total', 'job', job);
      refs.set(job, app.append(refs.get(job) ?? 0, labels, t, (t / 1000) * perSecond));
    }
  }
  await app.commit();
  check(db.stats().numSeries === 2, `head holds ${db.stats().numSeries} series, want 2`);
  check(db.stats().numSamples === 82, `head holds ${db.stats().numSamples} samples, want 82`);

  const engine = new Engine();
  const instant: Record<string, number> = {};
  const iq = await engine.newInstantQuery(db, 'sum by (job) (rate(http_requests_total[1m]))', endMs).exec();
  if (iq.err !== null) failures.push(`instant query failed: ${iq.err.message}`);
  else if (iq.value?.type !== 'vector') failures.push(`instant query gave a ${iq.value?.type}, want a vector`);
  else {
    for (const s of iq.value.vector) instant[s.metric.get('job')] = s.f;
    check(iq.value.vector.length === 2, `instant query gave ${iq.value.vector.length} series, want 2`);
    for (const [job, perSecond] of Object.entries(rates)) {
      const got = instant[job];
      check(got !== undefined && Math.abs(got - perSecond) < 1e-9, `rate of ${job} is ${got}, want ${perSecond}`);
    }
  }

  const range: [number, number][] = [];
  const rq = await engine.newRangeQuery(db, 'http_requests_total{job="api"}', 0, endMs, 60_000).exec();
  if (rq.err !== null) failures.push(`range query failed: ${rq.err.message}`);
  else if (rq.value?.type !== 'matrix') failures.push(`range query gave a ${rq.value?.type}, want a matrix`);
  else {
    check(rq.value.matrix.length === 1, `range query gave ${rq.value.matrix.length} series, want 1`);
    for (const { t, f } of rq.value.matrix[0]?.floats() ?? []) range.push([t, f]);
    const want = Array.from({ length: 11 }, (_, i): [number, number] => [i * 60_000, i * 60 * rates.api]);
    check(JSON.stringify(range) === JSON.stringify(want), `range query gave ${JSON.stringify(range)}`);
  }
  await db.close();

  let openDirError = '';
  try {
    await DB.open('/var/lib/tsprom');
    failures.push('DB.open(dir) opened a directory in a browser');
  } catch (err) {
    check(err instanceof FileSystemUnavailableError, `DB.open(dir) rejected with ${String(err)}`);
    openDirError = err instanceof Error ? err.message : String(err);
  }
  return { failures, instant, range, openDirError, userAgent: navigator.userAgent };
}

globalThis.tspromBrowserTest = run().catch((err: unknown) => ({
  failures: [`threw: ${err instanceof Error ? `${err.stack ?? err.message}` : String(err)}`],
  instant: {},
  range: [],
  openDirError: '',
  userAgent: navigator.userAgent,
}));
