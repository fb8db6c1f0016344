// The scrape Manager and its pools, configured from real prometheus.yml text (@tsprom/config),
// scraping real HTTP targets into a real TSDB.
import { loadConfig } from '@tsprom/config';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TargetLimitError } from './errors.js';
import { Manager } from './manager.js';
import { reusableCache } from './scrape-pool.js';
import type { TargetGroup, TargetSets } from '@tsprom/discovery';
import { type ExpositionServer, startExpositionServer } from './testing/exposition-server.js';
import { byName, readAll } from './testing/read-storage.js';
import { waitFor } from './testing/wait-for.js';

let db: DB;
let servers: ExpositionServer[];
let manager: Manager;

beforeEach(async () => {
  db = await DB.open();
  servers = [];
  for (let i = 0; i < 3; i++) servers.push(await startExpositionServer({ body: `a{i="${i}"} ${i}\n` }));
  manager = new Manager({ appendable: db, discoveryReloadIntervalMs: 0 });
});
afterEach(async () => {
  await manager.stop();
  for (const s of servers) await s.close();
  await db.close();
});

function group(addresses: string[], labels: Record<string, string> = {}, source = 'static/0'): TargetGroup {
  return { source, labels, targets: addresses.map((a) => ({ __address__: a })) };
}

const config = (body: string) =>
  loadConfig(`global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n${body}`);

describe('Manager', () => {
  it('makes a pool per job and scrapes its targets', async () => {
    await manager.applyConfig(config('  - job_name: node\n  - job_name: other\n'));
    manager.updateTargets(
      new Map([
        ['node', [group([servers[0]!.address, servers[1]!.address], { env: 'p' })]],
        ['other', [group([servers[2]!.address])]],
      ]),
    );
    await manager.reload();
    expect(manager.scrapePools().sort()).toEqual(['node', 'other']);
    expect(manager.scrapePoolConfig('node')?.jobName).toBe('node');
    expect(manager.scrapePoolConfig('none')).toBeUndefined();
    const node = manager.targetsActive().get('node')!;
    expect(node.map((t) => t.url()).sort()).toEqual(
      [servers[0]!, servers[1]!].map((s) => `http://${s.address}/metrics`).sort(),
    );
    await waitFor(() => [...manager.targetsActive().values()].flat().every((t) => t.health === 'up'));
    // As in Prometheus (scrapeAndReport's report before its commit), a target shows up before its
    // scrape's samples are committed: the series are waited for, not read once.
    const want = [
      `{__name__="a", env="p", i="0", instance="${servers[0]!.address}", job="node"}`,
      `{__name__="a", i="2", instance="${servers[2]!.address}", job="other"}`,
    ];
    let seen: string[] = [];
    await waitFor(async () => {
      seen = byName(await readAll(db), 'a').map((s) => s.labels);
      return want.every((w) => seen.includes(w));
    }).catch((err: unknown) => {
      throw new Error(`series a of both jobs not stored; last seen: ${JSON.stringify(seen)}`, { cause: err });
    });
    expect(seen).toEqual(expect.arrayContaining(want));
  });

  it('keeps dropped targets for the API, at most keep_dropped_targets', async () => {
    await manager.applyConfig(
      config(
        '  - job_name: j\n    keep_dropped_targets: 1\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: .*:1\n        action: drop\n',
      ),
    );
    manager.updateTargets(new Map([['j', [group(['x:1', 'y:1', servers[0]!.address])]]]));
    await manager.reload();
    expect(manager.targetsActive().get('j')).toHaveLength(1);
    const dropped = manager.targetsDropped().get('j')!;
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.labels.isEmpty()).toBe(true);
    expect(dropped[0]!.discoveredLabels.get('__address__')).toBe('x:1');
    expect(manager.targetsDroppedCounts().get('j')).toBe(2);
  });

  it('target_limit: every target of the job fails with up = 0 while exceeded', async () => {
    await manager.applyConfig(config('  - job_name: j\n    target_limit: 2\n'));
    manager.updateTargets(new Map([['j', [group(servers.map((s) => s.address))]]]));
    await manager.reload();
    const targets = manager.targetsActive().get('j')!;
    await waitFor(() => targets.every((t) => t.lastScrape > 0));
    for (const t of targets) {
      expect(t.lastError).toBeInstanceOf(TargetLimitError);
      expect(t.lastError?.message).toBe('target_limit exceeded (number of targets: 3, limit: 2)');
    }
    for (const s of servers) expect(s.requests).toHaveLength(0);
    expect(manager.metrics.exceededTargetLimit).toBeGreaterThan(0);
    // Back under the limit: scraping resumes.
    manager.updateTargets(new Map([['j', [group([servers[0]!.address, servers[1]!.address])]]]));
    await manager.reload();
    await waitFor(() =>
      manager
        .targetsActive()
        .get('j')!
        .every((t) => t.health === 'up'),
    );
  });

  it('a target that leaves its group gets end-of-run stale markers; the others go on', async () => {
    await manager.applyConfig(config('  - job_name: j\n'));
    manager.updateTargets(new Map([['j', [group([servers[0]!.address, servers[1]!.address])]]]));
    await manager.reload();
    // Both scraped successfully (on a loaded machine a scrape may time out and write no series).
    await waitFor(() =>
      manager
        .targetsActive()
        .get('j')!
        .every((t) => t.health === 'up'),
    );
    manager.updateTargets(new Map([['j', [group([servers[0]!.address])]]]));
    await manager.reload();
    const gone = `{__name__="a", i="1", instance="${servers[1]!.address}", job="j"}`;
    await waitFor(async () => (await readAll(db)).find((x) => x.labels === gone)?.samples.at(-1)?.[1] === 'stale');
    // The other target goes on: scraped (successfully) after the removal.
    const removedAt = Date.now();
    const kept = `{__name__="a", i="0", instance="${servers[0]!.address}", job="j"}`;
    await waitFor(async () =>
      Boolean((await readAll(db)).find((x) => x.labels === kept)?.samples.some(([t, v]) => t > removedAt && v === 0)),
    );
  });

  it('applyConfig reloads a pool whose config changed and stops a removed job', async () => {
    await manager.applyConfig(config('  - job_name: j\n  - job_name: k\n'));
    manager.updateTargets(
      new Map([
        ['j', [group([servers[0]!.address])]],
        ['k', [group([servers[1]!.address])]],
      ]),
    );
    await manager.reload();
    await waitFor(() => [...manager.targetsActive().values()].flat().every((t) => t.lastScrape > 0));
    await manager.applyConfig(
      config(
        '  - job_name: j\n    metric_relabel_configs:\n      - target_label: reloaded\n        replacement: "yes"\n',
      ),
    );
    // A sample's timestamp is its scrape's start: every scrape of k started before the reload ended.
    const stoppedAt = Date.now();
    expect(manager.scrapePools()).toEqual(['j']);
    const reloaded = `{__name__="a", i="0", instance="${servers[0]!.address}", job="j", reloaded="yes"}`;
    await waitFor(async () => (await readAll(db)).some((x) => x.labels === reloaded));
    // k stopped with its pool: no more scrapes, and no end-of-run stale markers (as on shutdown):
    // nothing of k is written after the stop, though more than two of its intervals pass.
    const [r0, r1] = [servers[0]!.requests.length, servers[1]!.requests.length];
    await waitFor(() => servers[0]!.requests.length > r0 + 3);
    expect(servers[1]!.requests.length).toBe(r1);
    const k = (await readAll(db)).filter((x) => x.labels.includes('job="k"'));
    expect(k.length).toBeGreaterThan(0);
    for (const s of k) expect(s.samples.at(-1)![0], s.labels).toBeLessThanOrEqual(stoppedAt);
  });

  it('run() applies the updates of an async iterable; stop() ends it though the iterable waits', async () => {
    await manager.applyConfig(config('  - job_name: j\n'));
    let waiting = false;
    async function* updates(): AsyncGenerator<TargetSets> {
      yield new Map([['j', [group([servers[0]!.address])]]]);
      waiting = true;
      await new Promise(() => undefined); // Discovery with nothing new to say.
    }
    const running = manager.run(updates());
    await waitFor(() => (manager.targetsActive().get('j') ?? []).length === 1 && waiting);
    await manager.stop();
    await running;
  });

  it('a reload that changes only the interval, timeout, sample limit or HTTP client keeps the caches', async () => {
    await manager.applyConfig(config('  - job_name: j\n'));
    manager.updateTargets(new Map([['j', [group([servers[0]!.address])]]]));
    await manager.reload();
    const seriesAdded = async () =>
      (await readAll(db)).find((s) => s.name === 'scrape_series_added')?.samples.map(([, v]) => v) ?? [];
    await waitFor(async () => (await seriesAdded()).includes(1));
    expect((await seriesAdded()).filter((v) => v !== 0)).toEqual([1]); // Failed scrapes add 0.
    await manager.applyConfig(
      loadConfig(
        'global:\n  scrape_interval: 150ms\n  scrape_timeout: 150ms\nscrape_configs:\n  - job_name: j\n    sample_limit: 10\n    bearer_token: x\n',
      ),
    );
    const n = (await seriesAdded()).length;
    await waitFor(async () => (await seriesAdded()).length >= n + 2);
    // The new loop found the series in the cache it took over: nothing new.
    expect((await seriesAdded()).slice(n).every((v) => v === 0)).toBe(true);
    expect(servers[0]!.requests.at(-1)?.authorization).toBe('Bearer x');
  });
});

describe('reusableCache', () => {
  it('ignores interval, timeout, sample limit and the HTTP client; not metric relabeling', () => {
    const base = config('  - job_name: j\n').scrapeConfigs[0]!;
    const other = config(
      '  - job_name: j\n    scrape_interval: 1s\n    scrape_timeout: 1s\n    sample_limit: 5\n    basic_auth:\n      username: u\n',
    ).scrapeConfigs[0]!;
    expect(reusableCache(base, other)).toBe(true);
    const relabeled = config(
      '  - job_name: j\n    metric_relabel_configs:\n      - target_label: a\n        replacement: b\n',
    ).scrapeConfigs[0]!;
    expect(reusableCache(base, relabeled)).toBe(false);
    expect(reusableCache(base, config('  - job_name: j\n    honor_labels: true\n').scrapeConfigs[0]!)).toBe(false);
  });

  it('asks for the protobuf format first when native histograms are scraped (Prometheus 3)', async () => {
    await manager.applyConfig(config('  - job_name: nh\n    scrape_native_histograms: true\n  - job_name: classic\n'));
    manager.updateTargets(
      new Map([
        ['nh', [group([servers[0]!.address])]],
        ['classic', [group([servers[1]!.address])]],
      ]),
    );
    await manager.reload();
    await waitFor(() => servers[0]!.requests.length > 0 && servers[1]!.requests.length > 0);
    expect(servers[0]!.requests[0]!.accept).toBe(
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,' +
        'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,' +
        'application/openmetrics-text;version=0.0.1;q=0.4,' +
        'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
    );
    expect(servers[1]!.requests[0]!.accept).toMatch(/^application\/openmetrics-text;version=1\.0\.0;/);
  });
});
