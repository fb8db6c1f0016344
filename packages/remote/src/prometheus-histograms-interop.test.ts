// tsprom's sender into real Prometheus 2.42 (--enable-feature=native-histograms
// --web.enable-remote-write-receiver), Remote Write 1.0 with send_native_histograms: every integer
// histogram appended to the WAL arrives, read back exactly through Prometheus's remote read
// (streamed histogram chunks, decoded by @tsprom/chunkenc). 2.42 knows neither float histograms
// in remote write nor custom buckets: those are checked against tsprom's own receiver
// (send-histograms.test.ts). Exemplars (send_exemplars) arrive too, read back by query_exemplars.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tsprom/config';
import { Labels } from '@tsprom/labels';
import { type Histogram, type Sample, samplesFromIterator } from '@tsprom/storage-interfaces';
import { PEERS, requirePeer, type ServerPeer, startPrometheus } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HTTPReadClient } from './read-client.js';
import { PbMatcherType } from './read-request.js';
import { sendingQueue } from './testing/send-fixture.js';
import { WalFixture } from './testing/wal-fixture.js';

function hist(k: number, schema: number): Histogram {
  return {
    counterResetHint: 0,
    schema,
    zeroThreshold: 1e-128,
    zeroCount: k,
    count: 5 * k + 3,
    sum: 0.25 * k - 1,
    positiveSpans: [
      { offset: -2, length: 2 },
      { offset: 3, length: 1 },
    ],
    negativeSpans: [{ offset: 1, length: 1 }],
    positiveBuckets: [k, 1, 0],
    negativeBuckets: [k + 1],
  };
}

describe.runIf(requirePeer(PEERS.prometheus))(
  'native histograms and exemplars by remote write into Prometheus 2.42',
  () => {
    let dir: string;
    let prom: ServerPeer;
    let wal: WalFixture;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tsprom-rwh-prom-'));
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      prom = await startPrometheus({
        configFile: join(dir, 'prometheus.yml'),
        dataDir: join(dir, 'data'),
        args: ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms,exemplar-storage'],
      });
      wal = await WalFixture.open();
    }, 120_000);

    afterAll(async () => {
      await prom?.stop();
      await wal?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('Remote Write 1.0 with send_native_histograms: every histogram arrives as appended', async () => {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
      const sender = await sendingQueue(
        wal,
        `${prom.url}/api/v1/write`,
        'send_native_histograms: true\nqueue_config:\n  max_samples_per_send: 50\n  batch_send_deadline: 100ms',
        t0 - 1,
      );
      const want = new Map<string, Sample[]>();
      const schemas = [0, 3, -2];
      for (const s of schemas) want.set(`rwh_${s}`, []);
      try {
        for (let k = 0; k < 100; k++) {
          const app = wal.db.appender();
          const t = t0 + k * 1000;
          for (const s of schemas) {
            const name = `rwh_${s}`;
            app.appendHistogram(0, Labels.fromStrings('__name__', name, 'job', 'interop'), t, hist(k, s), undefined);
            want.get(name)!.push({ t, h: hist(k, s) });
          }
          await app.commit();
        }
        await vi.waitFor(() => expect(sender.q.stats.histogramsTotal).toBe(300), { timeout: 60_000, interval: 100 });
        expect(sender.q.stats.histogramsFailedTotal).toBe(0);

        const cfg = loadConfig(`remote_read:\n  - url: ${prom.url}/api/v1/read\n`).remoteRead[0]!;
        const client = await HTTPReadClient.create(cfg);
        try {
          const got = await client.read(
            {
              startTimestampMs: t0,
              endTimestampMs: t0 + 100_000,
              matchers: [{ type: PbMatcherType.RE, name: '__name__', value: 'rwh_.*' }],
              hints: undefined,
            },
            true,
          );
          expect(got.map((s) => s.labels().get('__name__'))).toEqual(['rwh_-2', 'rwh_0', 'rwh_3']);
          for (const s of got) {
            expect(s.labels().get('replica')).toBe('tsprom');
            const samples = samplesFromIterator(s.iterator()).map((x) =>
              'h' in x && x.h !== undefined ? { t: x.t, h: { ...x.h, counterResetHint: 0 } } : x,
            );
            expect(samples).toEqual(want.get(s.labels().get('__name__')));
          }
        } finally {
          await client.close();
        }
      } finally {
        await sender.close();
      }
    }, 120_000);

    it('Remote Write 1.0 with send_exemplars: every exemplar arrives', async () => {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 5 * 60_000;
      const sender = await sendingQueue(
        wal,
        `${prom.url}/api/v1/write`,
        'send_exemplars: true\nqueue_config:\n  max_samples_per_send: 50\n  batch_send_deadline: 100ms',
        t0 - 1,
      );
      const want: string[] = [];
      try {
        for (let k = 0; k < 30; k++) {
          const app = wal.db.appender();
          const t = t0 + k * 1000;
          const ls = Labels.fromStrings('__name__', 'rwe', 'job', 'interop');
          app.append(0, ls, t, k);
          app.appendExemplar(0, ls, {
            labels: Labels.fromStrings('trace_id', `tr${k}`),
            value: k * 0.5,
            ts: t,
            hasTs: true,
          });
          await app.commit();
          want.push(`${t} ${k * 0.5} tr${k}`);
        }
        await vi.waitFor(() => expect(sender.q.stats.exemplarsTotal).toBe(30), { timeout: 60_000, interval: 100 });
        expect(sender.q.stats.exemplarsFailedTotal).toBe(0);
        const qs = new URLSearchParams({ query: 'rwe', start: String(t0 / 1000 - 1), end: String(t0 / 1000 + 60) });
        const res = await fetch(`${prom.url}/api/v1/query_exemplars?${qs}`);
        const body = (await res.json()) as {
          status: string;
          data: {
            seriesLabels: Record<string, string>;
            exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
          }[];
        };
        expect(body.status).toBe('success');
        expect(body.data.length).toBe(1);
        expect(body.data[0]!.seriesLabels.replica).toBe('tsprom');
        const got = body.data[0]!.exemplars.map(
          (e) => `${Math.round(e.timestamp * 1000)} ${Number(e.value)} ${e.labels.trace_id}`,
        );
        expect(got).toEqual(want);
      } finally {
        await sender.close();
      }
    }, 120_000);
  },
);
