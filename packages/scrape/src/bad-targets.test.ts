// One bad target of each kind (slow, hanging, huge body, malformed, resetting connections) in a
// job with 100 healthy ones: the healthy keep being scraped on their own schedule. Asserted on
// structure (each loop has its own timer and timeout; parsing yields the event loop), never on
// measured delays: the delay itself is a benchmark figure (`pnpm bench scrape`).
import { loadConfig } from '@tsprom/config';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { BodySizeLimitError, ScrapeParseError, ScrapeRequestError } from './errors.js';
import { Manager } from './manager.js';
import { ScrapeCache } from './scrape-cache.js';
import { appendScrape } from './scrape-loop-append.js';
import { ScrapeMetrics } from './scrape-metrics.js';
import { type ExpositionServer, startExpositionServer } from './testing/exposition-server.js';
import { loopOptions } from './testing/loop-fixture.js';
import { readAll } from './testing/read-storage.js';
import { waitFor } from './testing/wait-for.js';

const HEALTHY = 100;

describe('bad targets among 100 healthy ones', () => {
  let db: DB;
  let healthy: ExpositionServer[];
  let bad: Record<'slow' | 'hanging' | 'huge' | 'malformed' | 'resetting', ExpositionServer>;
  let manager: Manager;

  beforeAll(async () => {
    db = await DB.open();
    healthy = [];
    for (let i = 0; i < HEALTHY; i++) {
      let body = '';
      for (let j = 0; j < 20; j++) body += `m${j}{t="${i}"} ${j}\n`;
      healthy.push(await startExpositionServer({ body }));
    }
    bad = {
      slow: await startExpositionServer({ body: 'a 1\n'.repeat(2000), trickleBytes: 10, trickleMs: 20 }),
      hanging: await startExpositionServer({ hang: true }),
      huge: await startExpositionServer({ body: `${'x'.repeat(100)} 1\n`.repeat(100_000) }),
      malformed: await startExpositionServer({ body: 'a 1\nb{ 2\n' }),
      resetting: await startExpositionServer({ reset: true }),
    };
    manager = new Manager({ appendable: db, discoveryReloadIntervalMs: 0 });
    await manager.applyConfig(
      loadConfig(
        'scrape_configs:\n  - job_name: j\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    body_size_limit: 1MB\n',
      ),
    );
    const all = [...healthy, ...Object.values(bad)].map((s) => ({ __address__: s.address }));
    manager.updateTargets(new Map([['j', [{ source: '0', targets: all, labels: {} }]]]));
    await manager.reload();
  }, 120_000);

  afterAll(async () => {
    await manager.stop();
    for (const s of [...healthy, ...Object.values(bad)]) await s.close();
    await db.close();
  });

  it(
    'every loop has its own timer and timeout: healthy targets are scraped again and again',
    { timeout: 600_000 },
    async () => {
      const targets = manager.targetsActive().get('j')!;
      expect(targets).toHaveLength(HEALTHY + 5);
      const byAddress = new Map(targets.map((t) => [t.labels.get('__address__'), t]));
      // Every target is scraped on its own: the hanging one times out scrape after scrape...
      await waitFor(() => bad.hanging.requests.length >= 1);
      const start = healthy.map((s) => s.requests.length);
      const hangingStart = bad.hanging.requests.length;
      // ...while every healthy target gets three more scrapes, and the bad ones go on failing.
      await waitFor(() => healthy.every((s, i) => s.requests.length >= start[i]! + 3), 60_000);
      await waitFor(() => bad.hanging.requests.length >= hangingStart + 2, 60_000);
      // Every healthy target has been up (awaited: on a loaded machine any one scrape may time out).
      // One read of the storage per round for all targets: a read per target starved the loops.
      const wasUp = new Set<string>();
      await waitFor(async () => {
        for (const u of await readAll(db)) {
          if (u.name !== 'up' || !u.samples.some(([, v]) => v === 1)) continue;
          for (const s of healthy) if (u.labels.includes(`instance="${s.address}"`)) wasUp.add(s.address);
        }
        return healthy.every((s) => wasUp.has(s.address));
      }, 120_000);

      // Each bad target fails its own way (awaited: on a loaded machine any scrape may also time out).
      const err = (s: ExpositionServer) => byAddress.get(s.address)!.lastError;
      const timedOut = (e: Error | undefined) => e instanceof ScrapeRequestError && e.timedOut;
      await waitFor(() => timedOut(err(bad.slow)), 60_000);
      await waitFor(() => timedOut(err(bad.hanging)), 60_000);
      await waitFor(() => err(bad.huge) instanceof BodySizeLimitError, 60_000);
      await waitFor(() => err(bad.malformed) instanceof ScrapeParseError, 60_000);
      await waitFor(() => err(bad.resetting) instanceof ScrapeRequestError && !timedOut(err(bad.resetting)), 60_000);
    },
  );
});

// On its own, away from the 100 scrape loops above: a body that takes many 4 ms slices to append
// (20k new series) lets a callback queued before it run before it ends.
describe('a big scrape body', () => {
  const LINES = 20_000;
  it('appending a big body yields the event loop between slices', { timeout: 120_000 }, async () => {
    let body = '';
    for (let i = 0; i < LINES; i++) body += `series_${i % 1000}{i="${i}"} ${i}\n`;
    const host = {
      cache: new ScrapeCache(),
      options: loopOptions(),
      metrics: new ScrapeMetrics(),
      sampleMutator: (l: never) => l,
    };
    const db = await DB.open();
    onTestFinished(() => db.close());
    const app = db.appender();
    let ranDuringAppend = false;
    let appendDone = false;
    setImmediate(() => {
      ranDuringAppend = !appendDone;
    });
    const result = { total: 0, added: 0, seriesAdded: 0, error: undefined };
    await appendScrape(host, app, new TextEncoder().encode(body), 'text/plain; version=0.0.4', Date.now(), result);
    appendDone = true;
    await app.rollback();
    expect(result.total).toBe(LINES);
    expect(ranDuringAppend).toBe(true);
  });
});
