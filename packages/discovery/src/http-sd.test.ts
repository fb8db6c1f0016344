import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryLogger } from './discoverer.js';
import { DiscoveryMetrics } from './discovery-metrics.js';
import { HTTPDiscoverer, type HTTPSDConfig, httpSD } from './http-sd.js';
import { Manager, type TargetSets } from './manager.js';
import { newSDRegistry } from './registry.js';

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
    expect(parse({ url: 'http://x', tls_config: {} })).toThrow(
      "tls_config is not supported by tsprom's http_sd_configs yet",
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
