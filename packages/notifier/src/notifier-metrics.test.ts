import { describe, expect, it } from 'vitest';
import { NotifierMetrics, Summary } from './notifier-metrics.js';

describe('Summary', () => {
  it('reports quantiles over the last 10 minutes and sum/count over all time', () => {
    let now = 0;
    const s = new Summary(() => now);
    for (let i = 1; i <= 100; i++) s.observe(i);
    expect([s.quantile(0.5), s.quantile(0.9), s.quantile(0.99)]).toEqual([50, 90, 99]);
    now = 9 * 60_000;
    s.observe(1000);
    expect([s.quantile(0.99), s.quantile(1)]).toEqual([100, 1000]);
    // Past 10 minutes the first 100 observations age out, 2 minutes at a time.
    now = 10 * 60_000 + 1;
    expect(s.quantile(0.5)).toBe(1000);
    expect(s.count).toBe(101);
    expect(s.sum).toBe(5050 + 1000);
    now = 30 * 60_000;
    expect(s.quantile(0.5)).toBeNaN();
  });
});

describe('NotifierMetrics', () => {
  it('starts counters at 0, adds sends and errors, and forgets removed Alertmanagers', () => {
    const m = new NotifierMetrics();
    m.initAlertmanager('u');
    expect([m.sent.get('u'), m.errors.get('u')]).toEqual([0, 0]);
    m.recordSend('u', 3, false, 0.1);
    m.recordSend('u', 2, true, 0.3);
    expect([m.sent.get('u'), m.errors.get('u'), m.latencySeconds.get('u')?.count]).toEqual([5, 2, 2]);
    m.deleteAlertmanager('u');
    expect([m.sent.size, m.errors.size, m.latencySeconds.size]).toEqual([0, 0, 0]);
  });
});
