import { Labels } from '@tsprom/labels';
import { loadRelabelConfigs } from '@tsprom/relabel';
import { describe, expect, it } from 'vitest';
import { Alert, relabelAlerts } from './alert.js';

describe('Alert', () => {
  const a = (endsAt?: number) =>
    new Alert({ labels: Labels.fromStrings('alertname', 'Up', 'job', 'x'), annotations: Labels.EMPTY, endsAt });

  it('is resolved once its end is at or before now; never without an end', () => {
    expect(a(1000).resolved(999)).toBe(false);
    expect(a(1000).resolved(1000)).toBe(true);
    expect(a(undefined).resolved(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('prints as Prometheus logs it', () => {
    const hash = Labels.fromStrings('alertname', 'Up', 'job', 'x').hash().toString(16).padStart(16, '0').slice(0, 7);
    expect(a(undefined).toString()).toBe(`Up[${hash}][active]`);
    expect(a(1).toString()).toBe(`Up[${hash}][resolved]`);
    expect(a().name()).toBe('Up');
  });
});

describe('relabelAlerts', () => {
  it('adds missing external labels before relabeling and leaves out dropped alerts', () => {
    const cfgs = loadRelabelConfigs([
      { source_labels: ['dc'], regex: 'skip', action: 'drop' },
      { source_labels: ['dc', 'env'], separator: '-', target_label: 'where' },
    ]);
    const ext = Labels.fromStrings('dc', 'eu', 'env', 'prod');
    const out = relabelAlerts(cfgs, ext, [
      new Alert({ labels: Labels.fromStrings('alertname', 'a'), annotations: Labels.EMPTY }),
      new Alert({ labels: Labels.fromStrings('alertname', 'b', 'dc', 'skip'), annotations: Labels.EMPTY }),
      new Alert({ labels: Labels.fromStrings('alertname', 'c', 'env', 'dev'), annotations: Labels.EMPTY }),
    ]);
    expect(out.map((x) => x.labels.toMap())).toEqual([
      { alertname: 'a', dc: 'eu', env: 'prod', where: 'eu-prod' },
      { alertname: 'c', dc: 'eu', env: 'dev', where: 'eu-dev' },
    ]);
  });
});
