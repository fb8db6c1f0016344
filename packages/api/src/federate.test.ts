import { Labels } from '@tsprom/labels';
import { CounterResetHint, StaleNaN } from '@tsprom/storage-interfaces';
import { TestStorage } from '@tsprom/promql/testing';
import { Entry, ProtobufParser } from '@tsprom/textparse';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederateHandler, negotiateFederationFormat } from './federate.js';
import { PROTO_DELIMITED_TYPE } from './federate-protobuf.js';

const NOW = 1_700_000_000_000;
let db: DB;

beforeAll(async () => {
  db = await DB.open();
  const app = db.appender();
  app.append(0, Labels.fromStrings('__name__', 'up', 'instance', 'a:1', 'job', 'x'), NOW - 60_000, 1);
  app.append(0, Labels.fromStrings('__name__', 'up', 'instance', 'a:1', 'job', 'x'), NOW - 30_000, 0);
  app.append(0, Labels.fromStrings('__name__', 'up', 'instance', 'b:1', 'job', 'x'), NOW - 600_000, 1); // Too old.
  app.append(0, Labels.fromStrings('__name__', 'job:rate', 'job', 'x'), NOW - 15_000, 2.5e-7);
  app.append(0, Labels.fromStrings('__name__', 'gone', 'job', 'x'), NOW - 20_000, 1);
  app.append(0, Labels.fromStrings('__name__', 'gone', 'job', 'x'), NOW - 10_000, StaleNaN);
  await app.commit();
});
afterAll(async () => {
  await db.close();
});

const handler = () =>
  createFederateHandler({
    queryable: db,
    lookbackDeltaMs: 300_000,
    now: () => NOW,
    externalLabels: () => Labels.fromStrings('replica', 'r1', 'job', 'ignored'),
  });

it('answers the latest sample of each matched series with external labels, as Prometheus', async () => {
  const res = await handler()(new Request('http://x/federate?match[]=up&match[]={job="x"}'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(await res.text()).toBe(
    '# TYPE job:rate untyped\n' +
      'job:rate{job="x",instance="",replica="r1"} 2.5e-07 1699999985000\n' +
      '# TYPE up untyped\n' +
      'up{instance="a:1",job="x",replica="r1"} 0 1699999970000\n',
  );
});

it('answers nothing without match[] and 400 for a bad selector', async () => {
  expect(await (await handler()(new Request('http://x/federate'))).text()).toBe('');
  const bad = await handler()(new Request('http://x/federate?match[]=up{'));
  expect(bad.status).toBe(400);
  expect(await bad.text()).toBe('1:4: parse error: unexpected end of input inside braces\n');
});

describe('content negotiation (expfmt Negotiate)', () => {
  it.each([
    [null, 'text'],
    ['text/plain', 'text'],
    ['*/*', 'text'],
    ['application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5', 'text'],
    [`${PROTO_DELIMITED_TYPE},text/plain;version=0.0.4;q=0.5`, 'protobuf'],
    [`text/plain;version=0.0.4;q=0.5,${PROTO_DELIMITED_TYPE};q=0.7`, 'protobuf'],
    [`${PROTO_DELIMITED_TYPE};q=0.2,text/plain;q=0.5`, 'text'],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text', 'text'],
  ])('%j → %s', (accept, want) => {
    expect(negotiateFederationFormat(accept)).toBe(want);
  });
});

describe('protobuf', () => {
  const H = {
    counterResetHint: CounterResetHint.NotCounterReset,
    schema: 1,
    zeroThreshold: 0.001,
    zeroCount: 2,
    count: 9,
    sum: 18.5,
    positiveSpans: [
      { offset: -1, length: 2 },
      { offset: 3, length: 1 },
    ],
    negativeSpans: [{ offset: 0, length: 1 }],
    positiveBuckets: [1, 2, 3],
    negativeBuckets: [1],
  };
  // The in-memory storage of PromQL's tests: the TSDB does not store native histograms yet.
  const hdb = new TestStorage();
  hdb.append(Labels.fromStrings('__name__', 'up', 'instance', 'a:1', 'job', 'x'), NOW - 30_000, 1);
  hdb.append(Labels.fromStrings('__name__', 'up', 'instance', 'b:1', 'job', 'x'), NOW - 20_000, 0);
  hdb.appendHistogram(Labels.fromStrings('__name__', 'lat', 'job', 'x'), NOW - 10_000, H);
  hdb.appendHistogram(Labels.fromStrings('__name__', 'mem', 'job', 'x'), NOW - 10_000, {
    ...H,
    counterResetHint: CounterResetHint.Gauge,
  });
  // A stale histogram is left out, as a stale float is.
  hdb.appendHistogram(Labels.fromStrings('__name__', 'old', 'job', 'x'), NOW - 20_000, H);
  hdb.appendHistogram(Labels.fromStrings('__name__', 'old', 'job', 'x'), NOW - 10_000, { ...H, sum: StaleNaN });

  it('answers delimited MetricFamily messages, native histograms included, as Prometheus', async () => {
    const h = createFederateHandler({
      queryable: hdb,
      lookbackDeltaMs: 300_000,
      now: () => NOW,
      externalLabels: () => Labels.fromStrings('replica', 'r1'),
    });
    const req = new Request('http://x/federate?match[]={job="x"}', {
      headers: { Accept: `${PROTO_DELIMITED_TYPE},text/plain;version=0.0.4;q=0.5` },
    });
    const res = await h(req);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, PROTO_DELIMITED_TYPE]);
    // Read back by the scrape's own protobuf parser.
    const body = new Uint8Array(await res.arrayBuffer());
    // Sent, as Prometheus sends it: `instance` with an empty value.
    expect(new TextDecoder('latin1').decode(body)).toContain('\x0a\x08instance\x12\x00');
    const p = new ProtobufParser(body);
    const got: unknown[] = [];
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
      if (e === Entry.Type) got.push(['type', p.metadataName(), p.type()]);
      else if (e === Entry.Series) got.push([p.labels().toString(), p.value(), p.timestamp()]);
      else if (e === Entry.Histogram) got.push([p.labels().toString(), p.floatHistogram(), p.timestamp()]);
    }
    const hist = (hint: number) => ({ ...H, counterResetHint: hint });
    expect(got).toEqual([
      ['type', 'lat', 'histogram'],
      // The parser drops the empty instance label, as Prometheus's does.
      ['{__name__="lat", job="x", replica="r1"}', hist(CounterResetHint.Unknown), NOW - 10_000],
      ['type', 'mem', 'gaugehistogram'],
      ['{__name__="mem", job="x", replica="r1"}', hist(CounterResetHint.Gauge), NOW - 10_000],
      ['type', 'up', 'unknown'],
      ['{__name__="up", instance="a:1", job="x", replica="r1"}', 1, NOW - 30_000],
      ['{__name__="up", instance="b:1", job="x", replica="r1"}', 0, NOW - 20_000],
    ]);
  });

  it('leaves native histograms out of the text format', async () => {
    const h = createFederateHandler({ queryable: hdb, lookbackDeltaMs: 300_000, now: () => NOW });
    const res = await h(new Request('http://x/federate?match[]={job="x"}'));
    expect(await res.text()).toBe(
      '# TYPE up untyped\n' +
        `up{instance="a:1",job="x"} 1 ${NOW - 30_000}\n` +
        `up{instance="b:1",job="x"} 0 ${NOW - 20_000}\n`,
    );
  });
});
