import { Labels } from '@tsprom/labels';
import { StaleNaN } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFederateHandler } from './federate.js';

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
