// Real exporters on 127.0.0.1 scraped into a real TSDB: Debian's prometheus-node-exporter and a
// Node app instrumented with prom-client (text and OpenMetrics). The stored sample count equals
// what the body held (counted here line by line, not by our parser); up = 1; stopping the
// exporter writes up = 0 and a stale marker for every series it had exposed.
import { DefaultHTTPClientConfig } from '@tsprom/config';
import { Matcher, MatchType } from '@tsprom/labels';
import { acceptHeader, DefaultScrapeProtocols } from '@tsprom/textparse';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTPClient } from '@tsprom/http-client';
import { ScrapeLoop } from './scrape-loop.js';
import { ScrapeMetrics } from './scrape-metrics.js';
import type { ScrapeResponse, Scraper } from './scraper.js';
import type { Target } from './target.js';
import { TargetScraper } from './target-scraper.js';
import { loopOptions, makeTarget, targetConfig } from './testing/loop-fixture.js';
import { PEERS, requirePeer, type ServerPeer, startNodeExporter, startServer } from '@tsprom/test-support';
import { readAll, type StoredSeries } from './testing/read-storage.js';

/** The real HTTP scraper, keeping a copy of the last body it fetched. */
class RecordingScraper implements Scraper {
  last = '';
  lastContentType = '';
  constructor(readonly inner: Scraper) {}
  async scrape(signal: AbortSignal): Promise<ScrapeResponse> {
    const r = await this.inner.scrape(signal);
    this.last = new TextDecoder().decode(r.body);
    this.lastContentType = r.contentType;
    return r;
  }
}

/** Sample lines of an exposition: every non-empty line that is not a `#` line. */
function countSampleLines(body: string): number {
  let n = 0;
  for (const line of body.split('\n')) if (line.trim() !== '' && !line.startsWith('#')) n++;
  return n;
}

const REPORT = /^(up|scrape_.*)$/;

let db: DB;
let client: HTTPClient;
beforeEach(async () => {
  db = await DB.open();
  client = await HTTPClient.create(DefaultHTTPClientConfig);
});
afterEach(async () => {
  await client.close();
  await db.close();
});

function loopFor(target: Target): { loop: ScrapeLoop; rec: RecordingScraper } {
  const rec = new RecordingScraper(
    new TargetScraper(target, client, {
      timeoutMs: 10_000,
      bodySizeLimitBytes: 0,
      acceptHeader: acceptHeader(DefaultScrapeProtocols),
      enableCompression: true,
      userAgent: 'tsprom-test',
    }),
  );
  const loop = new ScrapeLoop({
    target,
    scraper: rec,
    appendable: db,
    options: loopOptions(),
    metrics: new ScrapeMetrics(),
  });
  return { loop, rec };
}

/** Scrapes `target` twice, checks counts and up, stops the peer, scrapes again, checks staleness. */
async function scrapeThenStop(
  peer: ServerPeer,
  target: Target,
): Promise<{ scraped: StoredSeries[]; contentType: string }> {
  const { loop, rec } = loopFor(target);
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 30_000;
  await loop.scrapeAndReport(t0);
  expect(target.lastError).toBeUndefined();
  await loop.scrapeAndReport(t0 + 10_000);
  expect(target.lastError).toBeUndefined();
  const lines = countSampleLines(rec.last);
  const contentType = rec.lastContentType;
  let all = await readAll(db);
  const at = (name: string) => all.find((s) => s.name === name)?.samples.at(-1)?.[1];
  expect(at('up')).toBe(1);
  expect(at('scrape_samples_scraped')).toBe(lines);
  expect(at('scrape_samples_post_metric_relabeling')).toBe(lines);
  // Every sample of the second scrape is stored, at its timestamp.
  const fresh = all.filter((s) => !REPORT.test(s.name) && s.samples.some(([t]) => t === t0 + 10_000));
  expect(fresh.length).toBe(lines);

  await peer.stop();
  await loop.scrapeAndReport(t0 + 20_000);
  expect(target.health).toBe('down');
  all = await readAll(db);
  expect(at('up')).toBe(0);
  for (const s of fresh) {
    const now = all.find((x) => x.labels === s.labels)!;
    expect(now.samples.at(-1), s.labels).toEqual([t0 + 20_000, 'stale']);
  }
  loop.cancel();
  await loop.stop();
  return { scraped: fresh, contentType };
}

describe.runIf(requirePeer(PEERS.nodeExporter))('prometheus-node-exporter', () => {
  let peer: ServerPeer;
  beforeEach(async () => {
    peer = await startNodeExporter();
  });
  afterEach(async () => {
    await peer.stop();
  });

  it('every sample stored, up = 1; stopped: up = 0 and stale markers', async () => {
    const target = makeTarget(peer.address, {}, targetConfig({ jobName: 'node' }));
    const { scraped } = await scrapeThenStop(peer, target);
    expect(scraped.length).toBeGreaterThan(50);
    const names = new Set(scraped.map((s) => s.name));
    for (const n of ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_load1', 'node_uname_info']) {
      expect(names.has(n), n).toBe(true);
    }
    for (const s of scraped) expect(s.labels).toContain(`instance="${peer.address}", job="node"`);
  });
});

describe('prom-client app', () => {
  let peer: ServerPeer;
  beforeEach(async () => {
    // The prom-client app beside the test helpers, on a port of its choosing.
    peer = await startServer(process.execPath, [new URL('./testing/prom-client-app.mjs', import.meta.url).pathname], {
      portRe: /listening on 127\.0\.0\.1:(\d+)/,
      readyPath: '/metrics',
    });
  });
  afterEach(async () => {
    await peer.stop();
  });

  it.each([
    ['text', '/metrics', 'text/plain; version=0.0.4; charset=utf-8'],
    ['OpenMetrics', '/openmetrics', 'application/openmetrics-text; version=1.0.0; charset=utf-8'],
  ])('%s: every sample stored with its value; stopped: up = 0 and stale markers', async (_f, path, ct) => {
    const target = makeTarget(peer.address, { __metrics_path__: path });
    const { scraped, contentType } = await scrapeThenStop(peer, target);
    expect(contentType).toBe(ct);
    const inst = `instance="${peer.address}", job="test"`;
    const value = (labels: string) => scraped.find((s) => s.labels === labels)?.samples.at(-1)?.[1];
    expect(value(`{__name__="app_jobs_total", ${inst}, queue="a"}`)).toBe(3);
    expect(value(`{__name__="app_jobs_total", ${inst}, queue="b\\"\\\\"}`)).toBe(2);
    expect(value(`{__name__="app_temperature_celsius", ${inst}}`)).toBe(-12.5);
    // le and quantile in OpenMetrics canonical form, as Prometheus 3 stores them.
    expect(value(`{__name__="app_latency_seconds_bucket", ${inst}, le="1.0"}`)).toBe(2);
    expect(value(`{__name__="app_latency_seconds_bucket", ${inst}, le="+Inf"}`)).toBe(4);
    expect(value(`{__name__="app_latency_seconds_sum", ${inst}}`)).toBe(55.55);
    expect(value(`{__name__="app_size_bytes", ${inst}, quantile="0.9"}`)).toBe(9.5);
    expect(value(`{__name__="app_info", ${inst}, version="1.2.3"}`)).toBe(1);
    expect(scraped).toHaveLength(14);
    expect(target.getMetadata('app_latency_seconds')?.type).toBe('histogram');
    if (path === '/openmetrics') {
      const ex = db.exemplars(0, Number.MAX_SAFE_INTEGER, [new Matcher(MatchType.Equal, '__name__', 'app_jobs_total')]);
      expect(ex.flatMap((e) => e.exemplars.map((x) => [x.labels.toString(), x.value]))).toEqual([
        ['{trace_id="abc"}', 3],
      ]);
    }
  });
});
