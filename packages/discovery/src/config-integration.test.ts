// prometheus.yml through @tsprom/config with this registry as its SD loader, into the Manager:
// static and file targets reach the subscriber per job. The file_sd, http_sd and dns_sd entries
// render (configToYAML) as Prometheus 2.42 serves them on /api/v1/status/config: paths joined to
// the config directory, defaults filled, secrets hidden.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configToYAML, ConfigError, loadConfig } from '@tsprom/config';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manager, type TargetSets } from './manager.js';
import { newSDRegistry } from './registry.js';
import { PEERS, requirePeer, startPrometheus } from '@tsprom/test-support';

const CONFIG = `
scrape_configs:
  - job_name: files
    file_sd_configs:
      - files: [sd/*.json]
      - files: [sd/*.yml]
        refresh_interval: 30s
  - job_name: static
    static_configs:
      - targets: ['s:1']
        labels: {team: a}
  - job_name: http
    http_sd_configs:
      - url: http://127.0.0.1:1/sd
      - url: https://sd.example/targets
        refresh_interval: 15s
        basic_auth: {username: u, password: p}
        follow_redirects: false
      - url: https://sd.example/oauth
        tls_config: {server_name: sd.example}
        oauth2: {client_id: c, client_secret: s, token_url: 'https://auth.example/token', scopes: [a]}
        proxy_url: http://proxy.example:3128
  - job_name: dns
    dns_sd_configs:
      - names: [_api._tcp.example.org]
      - names: [a.example.org, b.example.org]
        type: A
        port: 9100
        refresh_interval: 1m
`;

describe('prometheus.yml to target sets', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-discovery-config-'));
    mkdirSync(join(dir, 'sd'));
    writeFileSync(join(dir, 'sd', 'a.json'), JSON.stringify([{ targets: ['f:1'], labels: { env: 'x' } }]));
    writeFileSync(join(dir, 'sd', 'b.yml'), '- targets: [f:2]\n');
    writeFileSync(join(dir, 'prometheus.yml'), CONFIG);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('loads, discovers and sends every job', async () => {
    const registry = newSDRegistry();
    const cfg = loadConfig(CONFIG, { baseDir: dir, sdLoader: registry });
    const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
    const manager = new Manager({ registry, updateIntervalMs: 10, logger: quiet });
    manager.start();
    const ac = new AbortController();
    const it = manager.updates(ac.signal)[Symbol.asyncIterator]();
    await manager.applyConfig(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])));
    const want = { files: ['f:1', 'f:2'], static: ['s:1'], http: [], dns: [] };
    let sets: TargetSets;
    let got: Record<string, string[]>;
    do {
      sets = (await it.next()).value as TargetSets;
      got = Object.fromEntries(
        [...sets].map(([job, gs]) => [job, gs.flatMap((g) => g.targets.map((t) => t.__address__!)).sort()]),
      );
    } while (JSON.stringify(got) !== JSON.stringify(want)); // File discoverers report as they read.
    const f1 = sets.get('files')!.find((g) => g.targets[0]?.__address__ === 'f:1')!;
    expect({ ...f1.labels }).toEqual({ env: 'x', __meta_filepath: join(dir, 'sd', 'a.json') });
    expect(manager.discoveredTargets().get('files')).toBe(2);
    ac.abort();
    await manager.stop();
  });

  it('refuses a Prometheus SD mechanism nothing registered', () => {
    const text = 'scrape_configs:\n  - job_name: a\n    eureka_sd_configs: [{server: x}]\n';
    expect(() => loadConfig(text, { sdLoader: newSDRegistry() })).toThrow(ConfigError);
    expect(() => loadConfig(text, { sdLoader: newSDRegistry() })).toThrow(
      'service discovery eureka_sd_configs is not available: no registered mechanism provides it',
    );
  });

  it('reports a bad file_sd entry with its position', () => {
    const text = 'scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [a.txt]\n';
    expect(() => loadConfig(text, { sdLoader: newSDRegistry(), file: 'p.yml' })).toThrow(
      'p.yml:4:9: scrape_configs[0].file_sd_configs[0]: path name "a.txt" is not valid for file discovery',
    );
  });

  it('reports a bad http_config field of an SD entry with the file, position and field', () => {
    const text =
      'scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: http://x/\n        tls_config: {min_version: TLS9}\n';
    expect(() => loadConfig(text, { sdLoader: newSDRegistry(), file: 'p.yml' })).toThrow(
      'p.yml:4:9: scrape_configs[0].http_sd_configs[0]: tls_config.min_version: unknown TLS version: TLS9',
    );
  });

  describe.runIf(requirePeer(PEERS.prometheus))('rendered as Prometheus 2.42 renders it', () => {
    it('file_sd_configs, static_configs, http_sd_configs and dns_sd_configs', async () => {
      const prom = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'data') });
      try {
        const res = await fetch(`${prom.url}/api/v1/status/config`);
        const theirs = parse(((await res.json()) as { data: { yaml: string } }).data.yaml) as {
          scrape_configs: Record<string, unknown>[];
        };
        const ours = parse(configToYAML(loadConfig(CONFIG, { baseDir: dir, sdLoader: newSDRegistry() }))) as {
          scrape_configs: Record<string, unknown>[];
        };
        for (let i = 0; i < 4; i++) {
          for (const key of ['file_sd_configs', 'static_configs', 'http_sd_configs', 'dns_sd_configs']) {
            expect(ours.scrape_configs[i]![key]).toEqual(theirs.scrape_configs[i]![key]);
          }
        }
        expect(theirs.scrape_configs[2]!.http_sd_configs).toHaveLength(3);
        expect(theirs.scrape_configs[3]!.dns_sd_configs).toEqual([
          { names: ['_api._tcp.example.org'], refresh_interval: '30s', type: 'SRV', port: 0 },
          { names: ['a.example.org', 'b.example.org'], refresh_interval: '1m', type: 'A', port: 9100 },
        ]);
        expect(theirs.scrape_configs[0]!.file_sd_configs).toEqual([
          { files: [join(dir, 'sd', '*.json')], refresh_interval: '5m' },
          { files: [join(dir, 'sd', '*.yml')], refresh_interval: '30s' },
        ]);
      } finally {
        await prom.stop();
      }
    });
  });
});
