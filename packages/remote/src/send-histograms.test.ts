// Native histograms appended to a tsdb with a WAL are sent by a QueueManager (Remote Write 1.0 with
// send_native_histograms, and 2.0) to tsprom's own receiver over HTTP, and stored there as appended;
// so are exemplars with send_exemplars.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import {
  CustomBucketsSchema,
  expandSeriesSet,
  type FloatHistogram,
  type Histogram,
  type Sample,
  samplesFromIterator,
} from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueManager } from './queue-manager.js';
import { WriteHandler } from './receive-write-handler.js';
import { remoteWriteConfig, WalFixture } from './testing/wal-fixture.js';
import { WriteClient } from './write-client.js';

const T0 = 1_700_000_000_000;

function intH(k: number): Histogram {
  return {
    counterResetHint: 0,
    schema: 1,
    zeroThreshold: 0.001,
    zeroCount: k,
    count: 5 * k + 2,
    sum: 1.5 * k,
    positiveSpans: [
      { offset: 0, length: 2 },
      { offset: 2, length: 1 },
    ],
    negativeSpans: [{ offset: -1, length: 1 }],
    positiveBuckets: [k, 0, 1],
    negativeBuckets: [k + 1],
  };
}

function floatH(k: number): FloatHistogram {
  return {
    counterResetHint: 0,
    schema: 3,
    zeroThreshold: 0.01,
    zeroCount: 0.5,
    count: 2.5 + k,
    sum: -k / 4,
    positiveSpans: [{ offset: 3, length: 2 }],
    negativeSpans: [],
    positiveBuckets: [1, 1 + k],
    negativeBuckets: [],
  };
}

function customH(k: number): Histogram {
  return {
    counterResetHint: 0,
    schema: CustomBucketsSchema,
    zeroThreshold: 0,
    zeroCount: 0,
    count: 2 * k + 2,
    sum: 3 * k,
    positiveSpans: [{ offset: 0, length: 3 }],
    negativeSpans: [],
    positiveBuckets: [k, 1 - k, k],
    negativeBuckets: [],
    customValues: [0.5, 1],
  };
}

let wal: WalFixture;
let rxDB: DB;
let server: Server;
let url: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  wal = await WalFixture.open();
  rxDB = await DB.open();
  const handler = new WriteHandler({ appendable: rxDB, now: () => T0 + 3_600_000 });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      void handler.handle({ header: (n) => req.headers[n] as string | undefined, body }).then((r) => {
        res.writeHead(r.status, r.headers);
        res.end(r.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
});

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rxDB.close();
  await wal.close();
});

async function queue(extra: string): Promise<QueueManager> {
  const cfg = remoteWriteConfig(url, `${extra}\nqueue_config:\n  max_samples_per_send: 7\n  batch_send_deadline: 50ms`);
  const http = await HTTPClient.create(cfg.httpClientConfig);
  const q = await QueueManager.create({
    cfg,
    externalLabels: Labels.EMPTY,
    walDir: wal.walDir,
    store: new WriteClient(cfg, http).store,
    startTimeMs: T0 - 1,
    pollIntervalMs: 10,
    flushDeadlineMs: 5_000,
  });
  closers.push(async () => {
    await q.stop();
    await http.close();
  });
  q.start();
  return q;
}

/** Appends `n` steps of: a float, an integer, a float and a custom-bucket histogram series. */
async function appendAll(n: number): Promise<Map<string, Sample[]>> {
  const want = new Map<string, Sample[]>([
    ['f', []],
    ['ih', []],
    ['fh', []],
    ['ch', []],
  ]);
  for (let k = 0; k < n; k++) {
    const app = wal.db.appender();
    const t = T0 + k * 1000;
    app.append(0, Labels.fromStrings('__name__', 'f', 'job', 'test'), t, k);
    app.appendHistogram(0, Labels.fromStrings('__name__', 'ih', 'job', 'test'), t, intH(k), undefined);
    app.appendHistogram(0, Labels.fromStrings('__name__', 'fh', 'job', 'test'), t, undefined, floatH(k));
    app.appendHistogram(0, Labels.fromStrings('__name__', 'ch', 'job', 'test'), t, customH(k % 2), undefined);
    await app.commit();
    want.get('f')!.push({ t, v: k });
    want.get('ih')!.push({ t, h: intH(k) });
    want.get('fh')!.push({ t, fh: floatH(k) });
    want.get('ch')!.push({ t, h: customH(k % 2) });
  }
  return want;
}

// The counter-reset hint read back is the chunk's, not the one appended: compared apart.
function withoutHint(s: Sample): Sample {
  if ('h' in s && s.h !== undefined) return { t: s.t, h: { ...s.h, counterResetHint: 0 } };
  if ('fh' in s && s.fh !== undefined) return { t: s.t, fh: { ...s.fh, counterResetHint: 0 } };
  return s;
}

async function received(): Promise<Map<string, Sample[]>> {
  const q = rxDB.querier(0, T0 + 3_600_000);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Equal, 'job', 'test')]);
  const out = new Map<string, Sample[]>();
  for (const s of expandSeriesSet(ss)) {
    out.set(s.labels().get('__name__'), samplesFromIterator(s.iterator()).map(withoutHint));
  }
  await q.close();
  return out;
}

describe('sending native histograms', () => {
  for (const [proto, extra] of [
    ['1.0 with send_native_histograms', 'send_native_histograms: true'],
    ['2.0', 'protobuf_message: io.prometheus.write.v2.Request'],
  ] as const) {
    it(`Remote Write ${proto}: integer, float and custom-bucket histograms arrive as appended`, async () => {
      const q = await queue(extra);
      const want = await appendAll(20);
      await vi.waitFor(() => expect(q.stats.histogramsTotal).toBe(60), { timeout: 20_000, interval: 20 });
      await vi.waitFor(() => expect(q.stats.samplesTotal).toBe(20), { timeout: 20_000, interval: 20 });
      expect(q.stats.histogramsInTotal).toBe(60);
      expect(q.stats.histogramsPending).toBe(0);
      expect(q.stats.histogramsFailedTotal).toBe(0);
      expect(await received()).toEqual(want);
    });
  }

  it('Remote Write 1.0 without send_native_histograms sends the floats only', async () => {
    const q = await queue('');
    await appendAll(5);
    await vi.waitFor(() => expect(q.stats.samplesTotal).toBe(5), { timeout: 20_000, interval: 20 });
    expect(q.stats.histogramsInTotal).toBe(0);
    expect([...(await received()).keys()]).toEqual(['f']);
  });

  it('counts histograms the receiver refuses (400) as failed, not sent', async () => {
    const q = await queue('send_native_histograms: true');
    // The receiver refuses what is out of order with 400: send the same histograms twice.
    const app = rxDB.appender();
    app.appendHistogram(0, Labels.fromStrings('__name__', 'ih', 'job', 'test'), T0 + 10_000, intH(1), undefined);
    await app.commit();
    const w = wal.db.appender();
    w.appendHistogram(0, Labels.fromStrings('__name__', 'ih', 'job', 'test'), T0, intH(1), undefined);
    await w.commit();
    await vi.waitFor(() => expect(q.stats.histogramsFailedTotal).toBe(1), { timeout: 20_000, interval: 20 });
    expect(q.stats.histogramsTotal).toBe(0);
    expect(q.stats.histogramsPending).toBe(0);
  });
});

describe('sending exemplars', () => {
  for (const [proto, extra] of [
    ['1.0', 'send_exemplars: true'],
    ['2.0', 'send_exemplars: true\nprotobuf_message: io.prometheus.write.v2.Request'],
  ] as const) {
    it(`Remote Write ${proto} with send_exemplars: exemplars of floats and histograms arrive as appended`, async () => {
      const q = await queue(extra);
      const fl = Labels.fromStrings('__name__', 'f', 'job', 'test');
      const hl = Labels.fromStrings('__name__', 'ih', 'job', 'test');
      const want: string[] = [];
      for (let k = 0; k < 10; k++) {
        const app = wal.db.appender();
        const t = T0 + k * 1000;
        app.append(0, fl, t, k);
        app.appendExemplar(0, fl, {
          labels: Labels.fromStrings('trace_id', `t${k}`),
          value: k / 2,
          ts: t,
          hasTs: true,
        });
        app.appendHistogram(0, hl, t, intH(k), undefined);
        app.appendExemplar(0, hl, { labels: Labels.fromStrings('span', `s${k}`), value: -k, ts: t, hasTs: true });
        await app.commit();
        want.push(`f ${t} ${k / 2} {trace_id="t${k}"}`);
        // Without send_native_histograms (1.0) the receiver has no series `ih` to put them on.
        if (proto === '2.0') want.push(`ih ${t} ${-k} {span="s${k}"}`);
      }
      await vi.waitFor(() => expect(q.stats.exemplarsTotal).toBe(20), { timeout: 20_000, interval: 20 });
      expect(q.stats.exemplarsInTotal).toBe(20);
      expect(q.stats.exemplarsPending).toBe(0);
      expect(q.stats.samplesTotal).toBe(10);
      expect(q.stats.histogramsTotal).toBe(proto === '2.0' ? 10 : 0);
      const got: string[] = [];
      for (const r of rxDB.exemplars(0, T0 + 3_600_000, [new Matcher(MatchType.Equal, 'job', 'test')])) {
        for (const e of r.exemplars) {
          got.push(`${r.seriesLabels.get('__name__')} ${e.ts} ${e.value} ${e.labels.toString()}`);
        }
      }
      expect(got.sort()).toEqual(want.sort());
    });
  }

  it('without send_exemplars, exemplars stay behind', async () => {
    const q = await queue('');
    const fl = Labels.fromStrings('__name__', 'f', 'job', 'test');
    const app = wal.db.appender();
    app.append(0, fl, T0, 1);
    app.appendExemplar(0, fl, { labels: Labels.fromStrings('trace_id', 'x'), value: 1, ts: T0, hasTs: true });
    await app.commit();
    await vi.waitFor(() => expect(q.stats.samplesTotal).toBe(1), { timeout: 20_000, interval: 20 });
    expect(q.stats.exemplarsInTotal).toBe(0);
    expect(rxDB.exemplars(0, T0 + 3_600_000, [new Matcher(MatchType.Equal, 'job', 'test')])).toEqual([]);
  });
});
