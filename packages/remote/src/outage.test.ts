// The receiver goes away while samples keep coming into the WAL, and the sender is restarted in
// the middle: when the receiver is back, every sample the WAL holds arrives, in order per series,
// none twice (the queue resumes from its saved WAL position).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueManager } from './queue-manager.js';
import { TestReceiver } from './testing/receiver.js';
import { remoteWriteConfig, WalFixture } from './testing/wal-fixture.js';
import { WriteClient } from './write-client.js';

const T0 = 1_700_000_000_000;
const series = Array.from({ length: 40 }, (_, i) => `o${i}`);
let wal: WalFixture;
let rx: TestReceiver;
let state: string;

beforeEach(async () => {
  wal = await WalFixture.open(32 * 1024);
  rx = await TestReceiver.start();
  state = mkdtempSync(join(tmpdir(), 'tsprom-remote-outage-'));
});
afterEach(async () => {
  await rx.close();
  await wal.close();
  rmSync(state, { recursive: true, force: true });
});

async function sender(): Promise<{ q: QueueManager; stop(): Promise<void> }> {
  const cfg = remoteWriteConfig(
    rx.url,
    'queue_config:\n  max_samples_per_send: 300\n  batch_send_deadline: 20ms\n  min_backoff: 10ms\n  max_backoff: 50ms\n  max_shards: 4',
  );
  const http = await HTTPClient.create(cfg.httpClientConfig);
  const q = await QueueManager.create({
    cfg,
    externalLabels: Labels.EMPTY,
    walDir: wal.walDir,
    stateDir: state,
    store: new WriteClient(cfg, http).store,
    startTimeMs: T0 - 1,
    pollIntervalMs: 10,
    flushDeadlineMs: 200,
  });
  q.start();
  return {
    q,
    async stop() {
      await q.stop();
      await http.close();
    },
  };
}

const waitFor = (fn: () => void) => vi.waitFor(fn, { timeout: 60_000, interval: 20 });

describe('outage', () => {
  it('sends every sample the WAL holds after an outage and a restart, in order, none twice', async () => {
    let k = 0;
    const write = async (n: number) => {
      for (const end = k + n; k < end; k++) await wal.append(series, T0 + k * 1000, k);
    };
    let s = await sender();
    await write(50);
    await waitFor(() => expect(rx.accepted.length).toBe(50 * series.length));
    // The sender has every answer: none is lost with the connections when the receiver goes.
    await waitFor(() => expect(s.q.stats.samplesTotal).toBe(50 * series.length));

    await rx.down();
    await write(100); // The WAL grows while nothing can be sent.
    await waitFor(() => expect(s.q.stats.samplesRetriedTotal).toBeGreaterThan(0));
    await s.stop(); // A restart during the outage.
    s = await sender();
    await write(100);
    await waitFor(() => expect(s.q.stats.samplesRetriedTotal).toBeGreaterThan(0));

    await rx.up();
    await write(50);
    const total = 300 * series.length;
    await waitFor(() => expect(rx.accepted.length).toBeGreaterThanOrEqual(total));
    await s.stop();
    expect(rx.accepted.length).toBe(total);
    for (const name of series) {
      const got = rx.samplesOf(`{__name__="${name}",job="test"}`);
      expect(got.map((x) => x.t)).toEqual(Array.from({ length: 300 }, (_, i) => T0 + i * 1000));
      expect(got.map((x) => x.v)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    }
  }, 120_000);
});
