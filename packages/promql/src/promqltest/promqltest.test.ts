import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTestScript } from './runner.js';

const dir = join(import.meta.dirname, 'testdata');
const files = readdirSync(dir).filter((f) => f.endsWith('.test'));

describe('own promqltest scripts', () => {
  it('has scripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  it.each(files)('%s passes every eval', async (f) => {
    const res = await runTestScript(readFileSync(join(dir, f), 'utf8'));
    expect(res.error).toBeNull();
    expect(res.evals.length).toBeGreaterThan(0);
    const failed = res.evals.filter((e) => !e.passed).map((e) => `line ${e.line}: ${e.expr}: ${e.message}`);
    expect(failed).toEqual([]);
  });
});

describe('runner', () => {
  it('reports a wrong expectation as a failure', async () => {
    const res = await runTestScript('load 1m\n  m 1 2\n\neval instant at 1m m\n  m 3\n');
    expect(res.evals).toHaveLength(1);
    expect(res.evals[0]!.passed).toBe(false);
    expect(res.evals[0]!.message).toContain('expected 3');
  });
  it('checks expected failures, warnings and order', async () => {
    const script = [
      'load 1m',
      '  m{a="1"} 1',
      '  m{a="2"} 2',
      '',
      'eval instant at 0 m / on() m',
      '  expect fail regex: duplicate series',
      '',
      'eval instant at 0 quantile(5, m)',
      '  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 5 (1:10)',
      '  {} +Inf',
      '',
      'eval instant at 0 sort_desc(m)',
      '  expect ordered',
      '  m{a="2"} 2',
      '  m{a="1"} 1',
      '',
      'eval instant at 0 sort(m)',
      '  expect ordered',
      '  m{a="2"} 2',
      '  m{a="1"} 1',
      '',
    ].join('\n');
    const res = await runTestScript(script);
    expect(res.evals.map((e) => e.passed)).toEqual([true, true, true, false]);
  });
  it('reports script syntax errors with the line', async () => {
    const res = await runTestScript('load 1m\n  m 1\n\nbogus command\n');
    expect(res.error).toMatch(/line 4/);
  });
  it('counts statements reading native histograms', async () => {
    const res = await runTestScript('load 1m\n  h {{schema:0 sum:1 count:1}}\n\neval instant at 0 h\n');
    expect(res.evals[0]!.nativeHistogram).toBe(true);
  });
});

describe('atModifierCases', () => {
  it('pins every selector outside @-subqueries and lists the extra evaluation times', async () => {
    const { parseExpr } = await import('../parser/index.js');
    const { atModifierCases } = await import('./at-modifier.js');
    const cases = atModifierCases(parseExpr('sum(rate(a[5m])) + b'), 60_000);
    expect(cases.map((c) => c.evalTime)).toEqual([-600_000, 0, 12_000, 60_000, 600_000]);
    expect(cases[0]!.expr).toContain('a[5m] @ 60.000');
    expect(cases[0]!.expr).toContain('b @ 60.000');
    expect(atModifierCases(parseExpr('hour(a)'), 60_000)).toEqual([]);
  });
});
