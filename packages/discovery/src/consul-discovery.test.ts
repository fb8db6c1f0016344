import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCerts, type TestCerts } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulDiscoverer } from './consul-discovery.js';
import { type ConsulSDConfig, consulSD } from './consul-sd-config.js';
import type { DiscoveryLogger } from './discoverer.js';
import { DiscoveryMetrics } from './discovery-metrics.js';
import type { TargetGroup } from './target-group.js';
import { type ConsulEntry, type ConsulServer, startConsulServer } from './testing/consul-server.js';
import { startTokenServer } from './testing/token-server.js';

const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

const entry = (
  id: string,
  over: Partial<ConsulEntry['Service']> = {},
  node = 'node-1',
  addr = '10.0.0.1',
): ConsulEntry => ({
  Node: {
    Node: node,
    Address: addr,
    Datacenter: 'dc1',
    TaggedAddresses: { lan: addr, 'wan.ipv4': '1.2.3.4' },
    Meta: { rack: 'r1' },
  },
  Service: {
    ID: id,
    Service: 'web',
    Tags: ['prod', 'v1'],
    Address: '',
    Port: 8080,
    Meta: { 'version-x': '1.0' },
    Namespace: '',
    Partition: '',
    ...over,
  },
  Checks: [
    { CheckID: 'serfHealth', Status: 'passing' },
    { CheckID: `service:${id}`, Status: 'passing' },
  ],
});

describe('consul_sd_configs', () => {
  let consul: ConsulServer;
  beforeAll(async () => {
    consul = await startConsulServer('dc1');
  });
  afterAll(async () => {
    await consul.close();
  });

  const start = (raw: Record<string, unknown>, retryMs = 20) => {
    const cfg = consulSD.parse(
      { server: consul.address, refresh_interval: '10ms', ...raw },
      { baseDir: undefined },
    ) as ConsulSDConfig;
    const metrics = new DiscoveryMetrics();
    const logger = quiet();
    const ac = new AbortController();
    const it = new ConsulDiscoverer(cfg.fields, { logger, metrics }, retryMs).run(ac.signal)[Symbol.asyncIterator]();
    const groups = new Map<string, TargetGroup>();
    /** Pulls updates until `check` holds on the groups by source. */
    const until = async (check: (g: Map<string, TargetGroup>) => boolean) => {
      while (!check(groups)) for (const g of (await it.next()).value as TargetGroup[]) groups.set(g.source, g);
      return groups;
    };
    const stop = async () => {
      ac.abort();
      await it.return?.();
    };
    return { until, metrics, logger, stop };
  };

  it('sets the meta labels of Prometheus on each instance of a service', async () => {
    consul.setService('web', [
      entry('web-1'),
      entry('web-2', { Address: '10.9.9.9', Port: 9090, Tags: [] }, 'node-2', '10.0.0.2'),
    ]);
    const d = start({ services: ['web'], token: 's3cret' });
    const g = (await d.until((m) => m.get('web')?.targets.length === 2)).get('web')!;
    expect({ ...g.labels }).toEqual({ __meta_consul_service: 'web', __meta_consul_dc: 'dc1' });
    expect(g.targets.map((t) => ({ ...t }))).toEqual([
      {
        __address__: '10.0.0.1:8080',
        __meta_consul_address: '10.0.0.1',
        __meta_consul_node: 'node-1',
        __meta_consul_namespace: '',
        __meta_consul_partition: '',
        __meta_consul_tags: ',prod,v1,',
        __meta_consul_service_address: '',
        __meta_consul_service_port: '8080',
        __meta_consul_service_id: 'web-1',
        __meta_consul_health: 'passing',
        __meta_consul_metadata_rack: 'r1',
        __meta_consul_service_metadata_version_x: '1.0',
        __meta_consul_tagged_address_lan: '10.0.0.1',
        __meta_consul_tagged_address_wan_ipv4: '1.2.3.4',
      },
      {
        __address__: '10.9.9.9:9090',
        __meta_consul_address: '10.0.0.2',
        __meta_consul_node: 'node-2',
        __meta_consul_namespace: '',
        __meta_consul_partition: '',
        __meta_consul_tags: '',
        __meta_consul_service_address: '10.9.9.9',
        __meta_consul_service_port: '9090',
        __meta_consul_service_id: 'web-2',
        __meta_consul_health: 'passing',
        __meta_consul_metadata_rack: 'r1',
        __meta_consul_service_metadata_version_x: '1.0',
        __meta_consul_tagged_address_lan: '10.0.0.2',
        __meta_consul_tagged_address_wan_ipv4: '1.2.3.4',
      },
    ]);
    const health = consul.requests.find((r) => r.path === '/v1/health/service/web')!;
    expect(health.headers['x-consul-token']).toBe('s3cret');
    expect(health.query.get('dc')).toBe('dc1');
    expect(health.query.has('stale')).toBe(true);
    await d.stop();
  });

  it('follows the catalog: instances added and changed, health, a service deregistered', async () => {
    consul.setService('api', [entry('api-1', { Service: 'api', Tags: ['a'] })]);
    const d = start({ tags: ['a'] });
    const addrs = (m: Map<string, TargetGroup>) => (m.get('api')?.targets ?? []).map((t) => t.__address__).join(' ');
    await d.until((m) => addrs(m) === '10.0.0.1:8080');
    consul.setService('api', [
      entry('api-1', { Service: 'api', Tags: ['a'] }),
      entry('api-2', { Service: 'api', Tags: ['a'], Port: 8081 }),
    ]);
    await d.until((m) => addrs(m) === '10.0.0.1:8080 10.0.0.1:8081');
    const critical = {
      ...entry('api-1', { Service: 'api', Tags: ['a'] }),
      Checks: [{ CheckID: 'c', Status: 'critical' }],
    };
    consul.setService('api', [critical]);
    const m = await d.until((g) => g.get('api')?.targets[0]?.__meta_consul_health === 'critical');
    expect(m.has('web')).toBe(false); // Filtered out: it lacks the tag `a`.
    consul.setService('api', []);
    await d.until((g) => g.get('api')?.targets.length === 0);
    await d.stop();
  });

  it('an unreachable agent keeps the last groups and counts the failures', async () => {
    consul.setService('db', [entry('db-1', { Service: 'db', Tags: [] })]);
    const d = start({ services: ['db'] });
    await d.until((m) => m.get('db')?.targets.length === 1);
    consul.failing = true;
    consul.setService('db', [entry('db-1', { Service: 'db', Tags: [] }), entry('db-2', { Service: 'db', Tags: [] })]);
    const failures = () =>
      d.metrics.counters().find((c) => c.name === 'prometheus_sd_consul_rpc_failures_total')?.value ?? 0;
    const next = d.until((m) => m.get('db')?.targets.length === 2); // Waits while the agent fails.
    while (failures() < 2) await new Promise((r) => setTimeout(r, 10));
    expect(d.logger.errors.length).toBeGreaterThanOrEqual(2);
    consul.failing = false;
    await next;
    await d.stop();
  });

  it('validates as Prometheus does and renders its defaults', () => {
    const parse = (raw: unknown) => () => consulSD.parse(raw, { baseDir: undefined });
    expect(parse({ server: ' ' })).toThrow('consul SD configuration requires a server address');
    expect(parse({ username: 'u', basic_auth: { username: 'v' } })).toThrow(
      'at most one of consul SD configuration username and password and basic auth can be configured',
    );
    expect(parse({ token: 't', authorization: { credentials: 'c' } })).toThrow(
      'at most one of consul SD token, authorization, or oauth2 can be configured',
    );
    expect(parse({ tls_config: { ca_file: 'a', ca: 'b' } })).toThrow(
      'tls_config: at most one of ca and ca_file must be configured',
    );
    expect(parse({ oauth2: { token_url: 'http://t/' } })).toThrow('oauth2 client_id must be configured');
    expect((consulSD.parse({}, { baseDir: undefined }) as ConsulSDConfig).toYAML()).toEqual({
      server: 'localhost:8500',
      tag_separator: ',',
      scheme: 'http',
      allow_stale: true,
      refresh_interval: '30s',
      follow_redirects: true,
      enable_http2: true,
    });
  });
});

describe('consul_sd_configs over TLS and with OAuth2', () => {
  let dir = '';
  let certs: TestCerts | undefined;
  let consul: ConsulServer | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-consul-tls-'));
    certs = makeTestCerts(dir, ['consul.test']);
    if (certs === undefined) return;
    consul = await startConsulServer('dc1', { cert: certs.cert, key: certs.key });
    consul.setService('web', [entry('web-1')]);
  });
  afterAll(async () => {
    await consul?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The first groups of a discoverer of `raw` (scheme https), and the requests it made. */
  const discover = async (raw: Record<string, unknown>) => {
    const from = consul!.requests.length;
    const cfg = consulSD.parse(
      { server: consul!.address, scheme: 'https', services: ['web'], ...raw },
      { baseDir: dir },
    ) as ConsulSDConfig;
    const metrics = new DiscoveryMetrics();
    const ac = new AbortController();
    const it = new ConsulDiscoverer(cfg.fields, { logger: quiet(), metrics }, 10)
      .run(ac.signal)
      [Symbol.asyncIterator]();
    const failures = () =>
      metrics.counters().find((c) => c.name === 'prometheus_sd_consul_rpc_failures_total')?.value ?? 0;
    try {
      const next = it.next();
      const first = await Promise.race([next, until(() => failures() > 0)]);
      return {
        groups: first === 'failed' ? [] : ((first as IteratorResult<TargetGroup[]>).value as TargetGroup[]),
        requests: consul!.requests.slice(from),
        failures: failures(),
      };
    } finally {
      ac.abort();
      await it.return?.();
    }
  };
  const until = async (check: () => boolean): Promise<'failed'> => {
    while (!check()) await new Promise((r) => setTimeout(r, 5));
    return 'failed';
  };

  it('verifies the agent with tls_config.ca_file; without the CA every request fails and is counted', async ({
    skip,
  }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const ok = await discover({ tls_config: { ca_file: 'ca.pem' } });
    expect(ok.groups.map((g) => g.source)).toEqual(['web']);
    expect(ok.groups[0]!.targets.map((t) => t.__address__)).toEqual(['10.0.0.1:8080']);
    const bad = await discover({});
    expect(bad.groups).toEqual([]);
    expect(bad.failures).toBeGreaterThan(0);
  });

  it('fetches an OAuth2 token and sends it as a bearer token, beside X-Consul-Token', async ({ skip }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const tokens = await startTokenServer('consul-oauth');
    try {
      const r = await discover({
        tls_config: { ca_file: 'ca.pem' },
        oauth2: { client_id: 'prom', client_secret: 'sec', token_url: tokens.url },
      });
      expect(r.groups.map((g) => g.source)).toEqual(['web']);
      expect(r.requests.length).toBeGreaterThan(0);
      expect(r.requests.every((q) => q.headers.authorization === 'Bearer consul-oauth')).toBe(true);
      expect(tokens.requests).toHaveLength(1);
      expect(tokens.requests[0]!.form).toEqual({ grant_type: 'client_credentials' });
    } finally {
      await tokens.close();
    }
  });
});
