// Interop with a real Alertmanager 0.25 (Debian's prometheus-alertmanager): alerts the Manager
// posts are listed by its API and reach a webhook receiver; resolving them resolves them there;
// with Alertmanager stopped errors and drops are counted, and delivery resumes once it is back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert } from './alert.js';
import type { Manager } from './manager.js';
import { type AlertSink, startAlertSink } from './testing/alert-sink.js';
import { config, newManager, targets } from './testing/fixtures.js';
import { PEERS, requirePeer, type ServerPeer, startAlertmanager } from '@tsprom/test-support';

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

interface WebhookMessage {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

describe.runIf(requirePeer(PEERS.alertmanager))('Alertmanager 0.25', () => {
  let dir: string;
  let hook: AlertSink;
  let am: ServerPeer;
  let nm: Manager;
  let amConfig: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsprom-notifier-am-'));
    hook = await startAlertSink();
    amConfig = join(dir, 'alertmanager.yml');
    await writeFile(
      amConfig,
      `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 100ms
  repeat_interval: 1h
receivers:
- name: hook
  webhook_configs:
  - url: http://${hook.address}/hook
    send_resolved: true
`,
    );
    am = await startAlertmanager(amConfig, join(dir, 'data'));
    nm = newManager({ version: '3.14.0' });
    await nm.applyConfig(
      config(`
global:
  external_labels: {cluster: test}
alerting:
  alertmanagers:
  - static_configs: []
    timeout: 5s
`),
    );
    nm.reload(targets('config-0', am.address));
    void nm.run();
  });

  afterAll(async () => {
    await nm?.stop();
    await am?.stop();
    await hook?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const amAlerts = async (): Promise<GettableAlert[]> => {
    const res = await fetch(`${am.url}/api/v2/alerts`);
    return (await res.json()) as GettableAlert[];
  };
  const hookMessages = (): WebhookMessage[] =>
    hook.requests.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body) as WebhookMessage);

  const startsAt = Date.UTC(2026, 0, 1, 0, 0, 0, 123);
  const firing = (name: string, endsAt: number) =>
    new Alert({
      labels: Labels.fromStrings('alertname', name, 'severity', 'page'),
      annotations: Labels.fromStrings('summary', `${name} is <on> & loud`),
      startsAt,
      endsAt,
      generatorURL: 'http://tsprom.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
    });

  it('lists posted alerts in its API and notifies the webhook', async () => {
    nm.send(firing('InteropFiring', Date.now() + 3600_000));
    await expect
      .poll(async () => (await amAlerts()).map((a) => a.labels.alertname), { timeout: 30_000 })
      .toContain('InteropFiring');
    const [a] = (await amAlerts()).filter((x) => x.labels.alertname === 'InteropFiring');
    expect(a!.labels).toEqual({ alertname: 'InteropFiring', cluster: 'test', severity: 'page' });
    expect(a!.annotations).toEqual({ summary: 'InteropFiring is <on> & loud' });
    expect(a!.startsAt).toBe('2026-01-01T00:00:00.123Z');
    expect(a!.generatorURL).toBe('http://tsprom.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
    expect(a!.status.state).toBe('active');
    await expect
      .poll(
        () => hookMessages().some((m) => m.status === 'firing' && m.alerts[0]?.labels.alertname === 'InteropFiring'),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    const url = `http://${am.address}/api/v2/alerts`;
    expect(nm.metrics.errors.get(url)).toBe(0);
    expect(nm.metrics.sent.get(url)).toBeGreaterThanOrEqual(1);
  });

  it('resolves an alert sent again with endsAt in the past', async () => {
    nm.send(firing('InteropResolve', Date.now() + 3600_000));
    await expect
      .poll(async () => (await amAlerts()).map((a) => a.labels.alertname), { timeout: 30_000 })
      .toContain('InteropResolve');
    nm.send(firing('InteropResolve', Date.now() - 1000));
    await expect
      .poll(async () => (await amAlerts()).map((a) => a.labels.alertname), { timeout: 30_000 })
      .not.toContain('InteropResolve');
    await expect
      .poll(
        () =>
          hookMessages().some(
            (m) => m.status === 'resolved' && m.alerts.some((x) => x.labels.alertname === 'InteropResolve'),
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
  });

  it('holds alerts up to the queue capacity while Alertmanager hangs, and delivers them after', async () => {
    const hung = newManager({ version: '3.14.0', queueCapacity: 4 });
    try {
      await hung.applyConfig(config('alerting:\n  alertmanagers:\n  - static_configs: []\n    timeout: 10m\n'));
      hung.reload(targets('config-0', am.address));
      void hung.run();
      process.kill(am.pid, 'SIGSTOP'); // The kernel still accepts connections; nothing answers.
      try {
        hung.send(firing('HungFirst', Date.now() + 3600_000));
        await expect.poll(() => hung.queueLength(), { timeout: 30_000 }).toBe(0); // In flight, unanswered.
        hung.send(...Array.from({ length: 10 }, (_, i) => firing(`Hung${i}`, Date.now() + 3600_000)));
        expect(hung.queueLength()).toBe(4);
        expect(hung.metrics.dropped).toBe(6);
      } finally {
        process.kill(am.pid, 'SIGCONT');
      }
      await expect
        .poll(
          async () =>
            (await amAlerts())
              .map((a) => a.labels.alertname ?? '')
              .filter((n) => n.startsWith('Hung'))
              .sort(),
          {
            timeout: 30_000,
          },
        )
        .toEqual(['Hung6', 'Hung7', 'Hung8', 'Hung9', 'HungFirst']);
      expect(hung.metrics.dropped).toBe(6);
      expect(hung.metrics.errors.get(`http://${am.address}/api/v2/alerts`)).toBe(0);
    } finally {
      await hung.stop();
    }
  });

  it('counts errors and drops while Alertmanager is down, and delivers again once it is back', async () => {
    const port = am.port;
    const url = `http://${am.address}/api/v2/alerts`;
    await am.stop();
    const errorsBefore = nm.metrics.errors.get(url) ?? 0;
    const droppedBefore = nm.metrics.dropped;
    nm.send(firing('WhileDown1', Date.now() + 3600_000), firing('WhileDown2', Date.now() + 3600_000));
    await expect.poll(() => nm.metrics.dropped, { timeout: 30_000 }).toBe(droppedBefore + 2);
    expect(nm.metrics.errors.get(url)).toBe(errorsBefore + 2);
    expect(nm.queueLength()).toBe(0);

    am = await startAlertmanager(amConfig, join(dir, 'data'), port);
    nm.send(firing('AfterRestart', Date.now() + 3600_000));
    await expect
      .poll(async () => (await amAlerts()).map((a) => a.labels.alertname), { timeout: 30_000 })
      .toContain('AfterRestart');
    expect((await amAlerts()).map((a) => a.labels.alertname)).not.toContain('WhileDown1');
    expect(nm.metrics.errors.get(url)).toBe(errorsBefore + 2);
  });
});
