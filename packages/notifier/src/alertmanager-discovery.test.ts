import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager as DiscoveryManager, labelSet } from '@tsprom/discovery';
import { Labels } from '@tsprom/labels';
import { afterEach, describe, expect, it } from 'vitest';
import { Alertmanager, alertmanagerFromGroup, postPath } from './alertmanager.js';
import { alertmanagerDiscoveryConfigs, alertmanagerSetNames } from './alertmanager-sd.js';
import { AlertmanagerTargetError } from './errors.js';
import { startAlertSink } from './testing/alert-sink.js';
import { alert, config, newManager } from './testing/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('alertmanagerFromGroup', () => {
  const am = (yaml: string) =>
    config(`alerting:\n  alertmanagers:\n  - static_configs: []\n${yaml}`).alerting.alertmanagers[0]!;

  it('sets scheme and path from the config, group labels the target lacks, then relabels', () => {
    const cfg = am(`    scheme: https
    path_prefix: /prefix/
    relabel_configs:
    - {source_labels: [__meta_port], target_label: __address__, regex: (.+), replacement: 'h:$1'}
    - {source_labels: [role], regex: standby, action: drop}
`);
    const r = alertmanagerFromGroup(
      {
        targets: [
          labelSet({ __address__: 'a:9093', role: 'primary' }),
          labelSet({ __address__: 'b:9093', __meta_port: '1234' }),
          labelSet({ __address__: 'c:9093', role: 'standby' }),
        ],
        labels: labelSet({ role: 'other', dc: 'x' }),
        source: '0',
      },
      cfg,
    );
    expect(r.active.map((a) => a.url())).toEqual([
      'https://a:9093/prefix/api/v2/alerts',
      'https://h:1234/prefix/api/v2/alerts',
    ]);
    expect(r.active[0]!.labels.toMap()).toEqual({
      __address__: 'a:9093',
      __alerts_path__: '/prefix/api/v2/alerts',
      __scheme__: 'https',
      dc: 'x',
      role: 'primary',
    });
    expect(r.dropped.map((a) => a.labels.get('__address__'))).toEqual(['c:9093']);
  });

  it('lets relabeling change scheme and path', () => {
    const cfg = am(`    relabel_configs:
    - {target_label: __scheme__, replacement: https}
    - {target_label: __alerts_path__, replacement: /custom}
`);
    const r = alertmanagerFromGroup(
      { targets: [labelSet({ __address__: 'a:1' })], labels: labelSet({}), source: '' },
      cfg,
    );
    expect(r.active[0]!.url()).toBe('https://a:1/custom');
  });

  it('refuses an address with a slash', () => {
    const cfg = am('');
    expect(() =>
      alertmanagerFromGroup({ targets: [labelSet({ __address__: 'a:1/x' })], labels: labelSet({}), source: '' }, cfg),
    ).toThrow(new AlertmanagerTargetError('"a:1/x" is not a valid hostname'));
  });

  it.each([
    ['', '/api/v2/alerts'],
    ['/', '/api/v2/alerts'],
    ['am', '/am/api/v2/alerts'],
    ['/a/../b//', '/b/api/v2/alerts'],
  ])('postPath(%j)', (prefix, path) => {
    expect(postPath(prefix, 'v2')).toBe(path);
  });

  it('names the sets config-0, config-1, …', () => {
    const c = config('alerting:\n  alertmanagers:\n  - static_configs: []\n  - static_configs: []\n');
    expect(alertmanagerSetNames(c.alerting)).toEqual(['config-0', 'config-1']);
    expect(new Alertmanager(Labels.EMPTY).url()).toBe('://');
  });
});

describe('Alertmanagers from the discovery manager', () => {
  it('finds static and file_sd Alertmanagers, keeps dropped ones, and follows file changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-notifier-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const [s1, s2, s3] = [await startAlertSink(), await startAlertSink(), await startAlertSink()];
    cleanups.push(
      () => s1.close(),
      () => s2.close(),
      () => s3.close(),
    );
    const sdFile = join(dir, 'ams.json');
    const writeTargets = async (addresses: string[]) => {
      await writeFile(`${sdFile}.tmp`, JSON.stringify([{ targets: addresses, labels: { env: 'test' } }]));
      await rename(`${sdFile}.tmp`, sdFile);
    };
    await writeTargets([s2.address, 'skip.example:9093']);
    const cfg = config(
      `
alerting:
  alertmanagers:
  - static_configs: [{targets: ['${s1.address}']}]
  - file_sd_configs: [{files: ['ams.json'], refresh_interval: 1h}]
    relabel_configs:
    - {source_labels: [__address__], regex: 'skip\\..*', action: drop}
`,
      dir,
    );
    const dm = new DiscoveryManager({ name: 'notify', updateIntervalMs: 10 });
    const nm = newManager();
    cleanups.push(
      () => nm.stop(),
      () => dm.stop(),
    );
    await nm.applyConfig(cfg);
    await dm.applyConfig(alertmanagerDiscoveryConfigs(cfg.alerting));
    dm.start();
    const run = nm.run(dm.updates());
    const url = (s: { address: string }) => `http://${s.address}/api/v2/alerts`;
    await expect.poll(() => nm.alertmanagers(), { timeout: 30_000 }).toEqual([url(s1), url(s2)]);
    expect(nm.droppedAlertmanagers()).toEqual(['http://skip.example:9093/api/v2/alerts']);
    expect(nm.alertmanagersDiscovered()).toBe(2);

    nm.send(alert('x'));
    await s1.received(1);
    await s2.received(1);

    await writeTargets([s3.address]);
    await expect.poll(() => nm.alertmanagers(), { timeout: 30_000 }).toEqual([url(s1), url(s3)]);
    expect(nm.droppedAlertmanagers()).toEqual([]);
    nm.send(alert('y'));
    await s3.received(1);
    expect(JSON.parse(s3.requests[0]!.body)[0].labels).toEqual({ alertname: 'y' });
    await nm.stop();
    await run;
  });
});
