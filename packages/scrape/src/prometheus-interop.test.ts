// Real Prometheus 2.42 and our scrape Manager scrape the same node_exporter with the same
// prometheus.yml: both must store the same series (label sets compared) with equal values for the
// series that do not change between scrapes. Prometheus 2.42 stores `le` and `quantile` as the
// exporter wrote them; Prometheus 3, and tsprom, in OpenMetrics canonical form (`0` → `0.0`): the
// comparison applies that normalization to Prometheus's side.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tsprom/config';
import { Manager as DiscoveryManager } from '@tsprom/discovery';
import { formatOpenMetricsFloat } from '@tsprom/textparse';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manager } from './manager.js';
import { PEERS, requirePeer, type ServerPeer, startNodeExporter, startPrometheus } from '@tsprom/test-support';
import { readAll } from './testing/read-storage.js';
import { waitFor } from './testing/wait-for.js';

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(url: string, q: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { status: string; data: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(body)}`);
  return body.data.result;
}

/** Prometheus's labels printed as ours are, `le`/`quantile` normalized as Prometheus 3 does. */
function key(metric: Record<string, string>): string {
  const names = Object.keys(metric).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = names.map((n) => {
    let v = metric[n]!;
    if (n === 'le' || n === 'quantile') v = formatOpenMetricsFloat(Number(v === '+Inf' ? 'Infinity' : v));
    return `${n}=${JSON.stringify(v)}`;
  });
  return `{${parts.join(', ')}}`;
}

describe.runIf(requirePeer(PEERS.nodeExporter) && requirePeer(PEERS.prometheus))(
  'Prometheus 2.42 and tsprom scraping the same node_exporter',
  () => {
    let dir: string;
    let exporter: ServerPeer;
    let prom: ServerPeer;
    let db: DB;
    let manager: Manager;
    let discovery: DiscoveryManager;
    let running: Promise<void>;
    const sdAbort = new AbortController();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tsprom-scrape-prom-'));
      exporter = await startNodeExporter();
      const yaml = `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['${exporter.address}']\n        labels:\n          env: interop\n`;
      writeFileSync(join(dir, 'prometheus.yml'), yaml);
      prom = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'data') });
      db = await DB.open();
      // prometheus.yml → config → discovery (static_configs) → scrape manager, as the server wires them.
      manager = new Manager({ appendable: db, discoveryReloadIntervalMs: 0 });
      discovery = new DiscoveryManager({ updateIntervalMs: 10 });
      const cfg = loadConfig(yaml);
      await manager.applyConfig(cfg);
      discovery.start();
      running = manager.run(discovery.updates(sdAbort.signal));
      await discovery.applyConfig(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])));
    }, 180_000);

    afterAll(async () => {
      sdAbort.abort();
      await discovery?.stop();
      await manager?.stop();
      await running;
      await prom?.stop();
      await exporter?.stop();
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores the same series set, with equal values of constant series', async () => {
      await waitFor(async () => {
        const r = await query(prom.url, 'count_over_time(up{job="node"}[1m])').catch(() => []);
        return Number(r[0]?.value[1] ?? 0) >= 2;
      }, 120_000);
      await waitFor(() => (manager.targetsActive().get('node') ?? []).length === 1, 60_000);
      const ours = manager.targetsActive().get('node')![0]!;
      expect(ours.labels.get('env')).toBe('interop');
      await waitFor(() => ours.lastScrape > 0 && ours.health === 'up', 120_000);
      // Compare after a scrape of ours, so both hold a complete scrape.
      const since = ours.lastScrape;
      await waitFor(() => ours.lastScrape > since, 60_000);
      expect(ours.lastError).toBeUndefined();

      const theirs = await query(prom.url, '{job="node"}');
      const stored = (await readAll(db)).filter((s) => s.samples.at(-1)?.[1] !== 'stale');
      const theirKeys = new Set(theirs.map((s) => key(s.metric)));
      const ourKeys = new Set(stored.map((s) => s.labels));
      expect([...ourKeys].filter((k) => !theirKeys.has(k))).toEqual([]);
      expect([...theirKeys].filter((k) => !ourKeys.has(k))).toEqual([]);
      expect(ourKeys.size).toBeGreaterThan(50);

      const constant = [
        'node_memory_MemTotal_bytes',
        'node_uname_info',
        'node_exporter_build_info',
        'node_filesystem_size_bytes',
        'scrape_samples_scraped',
        'scrape_samples_post_metric_relabeling',
        'up',
      ];
      let compared = 0;
      for (const s of theirs) {
        if (!constant.includes(s.metric.__name__!)) continue;
        const mine = stored.find((x) => x.labels === key(s.metric));
        expect(mine?.samples.at(-1)?.[1], key(s.metric)).toBe(Number(s.value[1]));
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(6);
    }, 300_000);
  },
);
