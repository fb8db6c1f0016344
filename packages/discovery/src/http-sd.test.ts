import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCerts, type TestCerts } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryLogger } from './discoverer.js';
import { DiscoveryMetrics } from './discovery-metrics.js';
import { HTTPDiscoverer, type HTTPSDConfig, httpSD } from './http-sd.js';
import { Manager, type TargetSets } from './manager.js';
import { newSDRegistry } from './registry.js';
import type { TargetGroup } from './target-group.js';
import { startTokenServer } from './testing/token-server.js';

const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

/** What the SD endpoint answers next. */
let reply: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '[]' };
let lastHeaders: IncomingHttpHeaders = {};
let requests = 0;

describe('http_sd_configs', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      lastHeaders = req.headers;
      res.writeHead(reply.status, { 'Content-Type': reply.type });
      res.end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const discoverer = (raw: Record<string, unknown> = {}) => {
    const metrics = new DiscoveryMetrics();
    const logger = quiet();
    const cfg = httpSD.parse({ url, ...raw }, { baseDir: undefined }) as HTTPSDConfig;
    return { d: new HTTPDiscoverer(cfg, { logger, metrics }), metrics, logger };
  };
  const signal = new AbortController().signal;
  const json = (v: unknown) => ({ status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(v) });

  it('reads the groups, labels each with __meta_url, sources <url>:<index>, sends the refresh interval', async () => {
    reply = json([
      { targets: ['10.0.0.1:9100', '10.0.0.2:9100'], labels: { __meta_datacenter: 'london' } },
      { targets: ['10.0.40.2:9093'] },
    ]);
    const { d } = discoverer({ refresh_interval: '15s', basic_auth: { username: 'u', password: 'p' } });
    const groups = await d.refresh(signal);
    expect(
      groups.map((g) => ({ source: g.source, labels: { ...g.labels }, targets: g.targets.map((t) => ({ ...t })) })),
    ).toEqual([
      {
        source: `${url}:0`,
        labels: { __meta_datacenter: 'london', __meta_url: url },
        targets: [{ __address__: '10.0.0.1:9100' }, { __address__: '10.0.0.2:9100' }],
      },
      { source: `${url}:1`, labels: { __meta_url: url }, targets: [{ __address__: '10.0.40.2:9093' }] },
    ]);
    expect(lastHeaders['x-prometheus-refresh-interval-seconds']).toBe('15');
    expect(lastHeaders.accept).toBe('application/json');
    expect(lastHeaders.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('sends empty groups for the sources that went away', async () => {
    const { d } = discoverer();
    reply = json([{ targets: ['a:1'] }, { targets: ['b:1'] }, { targets: ['c:1'] }]);
    await d.refresh(signal);
    reply = json([{ targets: ['a:2'] }]);
    const groups = await d.refresh(signal);
    expect(groups.map((g) => [g.source, g.targets.length])).toEqual([
      [`${url}:0`, 1],
      [`${url}:1`, 0],
      [`${url}:2`, 0],
    ]);
  });

  it.each([
    [{ status: 500, type: 'application/json', body: '[]' }, 'server returned HTTP status 500 Internal Server Error'],
    [{ status: 200, type: 'text/plain', body: '[]' }, 'unsupported content type "text/plain"'],
    [{ status: 200, type: 'application/json', body: '[{"targets": ' }, 'JSON'],
    [{ status: 200, type: 'application/json', body: '[null]' }, 'nil target group item found'],
  ])('refuses %j: %s, counted', async (r, msg) => {
    reply = r;
    const { d, metrics } = discoverer();
    await expect(d.refresh(signal)).rejects.toThrow(msg);
    expect(metrics.counters()).toEqual([
      {
        name: 'prometheus_sd_http_failures_total',
        help: 'Number of HTTP service discovery refresh failures.',
        value: 1,
      },
    ]);
  });

  it('through the manager: add, change, remove; an unreachable or failing endpoint keeps the last groups', async () => {
    const manager = new Manager({ registry: newSDRegistry(), updateIntervalMs: 10, logger: quiet() });
    manager.start();
    const ac = new AbortController();
    const it = manager.updates(ac.signal)[Symbol.asyncIterator]();
    const until = async (want: string[]) => {
      for (;;) {
        const sets = (await it.next()).value as TargetSets;
        const got = (sets.get('h') ?? []).flatMap((g) => g.targets.map((t) => t.__address__!)).sort();
        if (JSON.stringify(got) === JSON.stringify(want)) return;
      }
    };
    const waitRequests = async (n: number) => {
      const target = requests + n;
      while (requests < target) await new Promise((r) => setTimeout(r, 10));
    };
    reply = json([{ targets: ['a:1'] }]);
    await manager.applyConfig(
      new Map([['h', [{ key: 'http_sd_configs', config: { url, refresh_interval: '30ms' } }]]]),
    );
    await until(['a:1']);
    reply = json([{ targets: ['a:1', 'b:1'] }]);
    await until(['a:1', 'b:1']);
    reply = json([{ targets: ['b:2'] }]);
    await until(['b:2']);
    reply = { status: 503, type: 'text/plain', body: 'down' };
    await waitRequests(3);
    const stats = () => Object.fromEntries(manager.metrics.refreshStats());
    expect(stats().http!.failures).toBeGreaterThanOrEqual(2);
    expect(
      manager
        .targetGroups()
        .get('h')!
        .flatMap((g) => g.targets.map((t) => t.__address__)),
    ).toEqual(['b:2']);
    reply = json([]);
    await until([]);
    ac.abort();
    await manager.stop();
  });

  it('an endpoint nobody listens on is a counted refresh failure', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    await new Promise((r) => other.close(r));
    const cfg = httpSD.parse({ url: `http://127.0.0.1:${port}/` }, { baseDir: undefined }) as HTTPSDConfig;
    const metrics = new DiscoveryMetrics();
    await expect(new HTTPDiscoverer(cfg, { logger: quiet(), metrics }).refresh(signal)).rejects.toThrow();
    expect(metrics.counters()[0]!.value).toBe(1);
  });

  it('validates as Prometheus does and renders its defaults', () => {
    const parse = (raw: unknown) => () => httpSD.parse(raw, { baseDir: undefined });
    expect(parse({})).toThrow('URL is missing');
    expect(parse({ url: 'ftp://x/' })).toThrow("URL scheme must be 'http' or 'https'");
    expect(parse({ url: 'http://x', tls_config: { min_version: 'TLS99' } })).toThrow(
      'tls_config.min_version: unknown TLS version: TLS99',
    );
    expect(parse({ url: 'http://x', oauth2: { client_id: 'id' } })).toThrow('oauth2 token_url must be configured');
    expect(parse({ url: 'http://x', basic_auth: { username: 'u' }, bearer_token: 't' })).toThrow(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
    expect(parse({ url: 'http://x', foo: 1 })).toThrow('field foo not found in type http.plain');
    expect((httpSD.parse({ url: 'http://x/sd' }, { baseDir: undefined }) as HTTPSDConfig).toYAML()).toEqual({
      follow_redirects: true,
      enable_http2: true,
      refresh_interval: '1m',
      url: 'http://x/sd',
    });
  });
});

describe('http_sd_configs over TLS and with OAuth2', () => {
  let dir = '';
  let certs: TestCerts | undefined;
  let server: Server | undefined;
  let url = '';
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-http-sd-tls-'));
    certs = makeTestCerts(dir, ['sd.test']);
    if (certs === undefined) return;
    server = createHttpsServer({ cert: certs.cert, key: certs.key }, (req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify([{ targets: ['10.1.0.1:9100'] }]));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    if (server !== undefined) await new Promise((r) => server!.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const discoverer = (raw: Record<string, unknown>) =>
    new HTTPDiscoverer(httpSD.parse({ url, ...raw }, { baseDir: dir }) as HTTPSDConfig, {
      logger: quiet(),
      metrics: new DiscoveryMetrics(),
    });
  /** The first groups the discoverer yields; it is stopped (its client closed) after. */
  const refresh = async (raw: Record<string, unknown>): Promise<TargetGroup[]> => {
    const ac = new AbortController();
    const it = discoverer(raw).run(ac.signal)[Symbol.asyncIterator]();
    try {
      const r = await it.next();
      return r.done ? [] : r.value;
    } finally {
      ac.abort();
      await it.return?.();
    }
  };

  it('verifies the server with tls_config.ca_file (relative to the config); fails without the CA', async ({ skip }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const groups = await refresh({ tls_config: { ca_file: 'ca.pem' } });
    expect(groups.flatMap((g) => g.targets.map((t) => t.__address__))).toEqual(['10.1.0.1:9100']);
    expect(await refresh({ tls_config: { ca_file: 'ca.pem', server_name: 'sd.test' } })).toHaveLength(1);
    await expect(discoverer({}).refresh(new AbortController().signal)).rejects.toThrow(/certificate/);
    expect((await refresh({ tls_config: { insecure_skip_verify: true } })).length).toBe(1);
  });

  it('fetches an OAuth2 token (client credentials) and sends it as a bearer token', async ({ skip }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const tokens = await startTokenServer('sd-token');
    try {
      seen.length = 0;
      await refresh({
        tls_config: { ca_file: 'ca.pem' },
        oauth2: { client_id: 'prom', client_secret: 'sec', token_url: tokens.url, scopes: ['sd'] },
      });
      expect(seen.map((h) => h.authorization)).toEqual(['Bearer sd-token']);
      expect(tokens.requests).toEqual([
        {
          authorization: `Basic ${Buffer.from('prom:sec').toString('base64')}`,
          form: { grant_type: 'client_credentials', scope: 'sd' },
        },
      ]);
    } finally {
      await tokens.close();
    }
  });
});
