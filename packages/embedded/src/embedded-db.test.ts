import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedError, Labels, openDB, type TimeInput } from './index.js';

const T0 = Date.UTC(2026, 0, 1); // ms
const at = (s: number): TimeInput => ({ ms: T0 + s * 1000 });

async function loaded() {
  const db = await openDB();
  const samples = [];
  for (let i = 0; i <= 20; i++) {
    samples.push({ labels: { __name__: 'http_requests_total', job: 'api' }, t: at(i * 15), v: i * 10 });
    samples.push({ labels: { __name__: 'http_requests_total', job: 'web' }, t: at(i * 15), v: i * 20 });
  }
  await db.appendBatch(samples);
  return db;
}

async function rejection(p: Promise<unknown>): Promise<EmbeddedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmbeddedError);
  return err as EmbeddedError;
}

describe('openDB in memory', () => {
  it('appends and answers instant queries with plain objects', async () => {
    const db = await loaded();
    await db.append(Labels.fromStrings('__name__', 'up', 'job', 'api'), new Date(T0), 1);
    const r = await db.query('sum by (job) (rate(http_requests_total[1m]))', at(300));
    expect(r.resultType).toBe('vector');
    if (r.resultType !== 'vector') return;
    expect(r.result.map((s) => [s.metric, s.timestampMs, s.value])).toEqual([
      [{ job: 'api' }, T0 + 300_000, 10 / 15],
      [{ job: 'web' }, T0 + 300_000, 20 / 15],
    ]);
    expect(r.result[0]!.time).toEqual(new Date(T0 + 300_000));
    expect(r.hints).toEqual([]);
    const up = await db.query('up', { seconds: T0 / 1000 + 10 });
    expect(up.resultType === 'vector' && up.result.map((s) => s.value)).toEqual([1]);
    const sc = await db.query('1 + 2', at(0));
    expect(sc).toMatchObject({ resultType: 'scalar', result: { value: 3, timestampMs: T0 } });
    await db.close();
  });

  it('answers range queries', async () => {
    const db = await loaded();
    const r = await db.queryRange('http_requests_total{job="api"}', at(0), at(60), '30s');
    expect(r.resultType).toBe('matrix');
    expect(r.result).toHaveLength(1);
    expect(r.result[0]!.metric).toEqual({ __name__: 'http_requests_total', job: 'api' });
    expect(r.result[0]!.points.map((p) => [p.timestampMs - T0, p.value])).toEqual([
      [0, 0],
      [30_000, 20],
      [60_000, 40],
    ]);
    const r2 = await db.queryRange('http_requests_total{job="api"}', new Date(T0), new Date(T0 + 60_000), {
      seconds: 60,
    });
    expect(r2.result[0]!.points).toHaveLength(2);
    await db.close();
  });

  it('refuses bare numbers as times and durations, naming the units to use', async () => {
    const db = await loaded();
    const e1 = await rejection(db.query('up', 1 as unknown as TimeInput));
    expect(e1.type).toBe('bad_data');
    expect(e1.message).toBe('at: a bare number (1) has no unit: pass a Date, { seconds: n } or { ms: n }');
    const e2 = await rejection(db.queryRange('up', at(0), at(60), 15 as unknown as string));
    expect(e2.message).toContain("step: a bare number (15) has no unit: pass a duration such as '15s'");
    const e3 = await rejection(db.append({ __name__: 'x' }, T0 as unknown as TimeInput, 1));
    expect(e3.message).toContain('sample 0: t: a bare number');
    await db.close();
  });

  it('hints when a query reads far from every sample (a time in seconds given as ms)', async () => {
    const db = await loaded();
    const r = await db.query('http_requests_total', { ms: T0 / 1000 + 60 });
    expect(r.resultType === 'vector' && r.result).toEqual([]);
    expect(r.hints).toHaveLength(1);
    expect(r.hints[0]).toMatch(
      /^the query reads 1970-01-21T.* before every sample of the DB \(2026-01-01T00:00:00\.000Z to 2026-01-01T00:05:00\.000Z\): was a time in seconds given as \{ ms \}\?$/,
    );
    const late = await db.query('http_requests_total', { seconds: T0 });
    expect(late.hints[0]).toMatch(/after every sample of the DB .*: was a time in ms given as \{ seconds \}\?$/);
    const empty = await openDB();
    expect((await empty.query('up', new Date(T0))).hints).toEqual(['the DB holds no samples']);
    await empty.close();
    await db.close();
  });

  it('rejects parse errors and evaluation errors alike, with a type to branch on', async () => {
    const db = await openDB(undefined, { maxSamples: 10 });
    const samples = [];
    for (let i = 0; i < 40; i++) samples.push({ labels: { __name__: 'm', i: String(i) }, t: at(0), v: i });
    await db.appendBatch(samples);
    const parse = await rejection(db.query('sum(', at(0)));
    expect(parse.type).toBe('bad_data');
    expect(parse.message).toMatch(/^query "sum\(": /);
    const exec = await rejection(db.query('m', at(0)));
    expect(exec.type).toBe('execution');
    expect(exec.message).toMatch(/^query "m": query processing would load too many samples/);
    const canceled = await rejection(db.query('m', at(0), { signal: AbortSignal.abort() }));
    expect(canceled.type).toBe('canceled');
    await db.close();
  });

  it('refuses a batch with a bad sample as a whole', async () => {
    const db = await openDB();
    await db.append({ __name__: 'a' }, at(10), 1);
    const err = await rejection(
      db.appendBatch([
        { labels: { __name__: 'b' }, t: at(10), v: 1 },
        { labels: { __name__: 'a' }, t: at(5), v: 2 }, // out of order
      ]),
    );
    expect(err.type).toBe('bad_data');
    expect(err.message).toMatch(/^appending sample 1: out of order sample/);
    const r = await db.query('b', at(10));
    expect(r.resultType === 'vector' && r.result).toEqual([]);
    expect((await rejection(db.append({}, at(0), 1))).message).toBe('sample 0: an empty label set');
    await db.close();
  });

  it('answers Prometheus API JSON through the API handler', async () => {
    const db = await loaded();
    expect(await db.queryJSON('http_requests_total{job="web"}', at(15))).toBe(
      `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"http_requests_total","job":"web"},"value":[${T0 / 1000 + 15},"20"]}]}}`,
    );
    const range = JSON.parse(await db.queryRangeJSON('1', at(0), at(30), '15s')) as { data: { result: unknown } };
    expect(range.data.result).toEqual([
      {
        metric: {},
        values: [
          [T0 / 1000, '1'],
          [T0 / 1000 + 15, '1'],
          [T0 / 1000 + 30, '1'],
        ],
      },
    ]);
    const err = await rejection(db.queryJSON('foo(', at(0)));
    expect(err.type).toBe('bad_data');
    await db.close();
  });

  it('rejects every call after close as unavailable', async () => {
    const db = await loaded();
    await db.close();
    expect((await rejection(db.query('up', at(0)))).type).toBe('unavailable');
    expect((await rejection(db.append({ __name__: 'x' }, at(0), 1))).type).toBe('unavailable');
  });
});

describe('openDB with a dir', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('keeps committed samples across close and open', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-embedded-'));
    const db = await openDB(dir);
    await db.append({ __name__: 'temperature', room: 'a' }, at(0), 21.5);
    await db.append({ __name__: 'temperature', room: 'a' }, at(15), 22);
    await db.close();
    const again = await openDB(dir);
    const r = await again.query('temperature', at(20));
    expect(r.resultType === 'vector' && r.result.map((s) => s.value)).toEqual([22]);
    await again.close();
  });

  it('rejects a dir that cannot be used as unavailable', async () => {
    const err = await rejection(openDB('/proc/version/not-a-dir'));
    expect(err.type).toBe('unavailable');
    expect(err.message).toMatch(/^opening \/proc\/version\/not-a-dir: /);
  });
});

describe('nodeHandler', () => {
  it('serves the Prometheus API on node:http, other paths to next', async () => {
    const db = await loaded();
    const api = db.nodeHandler();
    const server = createServer((req, res) =>
      api(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('the app');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const q = await fetch(`${base}/api/v1/query?query=count(http_requests_total)&time=${T0 / 1000 + 30}`);
      expect(q.status).toBe(200);
      expect(await q.json()).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [T0 / 1000 + 30, '2'] }] },
      });
      const labels = await (await fetch(`${base}/api/v1/label/job/values`)).json();
      expect(labels).toEqual({ status: 'success', data: ['api', 'web'] });
      const bad = await fetch(`${base}/api/v1/query?query=sum(`);
      expect(bad.status).toBe(400);
      expect(await (await fetch(`${base}/`)).text()).toBe('the app');
    } finally {
      await new Promise((r) => server.close(r));
      await db.close();
    }
  });
});
