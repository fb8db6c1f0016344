// End to end with real Alertmanager 0.25: a rule of the running server fires, Alertmanager's
// webhook receiver (served by the test) gets the alert with its templated annotations; the
// scraped value drops, the alert resolves and the resolved notification arrives. And what tsprom
// posts to an Alertmanager has the shape of what real Prometheus 2.42 posts for the same rule over
// the same data (both captured by a local HTTP server acting as Alertmanager).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  ALERTMANAGER,
  type DemoTarget,
  havePeer,
  PROMETHEUS,
  type Recorder,
  startAlertmanager,
  startDemoTarget,
  startPrometheus,
  startRecorder,
} from './testing/alerting-peers.js';
import { getJSON, type ServerProcess, startTsprom, waitFor } from './testing/tsprom-process.js';

const RULES = `groups:
  - name: demo
    interval: 1s
    rules:
      - alert: Hot
        expr: demo_temperature > 25
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.room }} is hot: {{ $value }}"
          description: 'Room {{ $labels.room | toUpper }} at {{ printf "%.1f" $value }} degrees'
`;

const EXTERNAL_URL = 'http://tsprom.example:9090/';

interface Setup {
  readonly dir: string;
  readonly target: DemoTarget;
  /** A configuration sending alerts to `alertmanager` (`host:port`). */
  config(alertmanager: string): Promise<string>;
}

async function setup(): Promise<Setup> {
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-am-'));
  const target = await startDemoTarget(30);
  onTestFinished(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });
  const rulesFile = join(dir, 'rules.yml');
  await writeFile(rulesFile, RULES);
  let n = 0;
  return {
    dir,
    target,
    config: async (alertmanager) => {
      const file = join(dir, `prometheus-${n++}.yml`);
      await writeFile(
        file,
        `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [${JSON.stringify(rulesFile)}]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [${JSON.stringify(alertmanager)}]
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: [${JSON.stringify(target.address)}]
`,
      );
      return file;
    },
  };
}

function serverArgs(configFile: string, dataDir: string): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.external-url=${EXTERNAL_URL}`,
    '--rules.alert.resend-delay=1s',
  ];
}

async function stopAtEnd(p: ServerProcess | Recorder): Promise<void> {
  onTestFinished(async () => {
    if ('stop' in p) await p.stop();
    else await p.close();
  });
}

interface WebhookMessage {
  status: string;
  alerts: {
    status: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    generatorURL: string;
  }[];
}

interface PostedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('alerting end to end', () => {
  const runAM = havePeer(ALERTMANAGER) ? it : it.skip;
  runAM(
    `notifies a webhook through Alertmanager 0.25 when a rule fires and when it resolves (${ALERTMANAGER})`,
    async () => {
      const s = await setup();
      const hook = await startRecorder();
      await stopAtEnd(hook);
      const amConfig = join(s.dir, 'alertmanager.yml');
      await writeFile(
        amConfig,
        `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://${hook.address}/hook
        send_resolved: true
`,
      );
      const am = await startAlertmanager(amConfig, join(s.dir, 'am-data'), s.dir);
      await stopAtEnd(am);
      const amAddress = am.url.replace(/^http:\/\//, '');
      const p = await startTsprom(serverArgs(await s.config(amAddress), join(s.dir, 'data')), s.dir);
      await stopAtEnd(p);

      const messages = (): WebhookMessage[] => hook.requests.map((r) => JSON.parse(r.body) as WebhookMessage);
      await waitFor('the firing notification', async () => messages().some((m) => m.status === 'firing'));
      const firing = messages().find((m) => m.status === 'firing')!;
      expect(firing.alerts).toHaveLength(1);
      expect(firing.alerts[0]!.labels).toEqual({
        alertname: 'Hot',
        instance: s.target.address,
        job: 'demo',
        room: 'lab',
        severity: 'page',
      });
      expect(firing.alerts[0]!.annotations).toEqual({
        summary: 'lab is hot: 30',
        description: 'Room LAB at 30.0 degrees',
      });
      expect(firing.alerts[0]!.generatorURL).toBe(
        'http://tsprom.example:9090/graph?g0.expr=demo_temperature+%3E+25&g0.tab=1',
      );
      // Alertmanager lists tsprom as the alert's source, and tsprom lists the Alertmanager.
      const listed = (await getJSON(`${p.url}/api/v1/alertmanagers`)).body as {
        data: { activeAlertmanagers: { url: string }[] };
      };
      expect(listed.data.activeAlertmanagers).toEqual([{ url: `http://${amAddress}/api/v2/alerts` }]);

      s.target.value = 10;
      await waitFor('the resolved notification', async () => messages().some((m) => m.status === 'resolved'));
      const resolved = messages().find((m) => m.status === 'resolved')!;
      expect(resolved.alerts.map((a) => [a.status, a.labels.alertname, a.annotations.summary])).toEqual([
        ['resolved', 'Hot', 'lab is hot: 30'],
      ]);
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`prometheus_notifications_sent_total\\{alertmanager="http://${amAddress}/api/v2/alerts"\\} [1-9]`),
      );
      expect(metrics).toContain('prometheus_notifications_alertmanagers_discovered 1\n');
    },
  );

  const runProm = havePeer(PROMETHEUS) ? it : it.skip;
  runProm(`posts to Alertmanager what Prometheus 2.42 posts for the same rule (${PROMETHEUS})`, async () => {
    const s = await setup();
    const oursAM = await startRecorder();
    await stopAtEnd(oursAM);
    const theirsAM = await startRecorder();
    await stopAtEnd(theirsAM);
    const p = await startTsprom(serverArgs(await s.config(oursAM.address), join(s.dir, 'data')), s.dir);
    await stopAtEnd(p);
    const prom = await startPrometheus(serverArgs(await s.config(theirsAM.address), join(s.dir, 'prom-data')), s.dir);
    await stopAtEnd(prom);

    const posts = (r: Recorder) => r.requests.filter((q) => q.method === 'POST');
    await waitFor('tsprom posted', async () => posts(oursAM).length > 0);
    await waitFor('Prometheus posted', async () => posts(theirsAM).length > 0);
    const ours = posts(oursAM)[0]!;
    const theirs = posts(theirsAM)[0]!;
    expect(ours.path).toBe(theirs.path);
    expect(ours.headers['content-type']).toBe(theirs.headers['content-type']);
    expect(ours.headers['user-agent']).toMatch(/^Prometheus\//);
    const normalize = (body: string) =>
      (JSON.parse(body) as PostedAlert[]).map((a) => {
        expect(a.startsAt).toMatch(RFC3339);
        expect(a.endsAt).toMatch(RFC3339);
        // Firing: held until a few resend periods ahead.
        expect(Date.parse(a.endsAt)).toBeGreaterThan(Date.parse(a.startsAt));
        return { ...a, startsAt: '<time>', endsAt: '<time>' };
      });
    expect(normalize(ours.body)).toEqual(normalize(theirs.body));
    // The same keys in the same order (the posted JSON text, not only its values).
    const keys = (body: string) => (JSON.parse(body) as object[]).map((a) => Object.keys(a));
    expect(keys(ours.body)).toEqual(keys(theirs.body));
  });
});
