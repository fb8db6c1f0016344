// The scrape loop end to end: a real HTTP target on 127.0.0.1, a real in-memory TSDB, one
// scrapeAndReport at a time (the timestamps are the test's), then the stored series read back.
import { Matcher, MatchType } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTPStatusError, ScrapeParseError, ScrapeRequestError } from './errors.js';
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

function one(all: StoredSeries[], labels: string): StoredSeries {
  const s = all.find((x) => x.labels === labels);
  if (s === undefined) throw new Error(`no series ${labels} in\n${all.map((x) => x.labels).join('\n')}`);
  return s;
}

describe('scrapeAndReport', () => {
  it('appends every sample with the target labels, and the report series', async () => {
    srv.set({ body: '# TYPE a counter\na_total{x="1"} 3\nb 4.5\n# HELP c Help.\nc{y="z"} -1\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    const inst = `instance="${srv.address}", job="test"`;
    expect(one(all, `{__name__="a_total", ${inst}, x="1"}`).samples).toEqual([[T0, 3]]);
    expect(one(all, `{__name__="b", ${inst}}`).samples).toEqual([[T0, 4.5]]);
    expect(one(all, `{__name__="c", ${inst}, y="z"}`).samples).toEqual([[T0, -1]]);
    expect(one(all, `{__name__="up", ${inst}}`).samples).toEqual([[T0, 1]]);
    expect(values(one(all, `{__name__="scrape_samples_scraped", ${inst}}`))).toEqual([3]);
    expect(values(one(all, `{__name__="scrape_samples_post_metric_relabeling", ${inst}}`))).toEqual([3]);
    expect(values(one(all, `{__name__="scrape_series_added", ${inst}}`))).toEqual([3]);
    expect(one(all, `{__name__="scrape_duration_seconds", ${inst}}`).samples[0]![1]).toBeGreaterThan(0);
    expect(all).toHaveLength(8);
    expect(f.target.health).toBe('up');
    expect(f.target.lastError).toBeUndefined();
    expect(f.target.lastScrape).toBe(T0);
    expect(f.target.getMetadata('a')).toEqual({ metricFamily: 'a', type: 'counter', help: '', unit: '' });
    expect(f.target.getMetadata('c')?.help).toBe('Help.');
    await f.close();
  });

  it('sends the Accept, Accept-Encoding, User-Agent and timeout headers Prometheus sends', async () => {
    srv.set({ body: 'a 1\n' });
    const f = await makeLoop(db, srv.address, { options: { timeoutMs: 2500 }, scraper: { timeoutMs: 2500 } });
    await f.loop.scrapeAndReport(T0);
    const h = srv.requests[0]!;
    expect(h.accept).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
    expect(h['accept-encoding']).toBe('gzip');
    expect(h['user-agent']).toBe('tsprom-test');
    expect(h['x-prometheus-scrape-timeout-seconds']).toBe('2.5');
    expect(srv.paths[0]).toBe('/metrics');
    await f.close();
  });

  it('keeps the connection alive from one scrape to the next', async () => {
    srv.set({ body: 'a 1\n' });
    const f = await makeLoop(db, srv.address);
    for (let i = 0; i < 6; i++) await f.loop.scrapeAndReport(T0 + i * 10_000);
    expect(srv.requests).toHaveLength(6);
    // undici may open a second connection while it is still finishing the first response; from
    // then on the connections are reused.
    expect(srv.connections()).toBeLessThanOrEqual(2);
    await f.close();
  });

  it('reads gzip bodies', async () => {
    srv.set({ body: 'a 1\nb 2\n', gzip: true });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(byName(await readAll(db), 'b')[0]?.samples).toEqual([[T0, 2]]);
    expect(f.target.health).toBe('up');
    await f.close();
  });

  it('writes stale markers for series that disappear, and only for them', async () => {
    srv.set({ body: 'a 1\nb 2\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: 'a 1\n' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    srv.set({ body: 'a 1\n' });
    await f.loop.scrapeAndReport(T0 + 20_000);
    const all = await readAll(db);
    const b = byName(all, 'b')[0]!;
    expect(b.samples).toHaveLength(2);
    expect(b.samples[1]![0]).toBe(T0 + 10_000);
    expect(b.samples[1]![1]).toBe('stale');
    expect(values(byName(all, 'a')[0])).toEqual([1, 1, 1]);
    expect(values(byName(all, 'scrape_series_added')[0])).toEqual([2, 0, 0]);
    await f.close();
  });

  it('an HTTP error: up = 0, stale markers for every series, the status as lastError', async () => {
    srv.set({ body: 'a 1\nb 2\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    srv.set({ status: 503, body: 'down for maintenance' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    const all = await readAll(db);
    for (const n of ['a', 'b']) expect(byName(all, n)[0]!.samples[1]![1]).toBe('stale');
    expect(values(byName(all, 'up')[0])).toEqual([1, 0]);
    expect(values(byName(all, 'scrape_samples_scraped')[0])).toEqual([2, 0]);
    expect(f.target.health).toBe('down');
    expect(f.target.lastError).toBeInstanceOf(HTTPStatusError);
    expect(f.target.lastError?.message).toBe('server returned HTTP status 503 Service Unavailable');
    await f.close();
  });

  it('a malformed body appends nothing of it; the error names the line', async () => {
    srv.set({ body: 'a 1\nb 2\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: 'a 5\nc 3\nb{x="y" 2\n' });
    await f.loop.scrapeAndReport(T0 + 10_000);
    const all = await readAll(db);
    expect(byName(all, 'c')).toHaveLength(0);
    // The scrape counts as empty: a and b are marked stale, a's 5 is not there.
    expect(byName(all, 'a')[0]!.samples[1]![1]).toBe('stale');
    expect(byName(all, 'b')[0]!.samples[1]![1]).toBe('stale');
    expect(values(byName(all, 'up')[0])).toEqual([1, 0]);
    expect(f.target.lastError).toBeInstanceOf(ScrapeParseError);
    expect(f.target.lastError?.message).toMatch(/^line 3, column \d+ \(byte \d+\): /);
    // Recovers at the next good scrape.
    srv.set({ body: 'a 6\n' });
    await f.loop.scrapeAndReport(T0 + 20_000);
    expect(values(byName(await readAll(db), 'a')[0]).at(-1)).toBe(6);
    expect(f.target.health).toBe('up');
    await f.close();
  });

  it('a missing Content-Type fails the scrape, unless fallback_scrape_protocol is set', async () => {
    srv.set({ body: 'a 1\n', contentType: undefined });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError?.message).toBe(
      'non-compliant scrape target sending blank Content-Type and no fallback_scrape_protocol specified for target',
    );
    expect(byName(await readAll(db), 'a')).toHaveLength(0);
    await f.close();
    const g = await makeLoop(db, srv.address, { options: { fallbackScrapeProtocol: 'PrometheusText0.0.4' } });
    await g.loop.scrapeAndReport(T0 + 10_000);
    expect(g.target.health).toBe('up');
    expect(byName(await readAll(db), 'a')).toHaveLength(1);
    await g.close();
  });

  it('the scrape timeout aborts the request: context deadline exceeded', async () => {
    srv.set({ body: 'a 1\n', hang: true });
    const f = await makeLoop(db, srv.address, { options: { timeoutMs: 200 } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeInstanceOf(ScrapeRequestError);
    expect((f.target.lastError as ScrapeRequestError).timedOut).toBe(true);
    expect(f.target.lastError?.message).toBe(`Get "http://${srv.address}/metrics": context deadline exceeded`);
    expect(values(byName(await readAll(db), 'up')[0])).toEqual([0]);
    await f.close();
  });

  it('a refused connection: up = 0 and the dial error', async () => {
    const addr = srv.address;
    await srv.close();
    srv = await startExpositionServer(); // For afterEach.
    const f = await makeLoop(db, addr);
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError?.message).toBe(
      `Get "http://${addr}/metrics": dial tcp ${addr}: connect: connection refused`,
    );
    expect(values(byName(await readAll(db), 'up')[0])).toEqual([0]);
    await f.close();
  });

  it('a forced error (target_limit) writes stale markers and up = 0 without scraping', async () => {
    srv.set({ body: 'a 1\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    f.loop.setForcedError(new Error('target_limit exceeded (number of targets: 2, limit: 1)'));
    await f.loop.scrapeAndReport(T0 + 10_000);
    expect(srv.requests).toHaveLength(1);
    const all = await readAll(db);
    expect(byName(all, 'a')[0]!.samples[1]![1]).toBe('stale');
    expect(values(byName(all, 'up')[0])).toEqual([1, 0]);
    expect(f.target.lastError?.message).toBe('target_limit exceeded (number of targets: 2, limit: 1)');
    await f.close();
  });

  it('duplicate lines: the first is kept, the scrape succeeds', async () => {
    srv.set({ body: 'a 1\na 2\nb 3\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(values(byName(all, 'a')[0])).toEqual([1]);
    expect(values(byName(all, 'scrape_samples_post_metric_relabeling')[0])).toEqual([3]);
    expect(f.target.health).toBe('up');
    expect(f.metrics.sampleDuplicateTimestamp).toBe(1);
    await f.close();
  });

  it('a series repeating a label name fails the scrape as the storage rejects it', async () => {
    srv.set({ body: 'a{x="1",x="2"} 1\n' });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError?.message).toBe('label name "x" is not unique: invalid sample');
    expect(byName(await readAll(db), 'a')).toHaveLength(0);
    await f.close();
  });

  it('created-timestamp-zero-ingestion: a 0 sample at the created timestamp, no _created series', async () => {
    srv.set({
      contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
      body: `# TYPE req counter\nreq_total 7\nreq_created ${(T0 - 30_000) / 1000}\n# TYPE g gauge\ng 1\n# EOF\n`,
    });
    const f = await makeLoop(db, srv.address, { options: { enableCreatedTimestampZeroIngestion: true } });
    await f.loop.scrapeAndReport(T0);
    await f.loop.scrapeAndReport(T0 + 10_000);
    expect(f.target.lastError).toBeUndefined();
    const all = await readAll(db);
    // The zero is appended once: the second scrape finds it in place.
    expect(byName(all, 'req_total')[0]?.samples).toEqual([
      [T0 - 30_000, 0],
      [T0, 7],
      [T0 + 10_000, 7],
    ]);
    expect(byName(all, 'req_created')).toEqual([]);
    expect(byName(all, 'g')[0]?.samples).toEqual([
      [T0, 1],
      [T0 + 10_000, 1],
    ]);
    await f.close();
  });

  it('OpenMetrics: units, exemplars and _created series', async () => {
    srv.set({
      contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
      body: '# TYPE req_seconds counter\n# UNIT req_seconds seconds\nreq_seconds_total 7 # {trace_id="abc"} 1.5 123.000\nreq_seconds_created 1000.5\n# EOF\n',
    });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    const all = await readAll(db);
    expect(values(byName(all, 'req_seconds_total')[0])).toEqual([7]);
    expect(values(byName(all, 'req_seconds_created')[0])).toEqual([1000.5]);
    expect(f.target.getMetadata('req_seconds')).toEqual({
      metricFamily: 'req_seconds',
      type: 'counter',
      help: '',
      unit: 'seconds',
    });
    const ex = db.exemplars(0, Number.MAX_SAFE_INTEGER, [new Matcher(MatchType.Regexp, '__name__', '.+')]);
    expect(ex.map((e) => e.exemplars.map((x) => [x.labels.toString(), x.value, x.ts]))).toEqual([
      [['{trace_id="abc"}', 1.5, 123_000]],
    ]);
    await f.close();
  });

  it.each([
    ['text', 'text/plain; version=0.0.4', ''],
    ['OpenMetrics', 'application/openmetrics-text; version=1.0.0', '# EOF\n'],
  ])('a %s body over 1 MiB (decoded in slices) appends every sample', async (_f, contentType, end) => {
    let body = '';
    for (let i = 0; i < 40_000; i++) body += `big_metric{index="${i}",pad="${'p'.repeat(20)}"} ${i}\n`;
    srv.set({ body: body + end, contentType });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const all = await readAll(db);
    expect(byName(all, 'big_metric')).toHaveLength(40_000);
    expect(
      one(all, `{__name__="big_metric", index="39999", instance="${srv.address}", job="test", pad="${'p'.repeat(20)}"}`)
        .samples,
    ).toEqual([[T0, 39_999]]);
    await f.close();
  });

  it('a body over 1 MiB with invalid UTF-8 parses as a small one does', async () => {
    const lines = Buffer.from('x{v="\xff"} 1\n'.replace('\xff', '#'));
    lines[lines.indexOf(0x23)] = 0xff; // A byte that is not UTF-8, inside a label value.
    const pad = Buffer.from(`${'# padding\n'.repeat(120_000)}`);
    srv.set({ body: Buffer.concat([pad, lines]) });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    const small = await makeLoop(db, srv.address);
    srv.set({ body: lines });
    await small.loop.scrapeAndReport(T0 + 10_000);
    expect(small.target.lastError).toBeInstanceOf(ScrapeParseError);
    expect(f.target.lastError?.message.replace(/line \d+, column \d+ \(byte \d+\): /, '')).toBe(
      small.target.lastError?.message.replace(/line \d+, column \d+ \(byte \d+\): /, ''),
    );
    await f.close();
    await small.close();
  });

  it('a protobuf body (io.prometheus.client.MetricFamily, delimited)', async () => {
    // MetricFamily{name, help, type, metric: [Metric{label: [LabelPair], gauge|counter: {value}}]}
    const enc = new TextEncoder();
    const varint = (n: number): number[] => {
      const out: number[] = [];
      while (n > 0x7f) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.push(n);
      return out;
    };
    const bytes = (field: number, b: Uint8Array | number[]) => [...varint((field << 3) | 2), ...varint(b.length), ...b];
    const str = (field: number, v: string) => bytes(field, enc.encode(v));
    const double = (field: number, v: number) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, true);
      return [...varint((field << 3) | 1), ...b];
    };
    const family = (name: string, type: number, kind: number, metrics: [string, string, number][]) => {
      const m = metrics.flatMap(([ln, lv, v]) =>
        bytes(4, [...bytes(1, [...str(1, ln), ...str(2, lv)]), ...bytes(kind, double(1, v))]),
      );
      const mf = [...str(1, name), ...str(2, `${name} help`), ...varint((3 << 3) | 0), ...varint(type), ...m];
      return [...varint(mf.length), ...mf];
    };
    // type 0 = COUNTER (counter field 3), 1 = GAUGE (gauge field 2).
    const body = new Uint8Array([
      ...family('pb_requests_total', 0, 3, [
        ['code', '200', 7],
        ['code', '500', 1],
      ]),
      ...family('pb_temperature', 1, 2, [['room', 'a', -3.5]]),
    ]);
    srv.set({
      body,
      contentType: 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    });
    const f = await makeLoop(db, srv.address);
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const all = await readAll(db);
    const inst = `instance="${srv.address}", job="test"`;
    expect(one(all, `{__name__="pb_requests_total", code="200", ${inst}}`).samples).toEqual([[T0, 7]]);
    expect(one(all, `{__name__="pb_requests_total", code="500", ${inst}}`).samples).toEqual([[T0, 1]]);
    expect(one(all, `{__name__="pb_temperature", ${inst}, room="a"}`).samples).toEqual([[T0, -3.5]]);
    expect(f.target.getMetadata('pb_requests_total')).toEqual({
      metricFamily: 'pb_requests_total',
      type: 'counter',
      help: 'pb_requests_total help',
      unit: '',
    });
    await f.close();
  });
});
