// Target labels as Prometheus 3's PopulateLabels makes them, and what a Target derives from them
// (URL, interval and timeout, offset).
import { parseDuration } from '@tsprom/config';
import { Labels, LabelsBuilder } from '@tsprom/labels';
import { loadRelabelConfigs } from '@tsprom/relabel';
import { describe, expect, it } from 'vitest';
import { TargetLabelsError } from './errors.js';
import { populateLabels, targetsFromGroup } from './populate-labels.js';
import { Target } from './target.js';
import { targetConfig } from './testing/loop-fixture.js';

const lb = new LabelsBuilder();

describe('populateLabels', () => {
  it('adds job, scheme, path, interval, timeout and params, then instance from the address', () => {
    const cfg = targetConfig({
      jobName: 'node',
      scrapeIntervalMs: 90_000,
      scrapeTimeoutMs: 1500,
      params: new Map([['module', ['if_mib', 'x']]]),
    });
    const r = populateLabels(
      lb,
      cfg,
      { __address__: 'h:9100', __meta_x: 'm' },
      { env: 'prod', __address__: 'ignored' },
    );
    expect(r.discoveredLabels.toString()).toBe(
      '{__address__="h:9100", __meta_x="m", __metrics_path__="/metrics", __param_module="if_mib", __scheme__="http", __scrape_interval__="1m30s", __scrape_timeout__="1s500ms", env="prod", job="node"}',
    );
    // __meta_* removed, instance defaulted, the other __ labels kept for the target.
    expect(r.labels.toString()).toBe(
      '{__address__="h:9100", __metrics_path__="/metrics", __param_module="if_mib", __scheme__="http", __scrape_interval__="1m30s", __scrape_timeout__="1s500ms", env="prod", instance="h:9100", job="node"}',
    );
  });

  it('labels set by discovery win over the config defaults', () => {
    const r = populateLabels(lb, targetConfig(), { __address__: 'h:1', __scheme__: 'https', job: 'mine' }, {});
    expect(r.labels.get('__scheme__')).toBe('https');
    expect(r.labels.get('job')).toBe('mine');
  });

  it('adds no default port (Prometheus 3)', () => {
    expect(populateLabels(lb, targetConfig(), { __address__: 'example.org' }, {}).labels.get('instance')).toBe(
      'example.org',
    );
  });

  it('applies relabel_configs; a dropped target keeps its discovered labels only', () => {
    const relabelConfigs = loadRelabelConfigs([
      { source_labels: ['__meta_role'], regex: 'db', action: 'drop' },
      { source_labels: ['__address__'], regex: '(.*):\\d+', target_label: 'host' },
      { source_labels: ['__meta_port'], target_label: '__address__', regex: '(.+)', replacement: 'h:$1' },
      { target_label: '__param_target', replacement: 'x' },
      { target_label: '__scrape_interval__', replacement: '5s' },
      { target_label: '__scrape_timeout__', replacement: '5s' },
    ]);
    const cfg = targetConfig({ relabelConfigs });
    const kept = populateLabels(lb, cfg, { __address__: 'a:1', __meta_port: '99', __meta_role: 'web' }, {});
    expect(kept.labels.get('__address__')).toBe('h:99');
    expect(kept.labels.get('instance')).toBe('h:99');
    expect(kept.labels.get('host')).toBe('a');
    expect(kept.labels.get('__scrape_interval__')).toBe('5s');
    expect(new Target(kept.labels, kept.discoveredLabels).url()).toBe('http://h:99/metrics?target=x');
    const dropped = populateLabels(lb, cfg, { __address__: 'a:1', __meta_role: 'db' }, {});
    expect(dropped.labels.isEmpty()).toBe(true);
    expect(dropped.discoveredLabels.get('__meta_role')).toBe('db');
  });

  it.each([
    [{}, [{ target_label: '__address__', replacement: '' }], 'no address'],
    [{}, [{ target_label: '__address__', replacement: 'h:1/x' }], '"h:1/x" is not a valid hostname'],
    [{ __scrape_interval__: 'x' }, [], 'error parsing scrape interval: not a valid duration string: "x"'],
    [{ __scrape_interval__: '0s' }, [], 'scrape interval cannot be 0'],
    [{ __scrape_timeout__: '0' }, [], 'scrape timeout cannot be 0'],
    [
      { __scrape_interval__: '5s', __scrape_timeout__: '10s' },
      [],
      'scrape timeout cannot be greater than scrape interval ("10s" > "5s")',
    ],
  ])('rejects %j with %j: %s', (extra, relabel, message) => {
    const cfg = targetConfig({ relabelConfigs: loadRelabelConfigs(relabel) });
    expect(() => populateLabels(lb, cfg, { __address__: 'h:1', ...extra }, {})).toThrow(new TargetLabelsError(message));
  });

  it('targetsFromGroup reports each failing target with its index and group source', () => {
    const { targets, failures } = targetsFromGroup(
      {
        source: 'static/0',
        labels: {},
        targets: [{ __address__: 'a:1' }, { __address__: 'b:1', __scrape_interval__: 'nope' }],
      },
      targetConfig(),
    );
    expect(targets.map((t) => t.labels.get('instance'))).toEqual(['a:1']);
    expect(failures.map((f) => f.message)).toEqual([
      'instance 1 in group static/0: error parsing scrape interval: not a valid duration string: "nope"',
    ]);
  });
});

describe('Target', () => {
  const target = (extra: Record<string, string>) => {
    const cfg = targetConfig({
      params: new Map([
        ['a', ['1', '2']],
        ['b b', ['x&y']],
      ]),
    });
    const { labels, discoveredLabels } = populateLabels(lb, cfg, { __address__: 'h:9', ...extra }, {});
    return new Target(labels, discoveredLabels, cfg.params);
  };

  it('url() escapes the path and query as Go does; __param_ labels replace the first value', () => {
    expect(target({}).url()).toBe('http://h:9/metrics?a=1&a=2&b+b=x%26y');
    expect(target({ __param_a: 'z', __metrics_path__: '/p q/é' }).url()).toBe(
      'http://h:9/p%20q/%C3%A9?a=z&a=2&b+b=x%26y',
    );
    expect(target({ __metrics_path__: 'rel', __scheme__: 'https' }).url()).toBe('https://h:9/rel?a=1&a=2&b+b=x%26y');
  });

  it('publicLabels() drops the __ labels', () => {
    expect(target({ env: 'x' }).publicLabels().toString()).toBe('{env="x", instance="h:9", job="test"}');
  });

  it('intervalAndTimeout() reads the labels, or falls back with an error', () => {
    expect(target({ __scrape_interval__: '30s', __scrape_timeout__: '5s' }).intervalAndTimeout(1, 2)).toEqual({
      intervalMs: 30_000,
      timeoutMs: 5000,
      error: undefined,
    });
    const bad = new Target(Labels.fromStrings('__scrape_interval__', 'x'), Labels.EMPTY).intervalAndTimeout(1, 2);
    expect([bad.intervalMs, bad.timeoutMs, bad.error?.message]).toEqual([
      1,
      2,
      'Error parsing interval label "x": not a valid duration string: "x"',
    ]);
  });

  it('offset() is within the interval, fixed in absolute time, and spreads targets', () => {
    const interval = parseDuration('15s');
    const now = 1_700_000_000_123;
    const offsets = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const t = target({ __address__: `host${i}:9100` });
      const o = t.offset(interval, 12345n, now);
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThanOrEqual(interval);
      // The same phase from a later moment: now + o and later + o2 fall on the same grid.
      const later = now + 4321;
      const o2 = t.offset(interval, 12345n, later);
      expect((((now + o - (later + o2)) % interval) + interval) % interval).toBe(0);
      offsets.add(Math.floor(o / 1000));
    }
    expect(offsets.size).toBeGreaterThan(8); // 50 targets over 15 one-second buckets.
    // Another seed (another server) gives another phase.
    const t = target({});
    expect(t.offset(interval, 1n, now)).not.toBe(t.offset(interval, 2n, now));
  });
});
