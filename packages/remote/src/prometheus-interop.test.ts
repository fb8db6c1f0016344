// tsprom's sender into real Prometheus 2.42 (--web.enable-remote-write-receiver): every sample
// written to the WAL arrives, with the external label added, read back raw through the query API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PEERS, type ServerPeer, requirePeer, startPrometheus } from '@tsprom/test-support';
import { sendingQueue, type Written, writeSamples } from './testing/send-fixture.js';
import { WalFixture } from './testing/wal-fixture.js';

interface Matrix {
  metric: Record<string, string>;
  values: [number, string][];
}

async function rangeVector(url: string, q: string, timeS: number): Promise<Matrix[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q, time: String(timeS) })}`);
  const body = (await res.json()) as { status: string; data: { result: Matrix[] } };
  if (body.status !== 'success') throw new Error(`${q}: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe.runIf(requirePeer(PEERS.prometheus))('remote write into Prometheus 2.42', () => {
  let dir: string;
  let prom: ServerPeer;
  let wal: WalFixture;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-rw-prom-'));
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    prom = await startPrometheus({
      configFile: join(dir, 'prometheus.yml'),
      dataDir: join(dir, 'data'),
      args: ['--web.enable-remote-write-receiver'],
    });
    wal = await WalFixture.open();
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await wal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Remote Write 2.0 is not tested against 2.42: it predates 2.0 and reads such a body as an
  // empty 1.0 request (unknown fields skipped), answering 204. 2.0 is checked against this
  // package's own decoder (queue-manager.test.ts).
  it('Remote Write 1.0: every sample arrives, with the external label', async () => {
    const series = Array.from({ length: 30 }, (_, i) => `rw_v1_${i}`);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const sender = await sendingQueue(
      wal,
      `${prom.url}/api/v1/write`,
      'queue_config:\n  max_samples_per_send: 500\n  batch_send_deadline: 100ms',
      t0 - 1,
    );
    const written: Written = await writeSamples(wal, series, 300, t0);
    try {
      await vi.waitFor(() => expect(sender.q.stats.samplesTotal).toBe(9000), { timeout: 60_000, interval: 100 });
      expect(sender.q.stats.samplesFailedTotal).toBe(0);
      const got = await rangeVector(prom.url, '{__name__=~"rw_v1_.*"}[15m]', t0 / 1000 + 300);
      expect(got.length).toBe(series.length);
      for (const m of got) {
        expect(m.metric.replica).toBe('tsprom');
        expect(m.metric.job).toBe('interop');
        const w = written.get(m.metric.__name__!)!;
        expect(m.values.map(([t]) => Math.round(t * 1000))).toEqual(w.ts);
        expect(m.values.map(([, v]) => Number(v))).toEqual(w.vs);
      }
    } finally {
      await sender.close();
    }
  }, 120_000);
});
