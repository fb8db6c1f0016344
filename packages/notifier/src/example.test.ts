// The README's example, run against a local receiver.
import { loadConfig } from '@tsprom/config';
import { defaultSDRegistry, Manager as DiscoveryManager } from '@tsprom/discovery';
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { expect, it } from 'vitest';
import { Alert } from './alert.js';
import { alertmanagerDiscoveryConfigs } from './alertmanager-sd.js';
import { Manager } from './manager.js';
import { startAlertSink } from './testing/alert-sink.js';

it('runs the README example', async () => {
  const sink = await startAlertSink();
  const alertmanagerAddress = sink.address;
  try {
    const cfg = loadConfig(
      `alerting:
  alertmanagers:
  - static_configs: [{targets: ['${alertmanagerAddress}']}]`,
      { sdLoader: defaultSDRegistry },
    );
    const discovery = new DiscoveryManager({ name: 'notify', updateIntervalMs: 10 });
    const notifier = new Manager({ newHTTPClient: (c) => HTTPClient.create(c), version: '3.14.0' });
    await notifier.applyConfig(cfg);
    await discovery.applyConfig(alertmanagerDiscoveryConfigs(cfg.alerting));
    discovery.start();
    const running = notifier.run(discovery.updates());
    await expect.poll(() => notifier.alertmanagers(), { timeout: 30_000 }).toHaveLength(1);

    notifier.send(
      new Alert({
        labels: Labels.fromStrings('alertname', 'DiskFull', 'instance', 'db1'),
        annotations: Labels.fromStrings('summary', 'Disk is full'),
        startsAt: Date.now(),
      }),
    );

    await notifier.stop(); // sends what is still queued
    await running;
    await discovery.stop();
    expect(JSON.parse(sink.requests[0]!.body)[0].labels).toEqual({ alertname: 'DiskFull', instance: 'db1' });
  } finally {
    await sink.close();
  }
});
