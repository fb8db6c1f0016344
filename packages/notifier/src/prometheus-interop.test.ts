// The payload real Prometheus 2.42 posts to Alertmanager for an alerting rule, compared byte for
// byte with what the Manager posts for the same alert: same rule output (labels, annotations,
// times, link), external labels and alert_relabel_configs applied by each side.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { sendAlerts } from './send-alerts.js';
import { type AlertSink, startAlertSink } from './testing/alert-sink.js';
import { config, newManager, targets } from './testing/fixtures.js';
import { PEERS, requirePeer, type ServerPeer, startPrometheus } from '@tsprom/test-support';

interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

const EXPR = 'absent(nonexistent_metric{job="a b",path=~"/x|/y"})';

describe.runIf(requirePeer(PEERS.prometheus))('the payload of Prometheus 2.42', () => {
  let dir: string;
  let sink: AlertSink;
  let prom: ServerPeer | undefined;
  let promYaml: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsprom-notifier-prom-'));
    sink = await startAlertSink();
    await writeFile(
      join(dir, 'rules.yml'),
      `groups:
- name: g
  rules:
  - alert: AbsentMetric
    expr: '${EXPR}'
    labels: {severity: page, team: "<db> & co"}
    annotations:
      summary: 'value {{ $value }} for {{ $labels.job }}: "quoted" <b>bold</b> & more'
      description: 'é ü 😀'
      empty: '{{ if false }}x{{ end }}'
`,
    );
    promYaml = `global:
  evaluation_interval: 1s
  external_labels: {region: eu, severity: ticket}
rule_files: [rules.yml]
alerting:
  alert_relabel_configs:
  - {target_label: via, replacement: relabel}
  alertmanagers:
  - static_configs: [{targets: ['${sink.address}']}]
    path_prefix: /prefix
`;
    await writeFile(join(dir, 'prometheus.yml'), promYaml);
    prom = await startPrometheus({
      configFile: join(dir, 'prometheus.yml'),
      dataDir: join(dir, 'data'),
      // Times in UTC, as tsprom writes them; alerts resent every second (its first send may come
      // before discovery found an Alertmanager).
      args: ['--rules.alert.resend-delay=1s'],
      env: { TZ: 'UTC' },
    });
    await sink.received(1);
    await prom.stop();
  });

  afterAll(async () => {
    await prom?.stop();
    await sink?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('is what the Manager posts for the same alert', async () => {
    const theirs = sink.requests[0]!;
    expect(theirs.path).toBe('/prefix/api/v2/alerts');
    const ua = String(theirs.headers['user-agent']);
    expect(ua).toMatch(/^Prometheus\/2\.42\./);
    // Go's json.Marshal escapes HTML characters; the comparison below covers them.
    expect(theirs.body).toContain('"team":"\\u003cdb\\u003e \\u0026 co"');
    const [p] = JSON.parse(theirs.body) as PostedAlert[];
    expect(p!.labels).toEqual({
      alertname: 'AbsentMetric',
      job: 'a b',
      region: 'eu',
      severity: 'page',
      team: '<db> & co',
      via: 'relabel',
    });

    // The rule's alert as the rule manager hands it over; external labels and relabeling are the Manager's.
    const ruleLabels = Labels.fromStrings(
      'alertname',
      'AbsentMetric',
      'job',
      'a b',
      'severity',
      'page',
      'team',
      '<db> & co',
    );
    const externalURL = p!.generatorURL!.slice(0, p!.generatorURL!.indexOf('/graph?'));
    const own = await startAlertSink();
    const m = newManager({ version: ua.slice('Prometheus/'.length) });
    try {
      await m.applyConfig(config(promYaml.replace(sink.address, own.address), dir));
      m.reload(targets('config-0', own.address));
      void m.run();
      sendAlerts((...as: Alert[]) => m.send(...as), externalURL)(EXPR, [
        {
          labels: ruleLabels,
          annotations: p!.annotations ?? {},
          firedAt: Date.parse(p!.startsAt),
          resolvedAt: undefined,
          validUntil: Date.parse(p!.endsAt),
        },
      ]);
      await own.received(1);
      const ours = own.requests[0]!;
      expect(ours.body).toBe(theirs.body);
      expect(ours.path).toBe(theirs.path);
      expect(ours.headers['user-agent']).toBe(theirs.headers['user-agent']);
      expect(ours.headers['content-type']).toBe(theirs.headers['content-type']);
    } finally {
      await m.stop();
      await own.close();
    }
  });
});
