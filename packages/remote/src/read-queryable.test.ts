import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@tsprom/config';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { expandSeriesSet, samplesFromIterator } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSamplesResponse, HTTPReadClient } from './read-client.js';
import { ReadHandler } from './read-handler.js';
import { RemoteReadQueryable } from './read-queryable.js';
import { encodeReadRequest, PbMatcherType } from './read-request.js';
import { snappyEncode } from './snappy.js';

let db: DB;
let server: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  db = await DB.open();
  const app = db.appender();
  for (const job of ['a', 'b']) {
    const ls = Labels.fromStrings('__name__', 'm', 'job', job);
    for (let t = 1; t <= 200; t++) app.append(0, ls, t * 1000, t);
  }
  await app.commit();
  // The remote end: a ReadHandler with external labels, over HTTP.
  const handler = new ReadHandler({ queryable: db, externalLabels: () => Labels.fromStrings('cluster', 'c1') });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = await handler.handle({
        header: (n) => req.headers[n] as string | undefined,
        body: Buffer.concat(chunks),
      });
      seen.push(r.headers['Content-Type'] ?? '');
      res.writeHead(r.status, r.headers);
      if (r.stream !== undefined) for await (const f of r.stream) res.write(f);
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/read`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

async function queryable(yaml: string, localStart = Number.POSITIVE_INFINITY): Promise<RemoteReadQueryable> {
  const cfg = loadConfig(`global:\n  external_labels:\n    cluster: c1\nremote_read:\n  - url: ${url}\n${yaml}`);
  const rr = cfg.remoteRead[0]!;
  return new RemoteReadQueryable({
    client: await HTTPReadClient.create(rr),
    externalLabels: rr.filterExternalLabels ? cfg.global.externalLabels : Labels.EMPTY,
    requiredMatchers: rr.requiredMatchers,
    readRecent: rr.readRecent,
    localStartTime: () => Promise.resolve(localStart),
  });
}

async function read(q: RemoteReadQueryable, mint: number, maxt: number, ...ms: Matcher[]): Promise<[string, number][]> {
  const querier = q.querier(mint, maxt);
  const ss = await querier.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', 'm'), ...ms]);
  const out = expandSeriesSet(ss).map(
    (s) => [s.labels().toString(), samplesFromIterator(s.iterator()).length] as [string, number],
  );
  await querier.close();
  return out;
}

describe('RemoteReadQueryable over HTTP', () => {
  it('reads streamed chunks, external labels matched and taken off', async () => {
    const q = await queryable('    read_recent: true\n');
    seen.length = 0;
    expect(await read(q, 0, 1_000_000)).toEqual([
      ['{__name__="m", job="a"}', 200],
      ['{__name__="m", job="b"}', 200],
    ]);
    expect(seen).toEqual(['application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse']);
    expect(await read(q, 50_000, 60_000, new Matcher(MatchType.Equal, 'job', 'b'))).toEqual([
      ['{__name__="m", job="b"}', 11],
    ]);
    await q.close();
  });

  it('keeps external labels when filter_external_labels is false', async () => {
    const q = await queryable('    read_recent: true\n    filter_external_labels: false\n');
    expect((await read(q, 0, 1_000_000)).map(([l]) => l)).toEqual([
      '{__name__="m", cluster="c1", job="a"}',
      '{__name__="m", cluster="c1", job="b"}',
    ]);
    await q.close();
  });

  it('asks nothing unless every required matcher is among the equality matchers', async () => {
    const q = await queryable('    read_recent: true\n    required_matchers:\n      job: a\n');
    seen.length = 0;
    expect(await read(q, 0, 1_000_000)).toEqual([]);
    expect(await read(q, 0, 1_000_000, new Matcher(MatchType.Regexp, 'job', 'a'))).toEqual([]);
    expect(seen).toEqual([]);
    expect(await read(q, 0, 1_000_000, new Matcher(MatchType.Equal, 'job', 'a'))).toEqual([
      ['{__name__="m", job="a"}', 200],
    ]);
    await q.close();
  });

  it('without read_recent, reads only what is older than the local storage', async () => {
    const q = await queryable('', 100_000);
    seen.length = 0;
    expect(await read(q, 150_000, 200_000)).toEqual([]);
    expect(seen).toEqual([]);
    expect(await read(q, 0, 200_000, new Matcher(MatchType.Equal, 'job', 'a'))).toEqual([
      ['{__name__="m", job="a"}', 100],
    ]);
    await q.close();
  });

  it('turns a failing endpoint into an error of the series set', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const cfg = loadConfig(`remote_read:\n  - url: http://127.0.0.1:${port}/api/v1/read\n    read_recent: true\n`);
    const q = new RemoteReadQueryable({
      client: await HTTPReadClient.create(cfg.remoteRead[0]!),
      externalLabels: Labels.EMPTY,
      requiredMatchers: new Map(),
      readRecent: true,
      localStartTime: () => Promise.resolve(0),
    });
    const querier = q.querier(0, 1000);
    const ss = await querier.select(false, undefined, [new Matcher(MatchType.Equal, '__name__', 'm')]);
    expect(ss.next()).toBe(false);
    expect(ss.err()?.message).toMatch(/^remote_read: /);
    await q.close();
  });
});

describe('decodeSamplesResponse', () => {
  it('decodes a SAMPLES answer of the read handler', async () => {
    const handler = new ReadHandler({ queryable: db, externalLabels: () => Labels.EMPTY });
    const body = snappyEncode(
      encodeReadRequest({
        queries: [
          {
            startTimestampMs: 0,
            endTimestampMs: 10_000,
            matchers: [{ type: PbMatcherType.EQ, name: 'job', value: 'a' }],
            hints: undefined,
          },
        ],
        acceptedResponseTypes: [],
      }),
    );
    const res = await handler.handle({ header: () => undefined, body });
    const series = decodeSamplesResponse(res.body as Uint8Array);
    expect(series.map((s) => s.labels().toString())).toEqual(['{__name__="m", job="a"}']);
    expect(samplesFromIterator(series[0]!.iterator()).map((s) => s.t)).toEqual([
      1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000,
    ]);
  });
});
