// `tsprom --agent` as Prometheus's agent: flags and configuration sections of server mode are
// refused at start (exit 3 and 2), and the running agent serves status, targets and its metrics
// but no queries.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJSON, runTsprom, type ServerProcess, startTsprom } from './testing/tsprom-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsprom-agent-mode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tsprom --agent', () => {
  it('refuses server-only flags with exit code 3, as Prometheus', { timeout: 60_000 }, async () => {
    const r = await runTsprom(['--agent', '--storage.tsdb.path=x'], dir);
    expect(r.code).toBe(3);
    expect(r.output).toContain('The following flag(s) can not be used in agent mode: ["--storage.tsdb.path"]');
  });

  it.each([
    ['rule_files: [rules.yml]\n', 'field rule_files is not allowed in agent mode'],
    [
      "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['a:9093']}]\n",
      'field alerting is not allowed in agent mode',
    ],
    ['remote_read: [{url: "http://127.0.0.1:1/read"}]\n', 'field remote_read is not allowed in agent mode'],
  ])('refuses a configuration with %j (exit 2)', { timeout: 60_000 }, async (yml, msg) => {
    await writeFile(join(dir, 'bad.yml'), yml);
    const r = await runTsprom(['--agent', '--config.file=bad.yml', '--storage.agent.path=bad-data'], dir);
    expect(r.code).toBe(2);
    expect(r.output).toContain(msg);
  });

  it('serves status, targets and agent metrics, and no queries', { timeout: 120_000 }, async () => {
    await writeFile(join(dir, 'ok.yml'), 'scrape_configs: []\n');
    let p: ServerProcess | undefined;
    try {
      p = await startTsprom(
        ['--agent', '--config.file=ok.yml', '--storage.agent.path=ok-data', '--web.enable-remote-write-receiver'],
        dir,
      );
      expect((await fetch(`${p.url}/-/healthy`)).status).toBe(200);
      expect((await getJSON(`${p.url}/api/v1/targets`)).status).toBe(200);
      const rt = await getJSON(`${p.url}/api/v1/status/runtimeinfo`);
      expect(rt.body).toMatchObject({ status: 'success', data: { storageRetention: '' } });
      expect((await getJSON(`${p.url}/api/v1/features`)).body).toMatchObject({
        data: { prometheus: { agent_mode: true } },
      });
      for (const path of ['/api/v1/query?query=up', '/api/v1/labels', '/api/v1/rules', '/api/v1/status/tsdb']) {
        expect((await getJSON(`${p.url}${path}`)).status, path).toBe(422);
      }
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      for (const name of [
        'prometheus_agent_active_series',
        'prometheus_agent_corruptions_total',
        'prometheus_agent_samples_appended_total{type="float"}',
        'prometheus_agent_truncate_duration_seconds_count',
        'prometheus_tsdb_wal_segment_current',
        // The receiver's counter (with --web.enable-remote-write-receiver).
        'prometheus_api_remote_write_invalid_labels_samples_total',
      ]) {
        expect(metrics).toContain(`\n${name} `);
      }
      expect(metrics).not.toContain('prometheus_engine_');
      expect(metrics).not.toContain('prometheus_tsdb_head_series');
    } finally {
      expect(await p?.stop()).toBe(0);
    }
  });
});
