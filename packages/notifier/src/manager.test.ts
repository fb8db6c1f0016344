import { Labels } from '@tsprom/labels';
import { afterEach, describe, expect, it } from 'vitest';
import { Alert } from './alert.js';
import type { Manager } from './manager.js';
import { type AlertSink, startAlertSink } from './testing/alert-sink.js';
import { alert, config, newManager, postedNames, targets } from './testing/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sink(): Promise<AlertSink> {
  const s = await startAlertSink();
  cleanups.push(() => s.close());
  return s;
}

/** A manager with one Alertmanager config (`extra` YAML lines under it) sending to `sinks`. */
async function managerTo(
  sinks: AlertSink[],
  extra = '',
  opts: Parameters<typeof newManager>[0] = {},
): Promise<Manager> {
  const m = newManager(opts);
  cleanups.push(() => m.stop());
  await m.applyConfig(config(`alerting:\n  alertmanagers:\n  - static_configs: []\n${extra}`));
  m.reload(targets('config-0', ...sinks.map((s) => s.address)));
  return m;
}

const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `a${from + i}`);

describe('queue', () => {
  it('drops the oldest alerts when full, and counts them', async () => {
    const s = await sink();
    const m = await managerTo([s], '', { queueCapacity: 5 });
    m.send(...names(3).map((n) => alert(n)));
    m.send(...names(4, 3).map((n) => alert(n)));
    expect(m.queueLength()).toBe(5);
    expect(m.metrics.dropped).toBe(2);
    const run = m.run();
    await s.received(1);
    expect(postedNames(s.requests[0]!.body)).toEqual(['a2', 'a3', 'a4', 'a5', 'a6']);
    await m.stop();
    await run;
  });

  it('keeps only the newest of a batch larger than the queue', async () => {
    const s = await sink();
    const m = await managerTo([s], '', { queueCapacity: 3 });
    m.send(...names(8).map((n) => alert(n)));
    expect(m.metrics.dropped).toBe(5);
    expect(m.queueLength()).toBe(3);
    void m.run();
    await s.received(1);
    expect(postedNames(s.requests[0]!.body)).toEqual(['a5', 'a6', 'a7']);
  });

  it('sends in batches of at most maxBatchSize, in order', async () => {
    const s = await sink();
    const m = await managerTo([s], '', { maxBatchSize: 3 });
    m.send(...names(7).map((n) => alert(n)));
    void m.run();
    await s.received(3);
    expect(s.requests.map((r) => postedNames(r.body))).toEqual([['a0', 'a1', 'a2'], ['a3', 'a4', 'a5'], ['a6']]);
    await expect.poll(() => m.metrics.sent.get(`http://${s.address}/api/v2/alerts`)).toBe(7);
    expect(m.metrics.dropped).toBe(0);
  });

  it('holds alerts up to its capacity while an Alertmanager is slow, and delivers them after', async () => {
    const s = await sink();
    s.hold = true;
    const m = await managerTo([s], '    timeout: 10m\n', { queueCapacity: 4 });
    void m.run();
    m.send(alert('first'));
    await s.holding(1);
    m.send(...names(10).map((n) => alert(n)));
    expect(m.queueLength()).toBe(4);
    expect(m.metrics.dropped).toBe(6);
    s.hold = false;
    s.release();
    await s.received(2);
    expect(postedNames(s.requests[1]!.body)).toEqual(['a6', 'a7', 'a8', 'a9']);
    expect(m.metrics.errors.get(`http://${s.address}/api/v2/alerts`)).toBe(0);
  });
});

describe('failures', () => {
  it('counts errors and drops when an Alertmanager answers 5xx, and resumes when it is back', async () => {
    const s = await sink();
    s.status = 503;
    const logs: string[] = [];
    const m = await managerTo([s], '', { logger: (_l, msg, f) => logs.push(`${msg} ${String(f?.err)}`) });
    void m.run();
    const url = `http://${s.address}/api/v2/alerts`;
    m.send(alert('x'), alert('y'));
    await s.received(1);
    await expect.poll(() => m.metrics.dropped).toBe(2);
    expect(m.metrics.errors.get(url)).toBe(2);
    expect(m.metrics.sent.get(url)).toBe(2);
    expect(logs).toContain('Error sending alerts bad response status 503 Service Unavailable');
    s.status = 200;
    m.send(alert('z'));
    await s.received(2);
    await expect.poll(() => m.metrics.sent.get(url)).toBe(3);
    expect(m.metrics.errors.get(url)).toBe(2);
    expect(m.metrics.dropped).toBe(2);
  });

  it('counts an Alertmanager that refuses connections, without throwing', async () => {
    const s = await startAlertSink();
    const address = s.address;
    await s.close(); // Nothing listens there any more.
    const m = newManager();
    cleanups.push(() => m.stop());
    await m.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n'));
    m.reload(targets('config-0', address));
    void m.run();
    m.send(alert('x'));
    await expect.poll(() => m.metrics.dropped).toBe(1);
    expect(m.metrics.errors.get(`http://${address}/api/v2/alerts`)).toBe(1);
  });

  it('gives up on a post after the config timeout', async () => {
    const s = await sink();
    s.hold = true;
    const m = await managerTo([s], '    timeout: 50ms\n');
    void m.run();
    m.send(alert('x'));
    await expect.poll(() => m.metrics.dropped).toBe(1);
    expect(m.metrics.errors.get(`http://${s.address}/api/v2/alerts`)).toBe(1);
  });

  it('drops a batch only when some set reached none of its Alertmanagers', async () => {
    const [ok, bad, bad2] = [await sink(), await sink(), await sink()];
    bad.status = 500;
    bad2.status = 500;
    const m = newManager();
    cleanups.push(() => m.stop());
    const am = '  - static_configs: []\n';
    await m.applyConfig(config(`alerting:\n  alertmanagers:\n${am}${am}`));
    m.reload(targets('config-0', ok.address, bad.address));
    m.reload(targets('config-1', bad2.address));
    void m.run();
    m.send(alert('x'));
    await bad2.received(1);
    await expect.poll(() => m.metrics.dropped).toBe(1);
    bad2.status = 200;
    m.send(alert('y'));
    await bad2.received(2);
    await expect.poll(() => m.metrics.sent.get(`http://${bad2.address}/api/v2/alerts`)).toBe(2);
    expect(m.metrics.dropped).toBe(1); // config-0 had one good Alertmanager each time.
    expect(m.metrics.errors.get(`http://${bad.address}/api/v2/alerts`)).toBe(2);
  });

  it('drops a batch it cannot encode and goes on with the next', async () => {
    const s = await sink();
    const m = await managerTo([s], '', { maxBatchSize: 1 });
    m.send(
      new Alert({ labels: Labels.fromStrings('alertname', 'far'), annotations: {}, startsAt: Date.UTC(10000, 0, 1) }),
      alert('next'),
    );
    void m.run();
    await s.received(1);
    expect(postedNames(s.requests[0]!.body)).toEqual(['next']);
    await expect.poll(() => m.metrics.dropped).toBe(1);
  });

  it('does not count alerts as dropped when no Alertmanager is known (Prometheus 3)', async () => {
    const m = newManager();
    cleanups.push(() => m.stop());
    await m.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n'));
    void m.run();
    m.send(alert('x'));
    await expect.poll(() => m.queueLength()).toBe(0);
    expect(m.metrics.dropped).toBe(0);
  });
});

describe('labels', () => {
  it('adds external labels an alert lacks, then applies global and per-Alertmanager relabeling', async () => {
    const [a, b] = [await sink(), await sink()];
    const m = newManager();
    cleanups.push(() => m.stop());
    await m.applyConfig(
      config(`
global:
  external_labels: {region: eu, severity: page}
alerting:
  alert_relabel_configs:
  - {source_labels: [alertname], regex: Drop.*, action: drop}
  - {target_label: via, replacement: global}
  alertmanagers:
  - static_configs: []
  - static_configs: []
    alert_relabel_configs:
    - {source_labels: [region], target_label: zone, replacement: z-$1}
    - {source_labels: [alertname], regex: OnlyA, action: drop}
`),
    );
    m.reload(targets('config-0', a.address));
    m.reload(targets('config-1', b.address));
    m.send(alert('One', 'severity', 'ticket'), alert('DropMe'), alert('OnlyA'));
    void m.run();
    await a.received(1);
    await b.received(1);
    expect(JSON.parse(a.requests[0]!.body).map((x: { labels: unknown }) => x.labels)).toEqual([
      { alertname: 'One', region: 'eu', severity: 'ticket', via: 'global' },
      { alertname: 'OnlyA', region: 'eu', severity: 'page', via: 'global' },
    ]);
    expect(JSON.parse(b.requests[0]!.body).map((x: { labels: unknown }) => x.labels)).toEqual([
      { alertname: 'One', region: 'eu', severity: 'ticket', via: 'global', zone: 'z-eu' },
    ]);
  });

  it('leaves the alerts it was given unchanged', () => {
    const m = newManager();
    const a = new Alert({ labels: Labels.fromStrings('alertname', 'x'), annotations: Labels.EMPTY });
    m.send(a);
    expect(a.labels.toMap()).toEqual({ alertname: 'x' });
    return m.stop();
  });
});

describe('requests', () => {
  it('posts JSON with Prometheus’s user agent to the path prefix', async () => {
    const s = await sink();
    const m = await managerTo([s], '    path_prefix: /am/./x/\n');
    m.send(alert('x'));
    void m.run();
    await s.received(1);
    const r = s.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/am/x/api/v2/alerts');
    expect(r.headers['user-agent']).toBe('Prometheus/3.14.0');
    expect(r.headers['content-type']).toBe('application/json');
    expect(m.alertmanagers()).toEqual([`http://${s.address}/am/x/api/v2/alerts`]);
  });

  it.each([
    ['basic_auth', '    basic_auth: {username: u, password: p}\n', `Basic ${Buffer.from('u:p').toString('base64')}`],
    ['bearer_token', '    bearer_token: tok\n', 'Bearer tok'],
    ['authorization', '    authorization: {type: Token, credentials: c}\n', 'Token c'],
  ])('sends %s', async (_name, yaml, expected) => {
    const s = await sink();
    const m = await managerTo([s], yaml);
    m.send(alert('x'));
    void m.run();
    await s.received(1);
    expect(s.requests[0]!.headers.authorization).toBe(expected);
  });

  it('sends http_headers', async () => {
    const s = await sink();
    const m = await managerTo([s], '    http_headers:\n      X-Tenant: {values: [t1]}\n');
    m.send(alert('x'));
    void m.run();
    await s.received(1);
    expect(s.requests[0]!.headers['x-tenant']).toBe('t1');
  });
});

describe('stop', () => {
  it('drains the queue on shutdown by default', async () => {
    const s = await sink();
    const m = await managerTo([s], '', { maxBatchSize: 2 });
    m.send(...names(5).map((n) => alert(n)));
    const run = m.run();
    await m.stop();
    await run;
    expect(s.requests.flatMap((r) => postedNames(r.body))).toEqual(names(5));
    expect(m.queueLength()).toBe(0);
    expect(m.metrics.dropped).toBe(0);
  });

  it('drops what is queued when draining is off', async () => {
    const s = await sink();
    s.hold = true;
    const m = await managerTo([s], '    timeout: 10m\n', { drainOnShutdown: false });
    void m.run();
    m.send(alert('inflight'));
    await s.holding(1);
    m.send(...names(3).map((n) => alert(n)));
    const stopped = m.stop();
    s.release();
    await stopped;
    expect(m.metrics.dropped).toBe(3);
    expect(s.requests.map((r) => postedNames(r.body))).toEqual([['inflight']]);
  });
});

describe('configuration', () => {
  it('keeps the Alertmanagers of an unchanged config across a reload and drops removed ones', async () => {
    const s = await sink();
    const m = await managerTo([s]);
    const url = `http://${s.address}/api/v2/alerts`;
    expect(m.alertmanagers()).toEqual([url]);
    expect(m.metrics.sent.get(url)).toBe(0);
    await m.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n'));
    expect(m.alertmanagers()).toEqual([url]);
    await m.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n    timeout: 3s\n'));
    expect(m.alertmanagers()).toEqual([]);
    expect(m.alertmanagersDiscovered()).toBe(0);
  });

  it('applies a config while a post is in flight, which still completes', async () => {
    const s = await sink();
    s.hold = true;
    const m = await managerTo([s], '    timeout: 10m\n');
    void m.run();
    m.send(alert('x'));
    await s.holding(1);
    await m.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n    timeout: 1m\n'));
    expect(m.alertmanagers()).toEqual([]);
    s.release();
    const url = `http://${s.address}/api/v2/alerts`;
    await expect.poll(() => m.metrics.latencySeconds.get(url)?.count).toBe(1);
    expect(m.metrics.dropped).toBe(0);
    await m.stop();
  });

  it('keeps the Alertmanagers when only a secret changed, and uses the new secret', async () => {
    const s = await sink();
    const auth = (p: string) => `    basic_auth: {username: u, password: ${p}}\n`;
    const m = await managerTo([s], auth('p1'));
    await m.applyConfig(config(`alerting:\n  alertmanagers:\n  - static_configs: []\n${auth('p2')}`));
    expect(m.alertmanagers()).toEqual([`http://${s.address}/api/v2/alerts`]);
    m.send(alert('x'));
    void m.run();
    await s.received(1);
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:p2').toString('base64')}`);
  });

  it('forgets the counters of an Alertmanager that went away', async () => {
    const [a, b] = [await sink(), await sink()];
    const m = await managerTo([a, b]);
    m.reload(targets('config-0', b.address));
    expect([...m.metrics.sent.keys()]).toEqual([`http://${b.address}/api/v2/alerts`]);
    expect(m.alertmanagersDiscovered()).toBe(1);
  });

  it('refuses sigv4 with an error naming the config', async () => {
    const m = newManager();
    await expect(
      m.applyConfig(config('alerting:\n  alertmanagers:\n  - sigv4: {region: eu-west-1}\n    static_configs: []\n')),
    ).rejects.toThrow('alertmanager config-0: sigv4 signing is not supported by tsprom');
    await m.stop();
  });

  it('measures latency with the clock it is given', async () => {
    const s = await sink();
    let now = 1000;
    s.hold = true;
    const m = await managerTo([s], '    timeout: 10m\n', { nowMs: () => now });
    void m.run();
    m.send(alert('x'));
    await s.holding(1);
    now = 1250;
    s.release();
    const url = `http://${s.address}/api/v2/alerts`;
    await expect.poll(() => m.metrics.latencySeconds.get(url)?.count).toBe(1);
    const l = m.metrics.latencySeconds.get(url)!;
    expect(l.sum).toBe(0.25);
    expect(l.quantile(0.5)).toBe(0.25);
  });
});
