import { describe, expect, it } from 'vitest';
import { type Figure, formatTable, ratio, tableJSON, worstRatio } from './bench-table.js';

const figures: Figure[] = [
  { name: 'q1', unit: 'ms', better: 'lower', query: true, tsprom: 20, prometheus: 10, victoria: 5 },
  { name: 'q2', unit: 'ms', better: 'lower', query: true, tsprom: 30, prometheus: 10 },
  { name: 'q2 p90', unit: 'ms', better: 'lower', tsprom: 90, prometheus: 10 },
  { name: 'rss', unit: 'MiB', better: 'lower', tsprom: 100, note: 'Prometheus not installed' },
];

describe('bench table', () => {
  it('takes the worst ratio over the query medians alone', () => {
    expect(worstRatio(figures)).toBe(3);
    expect(Number.isNaN(worstRatio([figures[3]!]))).toBe(true);
    expect(ratio(1, undefined)).toBeUndefined();
  });

  it('prints one row per figure, a dash where a peer was not measured', () => {
    const lines = formatTable(figures);
    expect(lines).toHaveLength(2 + figures.length);
    expect(lines[2]).toMatch(/\| q1 .*\| 20\.0 .*\| 10\.0 .*\| 2\.00× .*\| 5\.00 .*\| 4\.00× /);
    expect(lines[5]).toMatch(/rss \(Prometheus not installed\).*\| — /);
  });

  it('writes the figures, their ratios and the worst ratio as JSON', () => {
    const j = JSON.parse(tableJSON({ size: 'small' }, figures));
    expect(j.size).toBe('small');
    expect(j.worstRatio).toBe(3);
    expect(j.figures[0].ratioPrometheus).toBe(2);
    expect(j.figures[3].ratioPrometheus).toBeNull();
  });
});
