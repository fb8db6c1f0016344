// Every limit as Prometheus applies it: exceeding one fails the scrape (up = 0, lastError with
// Prometheus's message) and nothing of the body is appended; the report series still are.
import { loadRelabelConfigs } from '@tsprom/relabel';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BodySizeLimitError, LabelLimitError, SampleLimitError } from './errors.js';
import type { ScrapeLoopOptions } from './scrape-loop-options.js';
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

const scraped = (all: StoredSeries[]) => values(byName(all, 'scrape_samples_scraped')[0]);

describe('sample_limit', () => {
  it('more samples than the limit: the scrape fails, nothing of it appended, all lines counted', async () => {
    srv.set({ body: 'a 1\nb 2\nc 3\nd 4\n' });
    const f = await makeLoop(db, srv.address, { options: { sampleLimit: 3 } });
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    for (const n of ['a', 'b', 'c', 'd']) expect(byName(all, n)).toHaveLength(0);
    expect(values(byName(all, 'up')[0])).toEqual([0]);
    expect(scraped(all)).toEqual([4]);
    expect(values(byName(all, 'scrape_samples_post_metric_relabeling')[0])).toEqual([4]);
    expect(f.target.lastError).toBeInstanceOf(SampleLimitError);
    expect(f.target.lastError?.message).toBe('sample limit exceeded');
    expect(f.metrics.exceededSampleLimit).toBe(1);
    await f.close();
  });

  it('exactly the limit passes', async () => {
    srv.set({ body: 'a 1\nb 2\nc 3\n' });
    const f = await makeLoop(db, srv.address, { options: { sampleLimit: 3 } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.health).toBe('up');
    expect(byName(await readAll(db), 'c')).toHaveLength(1);
    await f.close();
  });

  it('counts after metric relabeling: dropped series do not count', async () => {
    srv.set({ body: 'a 1\nb 2\nc 3\nd 4\n' });
    const metricRelabelConfigs = loadRelabelConfigs([{ source_labels: ['__name__'], regex: '[cd]', action: 'drop' }]);
    const f = await makeLoop(db, srv.address, { options: { sampleLimit: 2, metricRelabelConfigs } });
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(f.target.health).toBe('up');
    expect(scraped(all)).toEqual([4]);
    expect(values(byName(all, 'scrape_samples_post_metric_relabeling')[0])).toEqual([2]);
    await f.close();
  });

  it('a target exceeding the limit after good scrapes gets stale markers, then recovers', async () => {
    srv.set({ body: 'a 1\nb 2\n' });
    const f = await makeLoop(db, srv.address, { options: { sampleLimit: 2 } });
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: 'a 1\nb 2\nc 3\n' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    srv.set({ body: 'a 5\nb 6\n' });
    await f.loop.scrapeAndReport(T0 + 20_000);
    const all = await readAll(db);
    expect(values(byName(all, 'a')[0])).toEqual([1, 'stale', 5]);
    expect(byName(all, 'c')).toHaveLength(0);
    expect(values(byName(all, 'up')[0])).toEqual([1, 0, 1]);
    await f.close();
  });
});

describe('label limits', () => {
  const cases: [string, Partial<ScrapeLoopOptions['labelLimits']>, string, string][] = [
    [
      'label_limit',
      { labelLimit: 4 },
      'a{x="1",y="2"} 1\n',
      // __name__, x, y plus instance and job: 5 labels.
      'label_limit exceeded (metric: a, number of labels: 5, limit: 4)',
    ],
    [
      'label_name_length_limit',
      { labelNameLengthLimit: 8 },
      'a{long_name="1"} 1\n',
      'label_name_length_limit exceeded (metric: a, label name: long_name, length: 9, limit: 8)',
    ],
    [
      "label_value_length_limit (UTF-8 bytes, as Go's len)",
      { labelValueLengthLimit: 15 },
      'a{x="éééééééé"} 1\n',
      'label_value_length_limit exceeded (metric: a, label name: x, value: "éééééééé", length: 16, limit: 15)',
    ],
  ];
  it.each(cases)('%s', async (_name, limits, body, message) => {
    srv.set({ body: `ok 1\n${body}` });
    const labelLimits = { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, ...limits };
    const f = await makeLoop(db, srv.address, { options: { labelLimits } });
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(f.target.lastError).toBeInstanceOf(LabelLimitError);
    expect(f.target.lastError?.message).toBe(message);
    expect(byName(all, 'ok')).toHaveLength(0);
    expect(byName(all, 'a')).toHaveLength(0);
    expect(values(byName(all, 'up')[0])).toEqual([0]);
    await f.close();
  });

  it('series at the limits pass', async () => {
    srv.set({ body: 'a{x="1",y="2"} 1\nb{abcdefgh="ééééééé"} 1\n' });
    const labelLimits = { labelLimit: 5, labelNameLengthLimit: 8, labelValueLengthLimit: 15 };
    const f = await makeLoop(db, srv.address, { options: { labelLimits } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    expect(byName(await readAll(db), 'b')).toHaveLength(1);
    await f.close();
  });
});

describe('body_size_limit', () => {
  it('a body of the limit or more fails the scrape; scrape_body_size_bytes is -1', async () => {
    const body = 'a 1\nb 2\n'; // 8 bytes
    srv.set({ body });
    const f = await makeLoop(db, srv.address, {
      options: { reportExtraMetrics: true },
      scraper: { bodySizeLimitBytes: 8 },
    });
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(f.target.lastError).toBeInstanceOf(BodySizeLimitError);
    expect(f.target.lastError?.message).toBe('body size limit exceeded');
    expect(byName(all, 'a')).toHaveLength(0);
    expect(values(byName(all, 'scrape_body_size_bytes')[0])).toEqual([-1]);
    expect(f.metrics.exceededBodySizeLimit).toBe(1);
    await f.close();
  });

  it('applies to the uncompressed size of a gzip body', async () => {
    srv.set({ body: `${'a'.repeat(1000)} 1\n`, gzip: true });
    const f = await makeLoop(db, srv.address, { scraper: { bodySizeLimitBytes: 500 } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeInstanceOf(BodySizeLimitError);
    await f.close();
  });

  it('a body under the limit passes; the extra report series carry the sizes and limits', async () => {
    srv.set({ body: 'a 1\nb 2\n' });
    const f = await makeLoop(db, srv.address, {
      options: { reportExtraMetrics: true, sampleLimit: 10, timeoutMs: 3000 },
      scraper: { bodySizeLimitBytes: 9 },
    });
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(f.target.health).toBe('up');
    expect(values(byName(all, 'scrape_body_size_bytes')[0])).toEqual([8]);
    expect(values(byName(all, 'scrape_sample_limit')[0])).toEqual([10]);
    expect(values(byName(all, 'scrape_timeout_seconds')[0])).toEqual([3]);
    await f.close();
  });
});
