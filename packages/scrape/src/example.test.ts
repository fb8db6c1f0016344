// The README's usage example, run as a test so the docs cannot drift (a local target stands in
// for 127.0.0.1:9100).
import { loadConfig } from '@tsprom/config';
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
`);
  const db = await DB.open();
  const manager = new Manager({ appendable: db });
  await manager.applyConfig(cfg);
  manager.updateTargets(
    new Map([['node', [{ source: '0', targets: [{ __address__: srv.address }], labels: { env: 'prod' } }]]]),
  );
  await manager.reload();
  const [t] = manager.targetsActive().get('node') ?? [];
  expect(t?.url()).toBe(`http://${srv.address}/metrics`);
  expect(t?.publicLabels().toString()).toBe(`{env="prod", instance="${srv.address}", job="node"}`);
  // The first scrape comes within one interval (the target's offset).
  await waitFor(() => t!.health !== 'unknown', 60_000);
  expect(t!.health).toBe('up');
  await manager.stop();
  await db.close();
  await srv.close();
});
