// How a scraped series gets its labels and timestamps, as Prometheus: honor_labels,
// exported_ prefixes, metric_relabel_configs with every action, honor_timestamps and
// track_timestamps_staleness.
import { createHash } from 'node:crypto';
import { loadRelabelConfigs, type RelabelConfigYaml } from '@tsprom/relabel';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSeriesLabelsError, MissingMetricNameError } from './errors.js';
import { type ExpositionServer, startExpositionServer } from './testing/exposition-server.js';
import { makeLoop } from './testing/loop-fixture.js';
import { byName, readAll, type StoredSeries } from './testing/read-storage.js';

const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

let db: DB;
let srv: ExpositionServer;
beforeEach(async () => {
  db = await DB.open();
  srv = await startExpositionServer();
});
afterEach(async () => {
  await srv.close();
  await db.close();
});

function values(s: StoredSeries | undefined): (number | 'stale')[] {
  return (s?.samples ?? []).map(([, v]) => v);
}

/** Prometheus's hashmod of `s` modulo 2, computed with node:crypto. */
function shardOf(s: string): string {
  return (createHash('md5').update(s).digest().readBigUInt64BE(8) % 2n).toString();
}

/** `instance=…, jc=…, job=…` (jc sorts between instance and job). */
function j(instJob: string, code = ''): string {
  return instJob.replace(', job=', `, jc="test/${code}", job=`);
}

/** The labels of the scraped (non-report) series. */
async function scrapedLabels(): Promise<string[]> {
  const report = /^(up|scrape_.*)$/;
  return (await readAll(db)).filter((s) => !report.test(s.name)).map((s) => s.labels);
}

describe('target labels on series', () => {
  it('without honor_labels the target wins and the exposed label becomes exported_*', async () => {
    srv.set({ body: 'a{job="other",instance="x",exported_job="y"} 1\n' });
    const f = await makeLoop(db, srv.address, { targetLabels: { env: 'prod' } });
    await f.loop.scrapeAndReport(T0);
    expect(await scrapedLabels()).toEqual([
      // Shorter names first: job takes exported_job, already exposed, so exported_exported_job.
      `{__name__="a", env="prod", exported_exported_job="other", exported_instance="x", exported_job="y", instance="${srv.address}", job="test"}`,
    ]);
    await f.close();
  });

  it('with honor_labels the exposed labels win and the target fills the rest', async () => {
    srv.set({ body: 'a{job="other"} 1\n' });
    const f = await makeLoop(db, srv.address, { options: { honorLabels: true }, targetLabels: { env: 'prod' } });
    await f.loop.scrapeAndReport(T0);
    expect(await scrapedLabels()).toEqual([`{__name__="a", env="prod", instance="${srv.address}", job="other"}`]);
    await f.close();
  });

  it('report series carry the target labels whatever honor_labels says', async () => {
    srv.set({ body: 'a{job="other"} 1\n' });
    const f = await makeLoop(db, srv.address, { options: { honorLabels: true } });
    await f.loop.scrapeAndReport(T0);
    expect(byName(await readAll(db), 'up')[0]?.labels).toBe(`{__name__="up", instance="${srv.address}", job="test"}`);
    await f.close();
  });
});

describe('metric_relabel_configs', () => {
  const body =
    'http_requests_total{code="200",path="/a"} 5\nhttp_requests_total{code="500",path="/B"} 1\ngo_goroutines 12\n';
  const inst = () => `instance="${srv.address}", job="test"`;
  const cases: [string, RelabelConfigYaml[], (inst: string) => string[]][] = [
    [
      'drop',
      [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
      (i) => [
        `{__name__="http_requests_total", code="200", ${i}, path="/a"}`,
        `{__name__="http_requests_total", code="500", ${i}, path="/B"}`,
      ],
    ],
    [
      'keep',
      [{ source_labels: ['code'], regex: '5..', action: 'keep' }],
      (i) => [`{__name__="http_requests_total", code="500", ${i}, path="/B"}`],
    ],
    [
      'replace',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Go regexp template, not a JavaScript one.
      [{ source_labels: ['code'], regex: '(\\d)..', target_label: 'class', replacement: '${1}xx' }],
      (i) => [
        `{__name__="go_goroutines", ${i}}`,
        `{__name__="http_requests_total", class="2xx", code="200", ${i}, path="/a"}`,
        `{__name__="http_requests_total", class="5xx", code="500", ${i}, path="/B"}`,
      ],
    ],
    [
      'labeldrop',
      [{ regex: 'path|code', action: 'labeldrop' }],
      // Both request series become one label set: the second is a duplicate sample.
      (i) => [`{__name__="go_goroutines", ${i}}`, `{__name__="http_requests_total", ${i}}`],
    ],
    [
      'labelkeep',
      [{ regex: '__name__|instance|job|code', action: 'labelkeep' }],
      (i) => [
        `{__name__="go_goroutines", ${i}}`,
        `{__name__="http_requests_total", code="200", ${i}}`,
        `{__name__="http_requests_total", code="500", ${i}}`,
      ],
    ],
    [
      'labelmap',
      [{ regex: '(p.*)', replacement: 'url_$1', action: 'labelmap' }],
      (i) => [
        `{__name__="go_goroutines", ${i}}`,
        `{__name__="http_requests_total", code="200", ${i}, path="/a", url_path="/a"}`,
        `{__name__="http_requests_total", code="500", ${i}, path="/B", url_path="/B"}`,
      ],
    ],
    [
      'lowercase',
      [{ source_labels: ['path'], target_label: 'path', action: 'lowercase' }],
      (i) => [
        `{__name__="go_goroutines", ${i}}`,
        `{__name__="http_requests_total", code="200", ${i}, path="/a"}`,
        `{__name__="http_requests_total", code="500", ${i}, path="/b"}`,
      ],
    ],
    [
      'uppercase',
      [{ source_labels: ['path'], target_label: 'up_path', action: 'uppercase' }],
      (i) => [
        `{__name__="go_goroutines", ${i}}`,
        `{__name__="http_requests_total", code="200", ${i}, path="/a", up_path="/A"}`,
        `{__name__="http_requests_total", code="500", ${i}, path="/B", up_path="/B"}`,
      ],
    ],
    [
      'hashmod',
      [
        { source_labels: ['__name__', 'code'], target_label: 'shard', modulus: 2, action: 'hashmod' },
        { source_labels: ['shard'], regex: '0', action: 'keep' },
      ],
      // Shards computed independently with node:crypto's MD5 (last 8 bytes, big-endian, mod 2).
      (i) =>
        [
          [`{__name__="go_goroutines", ${i}, shard="S"}`, shardOf('go_goroutines;')],
          [
            `{__name__="http_requests_total", code="200", ${i}, path="/a", shard="S"}`,
            shardOf('http_requests_total;200'),
          ],
          [
            `{__name__="http_requests_total", code="500", ${i}, path="/B", shard="S"}`,
            shardOf('http_requests_total;500'),
          ],
        ]
          .filter(([, shard]) => shard === '0')
          .map(([l, shard]) => l!.replace('shard="S"', `shard="${shard}"`)),
    ],
    [
      'keepequal',
      [
        { source_labels: ['code'], target_label: 'want', replacement: '200' },
        { source_labels: ['code'], target_label: 'want', action: 'keepequal' },
      ],
      (i) => [`{__name__="http_requests_total", code="200", ${i}, path="/a", want="200"}`],
    ],
    [
      'dropequal',
      [
        { source_labels: ['__name__'], regex: 'http.*', target_label: 'want', replacement: '200' },
        { source_labels: ['code'], target_label: 'want', action: 'dropequal' },
      ],
      // go_goroutines has neither label: '' equals '', so it is dropped too.
      (i) => [`{__name__="http_requests_total", code="500", ${i}, path="/B", want="200"}`],
    ],
    [
      'relabeling sees the target labels',
      [{ source_labels: ['job', 'code'], separator: '/', target_label: 'jc' }],
      (i) => [
        `{__name__="go_goroutines", ${j(i)}}`,
        `{__name__="http_requests_total", code="200", ${j(i, '200')}, path="/a"}`,
        `{__name__="http_requests_total", code="500", ${j(i, '500')}, path="/B"}`,
      ],
    ],
  ];

  it.each(cases)('%s', async (_name, yaml, want) => {
    srv.set({ body });
    const f = await makeLoop(db, srv.address, { options: { metricRelabelConfigs: loadRelabelConfigs(yaml) } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    expect(await scrapedLabels()).toEqual(want(inst()));
    // The second scrape goes through the cache (dropped lines included) to the same result.
    await f.loop.scrapeAndReport(T0 + 10_000);
    const all = await readAll(db);
    for (const l of want(inst())) expect(all.find((s) => s.labels === l)?.samples).toHaveLength(2);
    expect(values(byName(all, 'scrape_samples_scraped')[0])).toEqual([3, 3]);
    await f.close();
  });

  it('a relabeling that removes __name__ fails the scrape', async () => {
    srv.set({ body });
    const mrc = loadRelabelConfigs([{ regex: '__name__', action: 'labeldrop' }]);
    const f = await makeLoop(db, srv.address, { options: { metricRelabelConfigs: mrc } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeInstanceOf(MissingMetricNameError);
    expect(f.target.lastError?.message).toBe('missing metric name (__name__ label)');
    expect(await scrapedLabels()).toEqual([]);
    await f.close();
  });

  it('a name invalid under the legacy validation scheme fails the scrape', async () => {
    srv.set({ body: '{"my.metric"} 1\n', contentType: 'text/plain; version=1.0.0' });
    const f = await makeLoop(db, srv.address, { options: { validationScheme: 'legacy' } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeInstanceOf(InvalidSeriesLabelsError);
    expect(f.target.lastError?.message).toBe(
      `invalid metric name or label names: {__name__="my.metric", instance="${srv.address}", job="test"}`,
    );
    await f.close();
    const g = await makeLoop(db, srv.address);
    await g.loop.scrapeAndReport(T0 + 10_000);
    expect(g.target.health).toBe('up');
    expect(await scrapedLabels()).toEqual([`{__name__="my.metric", instance="${srv.address}", job="test"}`]);
    await g.close();
  });
});

describe('timestamps', () => {
  it('honor_timestamps uses the exposition timestamps; such series get no stale markers', async () => {
    srv.set({ body: `a 1 ${T0 - 5000}\nb 2\n` });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: '' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    const all = await readAll(db);
    expect(byName(all, 'a')[0]?.samples).toEqual([[T0 - 5000, 1]]);
    expect(byName(all, 'b')[0]?.samples).toEqual([
      [T0, 2],
      [T0 + 10_000, 'stale'],
    ]);
    await f.close();
  });

  it('track_timestamps_staleness marks series with explicit timestamps stale too', async () => {
    srv.set({ body: `a 1 ${T0 - 5000}\n` });
    const f = await makeLoop(db, srv.address, { options: { trackTimestampsStaleness: true } });
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: 'b 1\n' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    expect(byName(await readAll(db), 'a')[0]?.samples).toEqual([
      [T0 - 5000, 1],
      [T0 + 10_000, 'stale'],
    ]);
    await f.close();
  });

  it('without honor_timestamps the scrape time is used', async () => {
    srv.set({ body: `a 1 ${T0 - 5000}\n` });
    const f = await makeLoop(db, srv.address, { options: { honorTimestamps: false } });
    await f.loop.scrapeAndReport(T0);
    expect(byName(await readAll(db), 'a')[0]?.samples).toEqual([[T0, 1]]);
    await f.close();
  });

  it('a repeated line with explicit timestamps is not a duplicate', async () => {
    srv.set({ body: `a 1 ${T0 - 5000}\na 2 ${T0 - 4000}\n` });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(byName(await readAll(db), 'a')[0]?.samples).toEqual([
      [T0 - 5000, 1],
      [T0 - 4000, 2],
    ]);
    expect(f.metrics.sampleDuplicateTimestamp).toBe(0);
    await f.close();
  });

  it('samples more than 10 minutes in the future are dropped as out of bounds, the scrape goes on', async () => {
    const future = Date.now() + 3_600_000;
    srv.set({ body: `a 1 ${future}\nb 2\n` });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(byName(all, 'a')).toHaveLength(0);
    expect(values(byName(all, 'b')[0])).toEqual([2]);
    expect(f.target.health).toBe('up');
    expect(f.metrics.sampleOutOfBounds).toBe(1);
    await f.close();
  });
});
