// The whole path of a third-party SD package: this package is packed (npm pack), installed from
// its tarball into a scratch project (offline), and a tsprom started there with a configuration
// naming `hosts_sd_configs` loads it, discovers the target of a hosts file and scrapes it. A
// configuration naming a package that is not installed is refused at startup and on reload (the
// running configuration stays).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm, runTsprom, startTsprom, type Tsprom, waitFor } from './testing/tsprom.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  health: string;
  lastError: string;
}

describe('tsprom-sd-hosts, packed, installed and loaded by tsprom', () => {
  let dir = '';
  let exporter: Server;
  let scrapes = 0;
  let tsprom: Tsprom | undefined;
  let port = 0;

  const config = (extra = '') => `
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: hosts
    hosts_sd_configs:
      - file: hosts
        port: ${port}
        refresh_interval: 1s
${extra}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-sd-hosts-accept-'));
    exporter = createServer((req, res) => {
      if (req.url === '/metrics') scrapes++;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end('# TYPE example_metric gauge\nexample_metric 42\n');
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    port = (exporter.address() as AddressInfo).port;

    // Pack (prepack builds dist/), then install the tarball into a project of its own.
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], pkgDir)) as { filename: string }[];
    const tarball = join(dir, packed[0]!.filename);
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    npm(['install', tarball], project);
    expect(existsSync(join(project, 'node_modules', 'tsprom-sd-hosts', 'dist', 'index.js'))).toBe(true);
    writeFileSync(join(project, 'hosts'), '127.0.0.1 exporter-1 exporter\n');
    writeFileSync(join(project, 'prometheus.yml'), config());
  }, 600_000);

  afterAll(async () => {
    await tsprom?.stop();
    await new Promise((r) => exporter?.close(r));
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('discovers the hosts file target, shows it in /api/v1/targets and scrapes it', async () => {
    const project = join(dir, 'project');
    tsprom = await startTsprom(
      ['--config.file=prometheus.yml', `--storage.tsdb.path=${join(dir, 'data')}`, '--web.enable-lifecycle'],
      project,
    );
    const url = tsprom.url;
    const target = await waitFor('the hosts target, up', async () => {
      const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: ActiveTarget[] } };
      return body.data.activeTargets.find((t) => t.scrapePool === 'hosts' && t.health === 'up');
    });
    expect(target.discoveredLabels).toMatchObject({
      __address__: `127.0.0.1:${port}`,
      __meta_hosts_hostname: 'exporter-1',
      __meta_hosts_aliases: 'exporter',
      // Relative to the configuration file's directory as given (`.`), as Prometheus joins file_sd paths.
      __meta_hosts_file: 'hosts',
      __meta_hosts_line: '1',
      job: 'hosts',
    });
    expect(target.labels).toEqual({ instance: `127.0.0.1:${port}`, job: 'hosts' });
    expect(scrapes).toBeGreaterThan(0);
    const value = await waitFor('example_metric in the TSDB', async () => {
      const q = (await (await fetch(`${url}/api/v1/query?query=example_metric`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return q.data.result[0];
    });
    expect(value.metric).toEqual({ __name__: 'example_metric', instance: `127.0.0.1:${port}`, job: 'hosts' });
    expect(value.value[1]).toBe('42');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('prometheus_sd_discovered_targets{config="hosts",name="scrape"} 1');
    expect(metrics).toMatch(/prometheus_sd_refresh_duration_seconds_count\{mechanism="hosts"\} [1-9]/);
  });

  it('refuses a reload whose configuration needs a package that is not installed, and keeps running', async () => {
    const project = join(dir, 'project');
    const url = tsprom!.url;
    writeFileSync(
      join(project, 'prometheus.yml'),
      config('  - job_name: other\n    nothere_sd_configs:\n      - {}\n'),
    );
    const res = await fetch(`${url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain(
      'service discovery package "tsprom-sd-nothere" (for nothere_sd_configs) is not installed: looked in',
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('prometheus_config_last_reload_successful 0');
    const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: ActiveTarget[] } };
    expect(body.data.activeTargets.map((t) => t.scrapePool)).toEqual(['hosts']);
    // The hosts file still drives the running configuration.
    writeFileSync(join(project, 'hosts'), '127.0.0.1 exporter-1\n127.0.0.2 exporter-2\n');
    await waitFor('the second host', async () => {
      const b = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: ActiveTarget[] } };
      return b.data.activeTargets.length === 2 ? true : undefined;
    });
    await tsprom!.stop();
    tsprom = undefined;
  });

  it('refuses to start with such a configuration, naming the package', async () => {
    const project = join(dir, 'project');
    const r = await runTsprom(['--config.file=prometheus.yml', `--storage.tsdb.path=${join(dir, 'data2')}`], project);
    // Prometheus's exit code for a configuration that does not load.
    expect(r.code, r.output).toBe(2);
    expect(r.output).toContain(
      'service discovery package \\"tsprom-sd-nothere\\" (for nothere_sd_configs) is not installed',
    );
  });
});
