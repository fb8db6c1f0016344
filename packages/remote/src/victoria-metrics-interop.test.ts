// tsprom's sender into Debian's VictoriaMetrics (a scale-out-class store): the raw samples read
// back through /api/v1/export equal what was written to the WAL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PEERS, type ServerPeer, requirePeer, startVictoriaMetrics } from '@tsprom/test-support';
import { sendingQueue, writeSamples } from './testing/send-fixture.js';
import { WalFixture } from './testing/wal-fixture.js';

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exportAll(url: string, match: string): Promise<Exported[]> {
  await (await fetch(`${url}/internal/force_flush`)).arrayBuffer();
  const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export: ${res.status} ${text}`);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Exported);
}

describe.runIf(requirePeer(PEERS.victoriaMetrics))('remote write into VictoriaMetrics', () => {
  let dir: string;
  let vm: ServerPeer;
  let wal: WalFixture;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-rw-vm-'));
    vm = await startVictoriaMetrics(join(dir, 'data'));
    wal = await WalFixture.open();
  }, 120_000);

  afterAll(async () => {
    await vm?.stop();
    await wal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every raw sample arrives with its labels, values and timestamps', async () => {
    const series = Array.from({ length: 30 }, (_, i) => `rw_vm_${i}`);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const sender = await sendingQueue(
      wal,
      `${vm.url}/api/v1/write`,
      'queue_config:\n  max_samples_per_send: 500\n  batch_send_deadline: 100ms',
      t0 - 1,
    );
    const written = await writeSamples(wal, series, 300, t0);
    try {
      await vi.waitFor(() => expect(sender.q.stats.samplesTotal).toBe(9000), { timeout: 60_000, interval: 100 });
      expect(sender.q.stats.samplesFailedTotal).toBe(0);
      let got: Exported[] = [];
      await vi.waitFor(
        async () => {
          got = await exportAll(vm.url, '{__name__=~"rw_vm_.*"}');
          expect(got.reduce((n, e) => n + e.values.length, 0)).toBe(9000);
        },
        { timeout: 60_000, interval: 500 },
      );
      expect(got.length).toBe(series.length);
      for (const e of got) {
        expect(e.metric.replica).toBe('tsprom');
        expect(e.metric.job).toBe('interop');
        const w = written.get(e.metric.__name__!)!;
        expect(e.timestamps).toEqual(w.ts);
        expect(e.values).toEqual(w.vs);
      }
    } finally {
      await sender.close();
    }
  }, 120_000);
});
