// The README's usage example, run as a test so the docs cannot drift (a local target stands in
// for 127.0.0.1:9100).
import { loadConfig } from '@tsprom/config';
import { Manager as DiscoveryManager } from '@tsprom/discovery';
import { DB } from '@tsprom/tsdb';
import { expect, it } from 'vitest';
import { Manager } from './index.js';
import { startExpositionServer } from './testing/exposition-server.js';
import { waitFor } from './testing/wait-for.js';

it('runs the README example', async () => {
  const srv = await startExpositionServer({ body: '# TYPE node_load1 gauge\nnode_load1 0.5\n' });
  const cfg = loadConfig(`
scrape_configs:
  - job_name: node
    scrape_interval: 15s
    sample_limit: 50000
    static_configs:
      - targets: ['${srv.address}']
        labels: { env: prod }
`);
  const db = await DB.open();
  const scrape = new Manager({ appendable: db });
  await scrape.applyConfig(cfg);
  const discovery = new DiscoveryManager();
  discovery.start();
  const stopDiscovery = new AbortController();
  const running = scrape.run(discovery.updates(stopDiscovery.signal));
  await discovery.applyConfig(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])));

  await waitFor(() => (scrape.targetsActive().get('node') ?? []).length === 1, 60_000);
  const [t] = scrape.targetsActive().get('node')!;
  expect(t!.url()).toBe(`http://${srv.address}/metrics`);
  expect(t!.publicLabels().toString()).toBe(`{env="prod", instance="${srv.address}", job="node"}`);
  // The first scrape comes within one interval (the target's offset).
  await waitFor(() => t!.health !== 'unknown', 60_000);
  expect(t!.health).toBe('up');
  expect(t!.lastError).toBeUndefined();

  stopDiscovery.abort();
  await discovery.stop();
  await scrape.stop();
  await running;
  await db.close();
  await srv.close();
});
