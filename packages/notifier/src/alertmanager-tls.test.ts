// Posting to an Alertmanager over HTTPS with the config's tls_config (certificates made by
// openssl): the CA is checked, and HTTP/1.1 is used even where HTTP/2 is offered, as Prometheus's
// notifier turns HTTP/2 off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveOpenssl, makeTestCerts, type TestCerts } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertSink, startAlertSink } from './testing/alert-sink.js';
import { alert, config, newManager, targets } from './testing/fixtures.js';

describe.runIf(haveOpenssl())('TLS', () => {
  let dir: string;
  let sink: AlertSink;
  let certs: TestCerts;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-notifier-tls-'));
    certs = makeTestCerts(dir, ['am.test'])!;
    sink = await startAlertSink({
      cert: certs.cert,
      key: certs.key,
    });
  });

  afterAll(async () => {
    await sink?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('posts over HTTPS/1.1 with ca_file, and counts an error for an unknown CA', async () => {
    const m = newManager();
    try {
      const am = (tls: string) => `  - static_configs: []\n    scheme: https\n${tls}`;
      await m.applyConfig(
        config(`alerting:\n  alertmanagers:\n${am(`    tls_config: {ca_file: ${certs.caFile}}\n`)}${am('')}`),
      );
      m.reload(targets('config-0', sink.address));
      m.reload(targets('config-1', sink.address.replace('127.0.0.1', 'localhost')));
      void m.run();
      m.send(alert('x'));
      await sink.received(1);
      expect(sink.requests[0]!.httpVersion).toBe('1.1');
      expect(sink.requests[0]!.path).toBe('/api/v2/alerts');
      const bad = `https://${sink.address.replace('127.0.0.1', 'localhost')}/api/v2/alerts`;
      await expect.poll(() => m.metrics.errors.get(bad)).toBe(1);
      expect(m.metrics.errors.get(`https://${sink.address}/api/v2/alerts`)).toBe(0);
      await expect.poll(() => m.metrics.dropped).toBe(1); // config-1 reached none of its Alertmanagers.
    } finally {
      await m.stop();
    }
  });
});
