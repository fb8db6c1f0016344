import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryLogger } from './discoverer.js';
import { DiscoveryMetrics } from './discovery-metrics.js';
import { DNSDiscoverer } from './dns-discovery.js';
import { type DNSSDConfig, dnsSD, newDNSSD } from './dns-sd-config.js';
import { Manager, type TargetSets } from './manager.js';
import { SDRegistry } from './registry.js';
import { staticSD } from './static-discovery.js';
import { type DNSServer, startDNSServer } from './testing/dns-server.js';

const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

const blank = {
  __meta_dns_srv_record_target: '',
  __meta_dns_srv_record_port: '',
  __meta_dns_mx_record_target: '',
  __meta_dns_ns_record_target: '',
};

describe('dns_sd_configs', () => {
  let dns: DNSServer;
  beforeAll(async () => {
    dns = await startDNSServer();
  });
  afterAll(async () => {
    await dns.close();
  });

  const discoverer = (raw: Record<string, unknown>, metrics = new DiscoveryMetrics(), logger = quiet()) => {
    const cfg = newDNSSD({ servers: [dns.address] }).parse(raw, { baseDir: undefined }) as DNSSDConfig;
    return { d: new DNSDiscoverer(cfg, { logger, metrics }), metrics, logger };
  };
  const signal = new AbortController().signal;

  it('SRV: the target of each record with its port, and the meta labels of Prometheus', async () => {
    dns.set('_api._tcp.svc.test', 'SRV', [
      { priority: 10, weight: 5, port: 9100, target: 'web1.svc.test' },
      { priority: 10, weight: 5, port: 9200, target: 'web2.svc.test' },
    ]);
    const { d } = discoverer({ names: ['_api._tcp.svc.test'] });
    const [g] = await d.refresh(signal);
    expect(g!.source).toBe('_api._tcp.svc.test');
    expect(g!.targets.map((t) => ({ ...t })).sort((a, b) => (a.__address__! < b.__address__! ? -1 : 1))).toEqual([
      {
        ...blank,
        __address__: 'web1.svc.test:9100',
        __meta_dns_name: '_api._tcp.svc.test',
        __meta_dns_srv_record_target: 'web1.svc.test.',
        __meta_dns_srv_record_port: '9100',
      },
      {
        ...blank,
        __address__: 'web2.svc.test:9200',
        __meta_dns_name: '_api._tcp.svc.test',
        __meta_dns_srv_record_target: 'web2.svc.test.',
        __meta_dns_srv_record_port: '9200',
      },
    ]);
  });

  it('expands a short name with the search list of resolv.conf, labelled with the configured name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsprom-dns-search-'));
    try {
      const resolvConf = join(dir, 'resolv.conf');
      writeFileSync(resolvConf, 'search nowhere.test svc.test\noptions ndots:1\n');
      dns.set('short.svc.test', 'A', ['10.0.0.9']);
      const parse = (raw: Record<string, unknown>) =>
        newDNSSD({ servers: [dns.address], resolvConf }).parse(raw, { baseDir: undefined }) as DNSSDConfig;
      const d = new DNSDiscoverer(parse({ names: ['short', 'absent'], type: 'A', port: 80 }), {
        logger: quiet(),
        metrics: new DiscoveryMetrics(),
      });
      const groups = await d.refresh(signal);
      expect(groups.map((g) => [g.source, g.targets.map((t) => [t.__address__, t.__meta_dns_name])])).toEqual([
        ['short', [['10.0.0.9:80', 'short']]],
        ['absent', []],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('A, AAAA and MX: the configured port, IPv6 in brackets, the MX exchange labelled', async () => {
    dns.set('a.svc.test', 'A', ['10.0.0.1']);
    dns.set('aaaa.svc.test', 'AAAA', ['2001:db8::7']);
    dns.set('mail.svc.test', 'MX', [{ preference: 10, exchange: 'mx1.svc.test' }]);
    dns.set('ns.svc.test', 'NS', ['ns1.svc.test']);
    const one = async (type: string, name: string) => {
      const { d } = discoverer({ names: [name], type, port: 9100 });
      return (await d.refresh(signal))[0]!.targets.map((t) => ({ ...t }));
    };
    expect(await one('A', 'a.svc.test')).toEqual([
      { ...blank, __address__: '10.0.0.1:9100', __meta_dns_name: 'a.svc.test' },
    ]);
    expect(await one('aaaa', 'aaaa.svc.test')).toEqual([
      { ...blank, __address__: '[2001:db8::7]:9100', __meta_dns_name: 'aaaa.svc.test' },
    ]);
    expect(await one('MX', 'mail.svc.test')).toEqual([
      {
        ...blank,
        __address__: 'mx1.svc.test:9100',
        __meta_dns_name: 'mail.svc.test',
        __meta_dns_mx_record_target: 'mx1.svc.test.',
      },
    ]);
    expect(await one('NS', 'ns.svc.test')).toEqual([
      {
        ...blank,
        __address__: 'ns1.svc.test:9100',
        __meta_dns_name: 'ns.svc.test',
        __meta_dns_ns_record_target: 'ns1.svc.test.',
      },
    ]);
  });

  it('follows changes: records added, changed, the name removed (empty group)', async () => {
    dns.set('chg.svc.test', 'A', ['10.0.0.1']);
    const { d, metrics } = discoverer({ names: ['chg.svc.test'], type: 'A', port: 80 });
    const addrs = async () => (await d.refresh(signal)).map((g) => g.targets.map((t) => t.__address__));
    expect(await addrs()).toEqual([['10.0.0.1:80']]);
    dns.set('chg.svc.test', 'A', ['10.0.0.1', '10.0.0.2']);
    expect(await addrs()).toEqual([['10.0.0.1:80', '10.0.0.2:80']]);
    dns.set('chg.svc.test', 'A', ['10.0.0.3']);
    expect(await addrs()).toEqual([['10.0.0.3:80']]);
    dns.remove('chg.svc.test');
    expect(await addrs()).toEqual([[]]);
    const counters = Object.fromEntries(metrics.counters().map((c) => [c.name, c.value]));
    expect(counters).toEqual({ prometheus_sd_dns_lookups_total: 4 });
  });

  it('a failing server keeps the last targets (no group sent) and counts the failure', async () => {
    dns.set('flaky.svc.test', 'A', ['10.0.0.9']);
    dns.set('ok.svc.test', 'A', ['10.0.0.8']);
    const { d, metrics, logger } = discoverer({ names: ['flaky.svc.test', 'ok.svc.test'], type: 'A', port: 80 });
    expect((await d.refresh(signal)).map((g) => g.source)).toEqual(['flaky.svc.test', 'ok.svc.test']);
    dns.fail('flaky.svc.test', true);
    const groups = await d.refresh(signal);
    dns.fail('flaky.svc.test', false);
    expect(groups.map((g) => g.source)).toEqual(['ok.svc.test']);
    const counters = Object.fromEntries(metrics.counters().map((c) => [c.name, c.value]));
    expect(counters.prometheus_sd_dns_lookup_failures_total).toBe(1);
    expect(logger.errors).toEqual(['Error refreshing DNS targets']);
  });

  it('through the manager: polls at refresh_interval and keeps the last group while the server fails', async () => {
    dns.set('poll.svc.test', 'A', ['10.1.0.1']);
    // The built-in dns_sd asks /etc/resolv.conf's servers; this registry's asks the test's.
    const reg = new SDRegistry();
    reg.register(staticSD);
    reg.register(newDNSSD({ servers: [dns.address] }));
    const manager = new Manager({ registry: reg, updateIntervalMs: 10, logger: quiet() });
    manager.start();
    const ac = new AbortController();
    const it = manager.updates(ac.signal)[Symbol.asyncIterator]();
    const until = async (want: string[]) => {
      for (;;) {
        const sets = (await it.next()).value as TargetSets;
        const got = (sets.get('dns') ?? []).flatMap((g) => g.targets.map((t) => t.__address__!)).sort();
        if (JSON.stringify(got) === JSON.stringify(want)) return;
      }
    };
    await manager.applyConfig(
      new Map([
        [
          'dns',
          [
            {
              key: 'dns_sd_configs',
              config: { names: ['poll.svc.test'], type: 'A', port: 80, refresh_interval: '50ms' },
            },
          ],
        ],
      ]),
    );
    await until(['10.1.0.1:80']);
    dns.fail('poll.svc.test', true);
    const lookupFailures = () =>
      manager.metrics.counters().find((c) => c.name === 'prometheus_sd_dns_lookup_failures_total')?.value ?? 0;
    // Lookup failures of a name are counted per name (Prometheus logs them, the refresh succeeds).
    while (lookupFailures() < 2) await new Promise((r) => setTimeout(r, 10));
    expect(
      manager
        .targetGroups()
        .get('dns')!
        .flatMap((g) => g.targets.map((t) => t.__address__)),
    ).toEqual(['10.1.0.1:80']);
    dns.fail('poll.svc.test', false);
    dns.set('poll.svc.test', 'A', ['10.1.0.2']);
    await until(['10.1.0.2:80']);
    ac.abort();
    await manager.stop();
  });

  it('refuses what Prometheus refuses', () => {
    const parse = (raw: unknown) => () => dnsSD.parse(raw, { baseDir: undefined });
    expect(parse({ names: [] })).toThrow('DNS-SD config must contain at least one SRV record name');
    expect(parse({ names: ['x'], type: 'A' })).toThrow(
      'a port is required in DNS-SD configs for all record types except SRV',
    );
    expect(parse({ names: ['x'], type: 'TXT' })).toThrow('invalid DNS-SD records type TXT');
    expect(parse({ names: ['x'], foo: 1 })).toThrow('field foo not found in type dns.plain');
    expect((dnsSD.parse({ names: ['x'] }, { baseDir: undefined }) as DNSSDConfig).toYAML()).toEqual({
      names: ['x'],
      refresh_interval: '30s',
      type: 'SRV',
      port: 0,
    });
  });
});
