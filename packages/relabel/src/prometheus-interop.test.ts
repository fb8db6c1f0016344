// Relabeling as real Prometheus (2.42) does it: static targets on 127.0.0.1 (closed ports) go
// through relabel_configs in Prometheus, and /api/v1/targets shows each target's discovered labels
// and the labels Prometheus made of them (or that it dropped the target). Ours must agree.
// Prometheus 2.42 predates `(?s)` anchoring, so no value here contains a newline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { PEERS, requirePeer, type ServerPeer, startPrometheus } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRelabelConfigs, relabel } from './index.js';

const have = requirePeer(PEERS.prometheus);

// The same configs, as prometheus.yml YAML (JSON is YAML) and as the objects our loader takes.
const relabelConfigs = [
  { source_labels: ['__address__'], regex: '127\\.0\\.0\\.1:(\\d+)', target_label: 'port', replacement: 'p$1' },
  { source_labels: ['__address__'], target_label: 'shard', action: 'hashmod', modulus: 7 },
  {
    source_labels: ['__address__', 'team'],
    separator: '@',
    target_label: 'big_shard',
    action: 'hashmod',
    modulus: 1000003,
  },
  { source_labels: ['team'], target_label: 'team_lc', action: 'lowercase' },
  { source_labels: ['team'], target_label: 'team_uc', action: 'uppercase' },
  { regex: 'meta_(.+)', action: 'labelmap', replacement: 'copied_${1}' },
  { regex: 'meta_drop_.*', action: 'labeldrop' },
  { source_labels: ['env'], regex: 'dev', action: 'drop' },
  { source_labels: ['port'], regex: 'p1[0-9]', action: 'keep' },
  { source_labels: ['team_lc'], target_label: 'expected_team', action: 'keepequal' },
  { source_labels: ['shard'], regex: '(.*)', target_label: 'shard_name', replacement: 'shard-${1}-of-7' },
  { source_labels: ['nothing'], target_label: 'const', replacement: 'c' },
];

const targets = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map((p) => `127.0.0.1:${p}`);
const groups: { targets: string[]; labels: Record<string, string> }[] = [
  {
    targets: targets.slice(0, 6),
    labels: { team: 'Core', env: 'prod', expected_team: 'core', meta_zone: 'eu', meta_drop_x: 'y' },
  },
  { targets: targets.slice(6, 9), labels: { team: 'Web', env: 'dev', expected_team: 'web' } },
  { targets: targets.slice(9), labels: { team: 'DB', env: 'prod', expected_team: 'other' } },
];

interface ApiTarget {
  discoveredLabels: Record<string, string>;
  labels?: Record<string, string>;
}

describe.skipIf(!have)('relabel_configs against Prometheus 2.42', () => {
  let peer: ServerPeer;
  let dir: string;
  let active: ApiTarget[];
  let dropped: ApiTarget[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relabel-interop-'));
    const config = {
      global: { scrape_interval: '1h', scrape_timeout: '10s' },
      scrape_configs: [{ job_name: 'j', static_configs: groups, relabel_configs: relabelConfigs }],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config));
    peer = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'data') });
    // Target groups reach the scrape pools shortly after start: poll until all are there.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${peer.url}/api/v1/targets`);
      const body = (await res.json()) as { data: { activeTargets: ApiTarget[]; droppedTargets: ApiTarget[] } };
      active = body.data.activeTargets;
      dropped = body.data.droppedTargets;
      if (active.length + dropped.length === targets.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps and drops the same targets and gives them the same labels', () => {
    expect(active.length + dropped.length).toBe(targets.length);
    // Prometheus 2.42's API can show discovered labels already touched by relabeling (a bug fixed
    // later), so the discovered labels are rebuilt here as Prometheus builds them.
    const configs = loadRelabelConfigs(relabelConfigs);
    const ours = new Map<string, Record<string, string> | null>();
    for (const g of groups) {
      for (const addr of g.targets) {
        const discovered = Labels.fromMap({
          ...g.labels,
          __address__: addr,
          __metrics_path__: '/metrics',
          __scheme__: 'http',
          __scrape_interval__: '1h',
          __scrape_timeout__: '10s',
          job: 'j',
        });
        const out = relabel(discovered, configs);
        if (out === null) {
          ours.set(addr, null);
          continue;
        }
        // After relabeling Prometheus drops the `__` labels and sets instance from __address__.
        const m = out.toMap();
        const want: Record<string, string> = {};
        for (const [k, v] of Object.entries(m)) if (!k.startsWith('__')) want[k] = v;
        if (want.instance === undefined) want.instance = m.__address__!;
        ours.set(addr, want);
      }
    }
    const theirs = new Map<string, Record<string, string> | null>();
    for (const t of active) theirs.set(t.labels!.instance!, t.labels!);
    for (const t of dropped) theirs.set(t.discoveredLabels.__address__!, null);
    expect(theirs).toEqual(ours);
    expect(active.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
  });
});
