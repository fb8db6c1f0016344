// Writes a known set of samples to a WAL and sends them with a QueueManager to a receiver, for the
// interop tests: the samples every peer must end up holding.
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { QueueManager } from '../queue-manager.js';
import { WriteClient } from '../write-client.js';
import { remoteWriteConfig, type WalFixture } from './wal-fixture.js';

/** What was written: per series name, timestamps and values. */
export type Written = Map<string, { ts: number[]; vs: number[] }>;

/**
 * Appends `steps` samples 1 s apart (ending about now) to `series` metrics; values are exact in
 * decimal (VictoriaMetrics stores decimals), include negatives, zero and large counters.
 */
export async function writeSamples(
  wal: WalFixture,
  series: readonly string[],
  steps: number,
  t0: number,
): Promise<Written> {
  const out: Written = new Map(series.map((s) => [s, { ts: [], vs: [] }]));
  for (let k = 0; k < steps; k++) {
    const app = wal.db.appender();
    const t = t0 + k * 1000;
    for (const [i, s] of series.entries()) {
      const v = i % 3 === 0 ? k * 0.5 - 10 : i % 3 === 1 ? 1e12 + k : k % 7;
      app.append(0, Labels.fromStrings('__name__', s, 'job', 'interop', 'i', String(i)), t, v);
      out.get(s)!.ts.push(t);
      out.get(s)!.vs.push(v);
    }
    await app.commit();
  }
  return out;
}

/** A queue sending `walDir` to `url` (Remote Write 1.0 unless `extra` says otherwise). */
export async function sendingQueue(
  wal: WalFixture,
  url: string,
  extra: string,
  startTimeMs: number,
): Promise<{ q: QueueManager; close(): Promise<void> }> {
  const cfg = remoteWriteConfig(url, extra);
  const http = await HTTPClient.create(cfg.httpClientConfig);
  const q = await QueueManager.create({
    cfg,
    externalLabels: Labels.fromStrings('replica', 'tsprom'),
    walDir: wal.walDir,
    store: new WriteClient(cfg, http).store,
    startTimeMs,
    pollIntervalMs: 20,
    flushDeadlineMs: 10_000,
  });
  q.start();
  return {
    q,
    async close() {
      await q.stop();
      await http.close();
    },
  };
}
