// A running scrape loop: its own timer, its own timeout, end-of-run stale markers. Conditions
// are awaited (with a generous deadline), never timed.
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExpositionServer, startExpositionServer } from './testing/exposition-server.js';
import { makeLoop } from './testing/loop-fixture.js';
import { byName, readAll } from './testing/read-storage.js';
import { waitFor } from './testing/wait-for.js';

let db: DB;
let srv: ExpositionServer;
beforeEach(async () => {
  db = await DB.open();
  srv = await startExpositionServer({ body: 'a 1\nb 2\n' });
});
afterEach(async () => {
  await srv.close();
  await db.close();
});

describe('ScrapeLoop.start', () => {
  it('scrapes every interval until stopped', async () => {
    const f = await makeLoop(db, srv.address, { options: { intervalMs: 50, timeoutMs: 50 } });
    f.loop.start();
    const ups = async () => byName(await readAll(db), 'up')[0]?.samples ?? [];
    // Successful scrapes, however many time out on a loaded machine.
    await waitFor(async () => (await ups()).filter(([, v]) => v === 1).length >= 3);
    await f.close();
    const up = await ups();
    expect(up.length).toBeGreaterThanOrEqual(srv.requests.length); // A cancelled scrape may not have sent its request.
    for (let i = 1; i < up.length; i++) expect(up[i]![0]).toBeGreaterThan(up[i - 1]![0]);
  });

  it('a hanging target does not hold up another loop: each has its own timer and timeout', async () => {
    const hanging = await startExpositionServer({ hang: true });
    try {
      const slow = await makeLoop(db, hanging.address, { options: { intervalMs: 60_000, timeoutMs: 60_000 } });
      const fast = await makeLoop(db, srv.address, { options: { intervalMs: 50, timeoutMs: 50 } });
      // The hanging target's scrape, started by hand (its timer's offset could be up to a minute).
      const hangingScrape = slow.loop.scrapeAndReport(Date.now());
      fast.loop.start();
      await waitFor(() => hanging.requests.length === 1);
      const before = srv.requests.length;
      // Three more requests, and a successful scrape (on a loaded machine any one may time out).
      await waitFor(() => srv.requests.length >= before + 3 && fast.target.health === 'up');
      // The hanging scrape is still outstanding: no report yet, and no second request.
      expect(slow.target.lastScrape).toBe(0);
      expect(hanging.requests).toHaveLength(1);
      await fast.close();
      await slow.close(); // cancel() aborts the hanging request.
      await hangingScrape;
      expect(slow.target.lastError?.message).toMatch(/context canceled$/);
    } finally {
      await hanging.close();
    }
  });

  it('stop() writes stale markers for every series just over two intervals later', async () => {
    const f = await makeLoop(db, srv.address, { options: { intervalMs: 50, timeoutMs: 50 } });
    f.loop.start();
    // A successful scrape (one that timed out on a loaded machine wrote no series a or b).
    await waitFor(() => f.target.health === 'up');
    await f.loop.stop();
    const lastScrape = f.target.lastScrape;
    await f.loop.done();
    const all = await readAll(db);
    // The report series go stale after the last scrape. a and b are stale too: by then, or already
    // at the last scrape if that one failed (it timed out on a loaded machine).
    for (const name of ['a', 'b', 'up', 'scrape_duration_seconds', 'scrape_series_added']) {
      const s = byName(all, name)[0]!.samples;
      expect(s.at(-1)![1], name).toBe('stale');
      if (name.length > 1) expect(s.at(-1)![0], name).toBeGreaterThan(lastScrape);
    }
    await f.close();
  });

  it('no stale markers when the parent signal aborted (shutdown)', async () => {
    const f = await makeLoop(db, srv.address, { options: { intervalMs: 50, timeoutMs: 50 } });
    f.loop.start();
    await waitFor(() => f.target.health === 'up');
    await f.close(); // Aborts the parent, then stops.
    const all = await readAll(db);
    expect(byName(all, 'a')[0]!.samples.some(([, v]) => v === 'stale')).toBe(false);
  });

  it('a loop stopped before its first scrape writes nothing', async () => {
    const f = await makeLoop(db, srv.address, { options: { intervalMs: 60_000, timeoutMs: 10_000 } });
    f.loop.start();
    await f.loop.stop();
    await f.loop.done();
    expect(await readAll(db)).toEqual([]);
    expect(srv.requests).toHaveLength(0);
    await f.close();
  });
});
