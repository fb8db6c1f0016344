// The README's usage example, kept runnable so the docs cannot drift.
import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Engine } from './index.js';
import { TestStorage } from './testing.js';

describe('README example', () => {
  it('runs a range query over TestStorage', async () => {
    const storage = new TestStorage();
    for (let i = 0; i <= 20; i++) {
      storage.append(Labels.fromStrings('__name__', 'http_requests_total', 'job', 'api'), i * 15_000, i * 10);
    }
    const engine = new Engine({ lookbackDeltaMs: 5 * 60_000 });
    const q = engine.newRangeQuery(storage, 'sum by (job) (rate(http_requests_total[1m]))', 60_000, 300_000, 60_000);
    const res = await q.exec({ signal: AbortSignal.timeout(10_000) });
    expect(res.err).toBeNull();
    expect(res.value?.type).toBe('matrix');
    if (res.value?.type !== 'matrix') return;
    expect(res.value.matrix).toHaveLength(1);
    const s = res.value.matrix[0]!;
    expect(s.metric.toString()).toBe('{job="api"}');
    expect(s.floats().map((p) => p.t)).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
    // 30 over 45s, extrapolated by 15s to the window start: 40 per minute.
    expect(s.floats()[0]!.f).toBeCloseTo(40 / 60, 12);
    expect(res.warnings.asStrings(q.query)).toEqual({ warnings: [], infos: [] });
    expect(res.stats.samplesLoaded).toBeGreaterThan(0);
  });

  it('records samples per step when asked', async () => {
    const storage = new TestStorage();
    for (let i = 0; i <= 4; i++) storage.append(Labels.fromStrings('__name__', 'm'), i * 60_000, i);
    const engine = new Engine({ enablePerStepStats: true });
    const res = await engine.newRangeQuery(storage, 'm', 0, 120_000, 60_000).exec();
    expect(res.stats.samplesPerStep).toEqual([
      { t: 0, f: 1 },
      { t: 60_000, f: 1 },
      { t: 120_000, f: 1 },
    ]);
  });
});
