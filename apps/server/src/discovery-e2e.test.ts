// file_sd end to end through the server: the files' targets are scraped, and a change of the files
// (a target added, one removed) reaches the scrape targets through the file watch and one
// coalesced discovery update (Prometheus's 5 s), not through the periodic re-read (1 h here).
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startTsprom } from './testing/tsprom-process.js';

interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  health: string;
}

describe('file_sd through the server', () => {
  let dir = '';
  let exporter: Server;
  let addr = '';
  const scraped = new Set<string>();
  let tsprom: ServerProcess | undefined;

  /** Writes a file_sd file atomically (a rename), as tools that generate them should. */
  const writeTargets = (name: string, groups: unknown) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, JSON.stringify(groups));
    renameSync(tmp, join(dir, 'targets', name));
  };

  const active = async (): Promise<ActiveTarget[]> => {
    const body = (await (await fetch(`${tsprom!.url}/api/v1/targets?state=active`)).json()) as {
      data: { activeTargets: ActiveTarget[] };
    };
    return body.data.activeTargets;
  };

  /** Polls until `check` holds; returns how long it took (ms). */
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> => {
    const t0 = performance.now();
    for (;;) {
      if (await check()) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}\n${tsprom?.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-file-sd-e2e-'));
    mkdirSync(join(dir, 'targets'));
    exporter = createServer((req, res) => {
      scraped.add(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end('example_metric 1\n');
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    addr = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    writeTargets('a.json', [{ targets: [addr], labels: { __metrics_path__: '/a', team: 'a' } }]);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: files\n    file_sd_configs:\n      - files: [targets/*.json]\n        refresh_interval: 1h\n`,
    );
    tsprom = await startTsprom(['--config.file=prometheus.yml', '--storage.tsdb.path=data'], dir);
  }, 180_000);

  afterAll(async () => {
    await tsprom?.stop();
    await new Promise((r) => exporter?.close(r));
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the targets of the files', async () => {
    await waitUntil('target a up', async () => (await active()).some((t) => t.health === 'up'));
    const [a] = await active();
    expect(a!.labels).toEqual({ instance: addr, job: 'files', team: 'a' });
    // Relative to the configuration file's directory as given (`.`), as Prometheus reports it.
    expect(a!.discoveredLabels.__meta_filepath).toBe('targets/a.json');
    expect(scraped.has('/a')).toBe(true);
  });

  it('a file added shows its target within the coalescing interval, and it is scraped; a file removed drops its target', async () => {
    writeTargets('b.json', [{ targets: [addr], labels: { __metrics_path__: '/b', team: 'b' } }]);
    const added = await waitUntil('target b', async () => (await active()).length === 2);
    // Only the watch can have delivered it (refresh_interval is 1h): the wait is one coalesced
    // update at most (5 s) plus the scrape manager's sync; reported, the bound is the test timeout.
    console.log(`file_sd change to scrape target: ${Math.round(added)} ms`);
    await waitUntil('target b scraped', async () => scraped.has('/b'));
    expect((await active()).map((t) => t.labels.team).sort()).toEqual(['a', 'b']);
    rmSync(join(dir, 'targets', 'a.json'));
    await waitUntil('target a gone', async () => (await active()).length === 1);
    expect((await active()).map((t) => t.labels.team)).toEqual(['b']);
  });
});
