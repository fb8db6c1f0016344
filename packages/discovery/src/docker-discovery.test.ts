import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configToYAML, loadConfig } from '@tsprom/config';
import { makeTestCerts, PEERS, requirePeer, startPrometheus } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DiscoveryLogger } from './discoverer.js';
import { DiscoveryMetrics } from './discovery-metrics.js';
import { type DockerContainer, DockerDiscoverer, type DockerNetwork } from './docker-discovery.js';
import { type DockerSDConfig, dockerSD } from './docker-sd-config.js';
import { newSDRegistry } from './registry.js';
import type { LabelSet, TargetGroup } from './target-group.js';
import { type DockerDaemon, startDockerDaemon } from './testing/docker-daemon.js';

const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

const NET_BRIDGE = 'a1b2c3d4e5f6bridge';
const NET_FRONT = 'f6e5d4c3b2a1front';
const NET_HOST = '0123456789abhost';

const networks: DockerNetwork[] = [
  { Id: NET_BRIDGE, Name: 'bridge', Scope: 'local', Internal: false, Ingress: false, Labels: {} },
  {
    Id: NET_FRONT,
    Name: 'front',
    Scope: 'swarm',
    Internal: true,
    Ingress: false,
    Labels: { 'com.docker.compose.network': 'front' },
  },
  { Id: NET_HOST, Name: 'host', Scope: 'local', Internal: false, Ingress: false, Labels: {} },
];

/** A /containers/json entry as the Engine API reference shows it. */
function container(
  id: string,
  name: string,
  over: Partial<DockerContainer> & { nets?: Record<string, [string, string]> } = {},
): DockerContainer {
  const nets: Record<string, { NetworkID: string; IPAddress: string; Gateway: string; MacAddress: string }> = {};
  for (const [n, [netID, ip]] of Object.entries(over.nets ?? {})) {
    nets[n] = { NetworkID: netID, IPAddress: ip, Gateway: '', MacAddress: '02:42:ac:11:00:02' };
  }
  const { nets: _, ...rest } = over;
  return {
    Id: id,
    Names: [`/${name}`],
    Image: `${name}:latest`,
    ImageID: `sha256:${id}`,
    Labels: {},
    Ports: [],
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: nets },
    ...rest,
  } as DockerContainer;
}

const web = container('c0ffee01', 'web', {
  Labels: { 'com.example.team': 'a', 'com.docker.compose.service': 'web' },
  Ports: [
    { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 18080, Type: 'tcp' },
    { PrivatePort: 9000, Type: 'udp' },
  ],
  nets: { front: [NET_FRONT, '10.1.0.2'], bridge: [NET_BRIDGE, '172.17.0.2'] },
});
const sidecar = container('c0ffee02', 'sidecar', { HostConfig: { NetworkMode: 'container:c0ffee01' } });
const hostNet = container('c0ffee03', 'node', { HostConfig: { NetworkMode: 'host' }, nets: { host: [NET_HOST, ''] } });
const nameless = { ...container('c0ffee04', 'x', { nets: { bridge: [NET_BRIDGE, '172.17.0.9'] } }), Names: [] };

describe('docker_sd_configs', () => {
  let daemon: DockerDaemon;
  let dir = '';
  beforeAll(async () => {
    daemon = await startDockerDaemon();
    dir = mkdtempSync(join(tmpdir(), 'tsprom-docker-sd-'));
  });
  afterAll(async () => {
    await daemon.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const start = (raw: Record<string, unknown>) => {
    const cfg = dockerSD.parse({ refresh_interval: '10ms', ...raw }, { baseDir: undefined }) as DockerSDConfig;
    const metrics = new DiscoveryMetrics();
    const logger = quiet();
    const ac = new AbortController();
    const it = new DockerDiscoverer(cfg.fields, { logger, metrics }).run(ac.signal)[Symbol.asyncIterator]();
    let last: readonly LabelSet[] = [];
    /** Pulls updates until `check` holds on the latest targets. */
    const until = async (check: (t: readonly LabelSet[]) => boolean) => {
      while (!check(last)) {
        const gs = (await it.next()).value as TargetGroup[];
        expect(gs.map((g) => g.source)).toEqual(['Docker']);
        last = gs[0]!.targets;
      }
      return last;
    };
    const stop = async () => {
      ac.abort();
      await it.return?.();
    };
    return { until, metrics, logger, stop };
  };
  const addrs = (t: readonly LabelSet[]) => t.map((l) => l.__address__).join(' ');

  it('sets the meta labels of Prometheus on a target per network and TCP port', async () => {
    daemon.containers = [web, sidecar, hostNet, nameless];
    daemon.networks = networks;
    const d = start({ host: daemon.host, host_networking_host: 'node.example' });
    const targets = await d.until((t) => t.length > 0);
    const common = (c: DockerContainer, mode: string) => ({
      __meta_docker_container_id: c.Id,
      __meta_docker_container_name: c.Names![0],
      __meta_docker_container_image: c.Image,
      __meta_docker_container_image_id: c.ImageID,
      __meta_docker_container_network_mode: mode,
    });
    const bridge = {
      __meta_docker_network_id: NET_BRIDGE,
      __meta_docker_network_name: 'bridge',
      __meta_docker_network_scope: 'local',
      __meta_docker_network_internal: 'false',
      __meta_docker_network_ingress: 'false',
    };
    expect(targets.map((t) => ({ ...t }))).toEqual([
      {
        // match_first_network: `bridge` sorts before `front`; the UDP port makes no target.
        __address__: '172.17.0.2:8080',
        ...common(web, 'bridge'),
        __meta_docker_container_label_com_example_team: 'a',
        __meta_docker_container_label_com_docker_compose_service: 'web',
        ...bridge,
        __meta_docker_network_ip: '172.17.0.2',
        __meta_docker_port_private: '8080',
        __meta_docker_port_public: '18080',
        __meta_docker_port_public_ip: '0.0.0.0',
      },
      {
        // Shares web's network stack: web's first network, no port exposed, so `port` (80).
        __address__: '172.17.0.2:80',
        ...common(sidecar, 'container:c0ffee01'),
        ...bridge,
        __meta_docker_network_ip: '172.17.0.2',
      },
      {
        __address__: 'node.example',
        ...common(hostNet, 'host'),
        __meta_docker_network_id: NET_HOST,
        __meta_docker_network_name: 'host',
        __meta_docker_network_scope: 'local',
        __meta_docker_network_internal: 'false',
        __meta_docker_network_ingress: 'false',
        __meta_docker_network_ip: '',
      },
    ]);
    const paths = daemon.requests.map((r) => r.path);
    expect(paths.slice(0, 3)).toEqual(['/_ping', '/v1.43/containers/json', '/v1.43/networks']);
    expect(daemon.requests[1]!.query.has('filters')).toBe(false);
    expect(daemon.requests[1]!.headers['user-agent']).toBe('tsprom');
    await d.stop();
  });

  it('without match_first_network, a target in every network; filters go to the daemon', async () => {
    daemon.containers = [web, sidecar, hostNet];
    daemon.networks = networks;
    const d = start({
      host: daemon.host,
      match_first_network: false,
      port: 9100,
      filters: [{ name: 'label', values: ['com.example.team=a'] }],
    });
    const targets = await d.until((t) => t.length > 0);
    expect(addrs(targets)).toBe('172.17.0.2:8080 10.1.0.2:8080');
    expect({ ...targets[1] }).toMatchObject({
      __meta_docker_network_name: 'front',
      __meta_docker_network_scope: 'swarm',
      __meta_docker_network_internal: 'true',
      __meta_docker_network_label_com_docker_compose_network: 'front',
    });
    const list = daemon.requests.filter((r) => r.path.endsWith('/containers/json')).at(-1)!;
    expect(JSON.parse(list.query.get('filters')!)).toEqual({ label: { 'com.example.team=a': true } });
    await d.stop();
  });

  it('follows containers on a Unix socket: added, changed, removed; an unreachable daemon keeps the last targets and counts failures', async () => {
    const unix = await startDockerDaemon(join(dir, 'docker.sock'));
    try {
      unix.networks = networks;
      unix.containers = [web];
      const d = start({ host: unix.host });
      await d.until((t) => addrs(t) === '172.17.0.2:8080');
      const api = container('c0ffee05', 'api', {
        Ports: [{ PrivatePort: 3000, Type: 'tcp' }],
        nets: { bridge: [NET_BRIDGE, '172.17.0.5'] },
      });
      unix.containers = [web, api]; // Added.
      await d.until((t) => addrs(t) === '172.17.0.2:8080 172.17.0.5:3000');
      unix.containers = [web, { ...api, Labels: { tier: 'backend' }, Ports: [{ PrivatePort: 3001, Type: 'tcp' }] }];
      const changed = await d.until((t) => addrs(t) === '172.17.0.2:8080 172.17.0.5:3001');
      expect(changed[1]!.__meta_docker_container_label_tier).toBe('backend');

      await unix.close(); // Unreachable: no update while it is down.
      unix.containers = [api];
      const failures = () => d.metrics.refreshStats().find(([m]) => m === 'docker')?.[1].failures ?? 0;
      const next = d.until((t) => addrs(t) === '172.17.0.5:3000'); // Removed: web.
      while (failures() < 2) await new Promise((r) => setTimeout(r, 10));
      expect(d.logger.errors.length).toBeGreaterThanOrEqual(2);
      await unix.listen();
      await next;
      expect(unix.requests.every((r) => r.headers.host === 'api.moby.localhost')).toBe(true);
      await d.stop();
    } finally {
      await unix.close();
    }
  });

  it('an error answer from the daemon is a failed refresh', async () => {
    daemon.containers = [web];
    daemon.networks = networks;
    const d = start({ host: daemon.host });
    await d.until((t) => t.length === 1);
    daemon.failing = true;
    try {
      const failures = () => d.metrics.refreshStats().find(([m]) => m === 'docker')?.[1].failures ?? 0;
      daemon.containers = [web, sidecar];
      const next = d.until((t) => t.length === 2); // Pulls (refreshes) while the daemon fails.
      while (failures() < 1) await new Promise((r) => setTimeout(r, 10));
      expect(d.logger.errors[0]).toBe('Unable to refresh target groups');
      daemon.failing = false;
      await next;
    } finally {
      daemon.failing = false;
    }
    await d.stop();
  });

  it('reaches an HTTPS daemon with tls_config and basic_auth; without the CA the refresh fails', async ({ skip }) => {
    const certs = makeTestCerts(dir, ['docker.test']);
    if (certs === undefined) return skip('openssl is not installed');
    const tlsDaemon = await startDockerDaemon(undefined, { cert: certs.cert, key: certs.key });
    try {
      tlsDaemon.containers = [web];
      tlsDaemon.networks = networks;
      const d = start({
        host: tlsDaemon.host,
        tls_config: { ca_file: certs.caFile },
        basic_auth: { username: 'u', password: 'p' },
      });
      const targets = await d.until((t) => t.length > 0);
      expect(new Set(targets.map((t) => t.__meta_docker_container_name))).toEqual(new Set(['/web']));
      await d.stop();
      expect(tlsDaemon.requests.every((r) => r.headers.authorization === `Basic ${btoa('u:p')}`)).toBe(true);
      const cfg = dockerSD.parse({ host: tlsDaemon.host }, { baseDir: undefined }) as DockerSDConfig;
      const bad = new DockerDiscoverer(cfg.fields, { logger: quiet(), metrics: new DiscoveryMetrics() });
      await expect(bad.refresh(new AbortController().signal)).rejects.toThrow(/certificate/);
    } finally {
      await tlsDaemon.close();
    }
  });

  it('validates as Prometheus does and renders its defaults', () => {
    const parse = (raw: unknown) => () => dockerSD.parse(raw, { baseDir: undefined });
    expect(parse({})).toThrow('host missing');
    expect(parse({ host: 'localhost:2375' })).toThrow('unable to parse docker host `localhost:2375`');
    expect(parse({ host: 'ssh://me@host' })).toThrow('protocol "ssh" is not supported');
    expect(parse({ host: 'unix:///s', tls_config: { cert_file: 'c' } })).toThrow(
      'tls_config: exactly one of key or key_file must be configured when a client certificate is configured',
    );
    expect(parse({ host: 'unix:///s', role: 'tasks' })).toThrow('field role not found in type moby.plain');
    expect(parse({ host: 'unix:///s', filters: [{ name: 'label', values: 'a' }] })).toThrow(
      'filters[0].values must be a list of strings',
    );
    expect(
      (dockerSD.parse({ host: 'unix:///var/run/docker.sock' }, { baseDir: undefined }) as DockerSDConfig).toYAML(),
    ).toEqual({
      follow_redirects: true,
      enable_http2: true,
      host: 'unix:///var/run/docker.sock',
      port: 80,
      filters: [],
      host_networking_host: 'localhost',
      refresh_interval: '1m',
      match_first_network: true,
    });
  });

  it('reports a bad entry in prometheus.yml with its position', () => {
    const text = 'scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - port: 9100\n';
    expect(() => loadConfig(text, { sdLoader: newSDRegistry(), file: 'p.yml' })).toThrow(
      'p.yml:4:9: scrape_configs[0].docker_sd_configs[0]: host missing',
    );
  });

  describe.runIf(requirePeer(PEERS.prometheus))('against Prometheus 2.42', () => {
    it('discovers the same targets with the same meta labels from the same daemon', async () => {
      // 2.42 predates match_first_network (it keeps every network), the image labels and the
      // lookup of a `container:<id>` network mode's networks (it gives such a container none).
      daemon.containers = [web, hostNet, nameless];
      daemon.networks = networks;
      const yml = `scrape_configs:\n  - job_name: d\n    docker_sd_configs:\n      - host: ${daemon.host}\n`;
      writeFileSync(join(dir, 'prometheus.yml'), yml);
      const d = start({ host: daemon.host, match_first_network: false });
      const ours = (await d.until((t) => t.length > 0)).map((t) => {
        const { __meta_docker_container_image: _i, __meta_docker_container_image_id: _j, ...rest } = t;
        // A label with an empty value is no label once Prometheus builds the target.
        return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== ''));
      });
      await d.stop();
      const prom = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'data') });
      try {
        type Active = { discoveredLabels: Record<string, string> };
        let theirs: Record<string, string>[] = [];
        // One group holds every target: they all appear at once (after Prometheus's 5 s coalescing).
        while (theirs.length === 0) {
          const res = await fetch(`${prom.url}/api/v1/targets?state=active`);
          const body = (await res.json()) as { data: { activeTargets: Active[] } };
          theirs = body.data.activeTargets.map((a) =>
            Object.fromEntries(
              Object.entries(a.discoveredLabels).filter(([k]) => k === '__address__' || k.startsWith('__meta_docker_')),
            ),
          );
          if (theirs.length === 0) await new Promise((r) => setTimeout(r, 100));
        }
        const byAddr = (a: Record<string, string>, b: Record<string, string>) =>
          a.__address__! < b.__address__! ? -1 : 1;
        expect(ours.length).toBe(3);
        expect(theirs.sort(byAddr)).toEqual(ours.sort(byAddr));

        type Rendered = { scrape_configs: { docker_sd_configs: Record<string, unknown>[] }[] };
        const res = await fetch(`${prom.url}/api/v1/status/config`);
        const theirsYAML = parse(((await res.json()) as { data: { yaml: string } }).data.yaml) as Rendered;
        const oursYAML = parse(configToYAML(loadConfig(yml, { sdLoader: newSDRegistry() }))) as Rendered;
        const { match_first_network: first, ...rendered } = oursYAML.scrape_configs[0]!.docker_sd_configs[0]!;
        expect(first).toBe(true);
        expect([rendered]).toEqual(theirsYAML.scrape_configs[0]!.docker_sd_configs);
      } finally {
        await prom.stop();
      }
    });
  });
});
