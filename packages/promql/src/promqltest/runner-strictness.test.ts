// Feeds the runner scripts whose expectations are deliberately wrong, one kind at a time, and
// checks that each one fails (while the same script with the right expectation passes), so that a
// conformance figure from this runner means something.
import { describe, expect, it } from 'vitest';
import { countEvalStatements, runConformance } from './conformance.js';
import { runTestScript } from './runner.js';

const load = [
  'load 1m',
  '  m{a="1"} 1 2 3 4 5',
  '  m{a="2"} 10 20 30 40 50',
  '  gauge 1 2 3 4 5',
  '  nanm NaN NaN NaN',
  '  gap 1 _ _ 4 5',
  '',
].join('\n');

/** Runs `load` then one eval made of `head` and `body` lines; returns the single outcome. */
async function one(head: string, body: string[]) {
  const res = await runTestScript(`${load}\n${head}\n${body.map((l) => `  ${l}`).join('\n')}\n`);
  expect(res.error).toBeNull();
  expect(res.evals).toHaveLength(1);
  return res.evals[0]!;
}

interface Case {
  name: string;
  head: string;
  good: string[];
  bad: string[];
}

const cases: Case[] = [
  // Series sets must be equal.
  {
    name: 'wrong value',
    head: 'eval instant at 2m m',
    good: ['m{a="1"} 3', 'm{a="2"} 30'],
    bad: ['m{a="1"} 3', 'm{a="2"} 31'],
  },
  {
    name: 'missing series',
    head: 'eval instant at 2m m',
    good: ['m{a="1"} 3', 'm{a="2"} 30'],
    bad: ['m{a="1"} 3', 'm{a="2"} 30', 'm{a="3"} 1'],
  },
  {
    name: 'extra series in result',
    head: 'eval instant at 2m m',
    good: ['m{a="1"} 3', 'm{a="2"} 30'],
    bad: ['m{a="1"} 3'],
  },
  { name: 'no expected series but a result', head: 'eval instant at 2m m{a="1"}', good: ['m{a="1"} 3'], bad: [] },
  {
    name: 'wrong labels',
    head: 'eval instant at 2m sum by (a) (m)',
    good: ['{a="1"} 3', '{a="2"} 30'],
    bad: ['{a="1"} 3', '{a="x"} 30'],
  },
  { name: 'metric name kept', head: 'eval instant at 2m m{a="1"}', good: ['m{a="1"} 3'], bad: ['{a="1"} 3'] },
  // almostEqual with epsilon 1e-6 (relative).
  {
    name: 'relative error above epsilon',
    head: 'eval instant at 2m m{a="2"} / 3',
    good: ['{a="2"} 10.0000000001'],
    bad: ['{a="2"} 10.0001'],
  },
  { name: 'NaN against a number', head: 'eval instant at 2m nanm', good: ['nanm NaN'], bad: ['nanm 0'] },
  { name: 'number against NaN', head: 'eval instant at 2m gauge', good: ['gauge 3'], bad: ['gauge NaN'] },
  { name: 'stale marker against NaN', head: 'eval instant at 2m nanm', good: ['nanm NaN'], bad: ['nanm stale'] },
  { name: 'Inf sign', head: 'eval instant at 2m gauge / 0', good: ['{} +Inf'], bad: ['{} -Inf'] },
  // Range results: points, timestamps, counts.
  {
    name: 'range: wrong value',
    head: 'eval range from 0 to 4m step 1m gauge',
    good: ['gauge 1 2 3 4 5'],
    bad: ['gauge 1 2 3 4 6'],
  },
  {
    name: 'range: point at the wrong timestamp',
    head: 'eval range from 0 to 4m step 1m gap',
    good: ['gap 1 1 1 4 5'],
    bad: ['gap 1 1 _ 4 5 5'],
  },
  {
    name: 'range: too few points',
    head: 'eval range from 0 to 4m step 1m gauge',
    good: ['gauge 1 2 3 4 5'],
    bad: ['gauge 1 2 3 4'],
  },
  {
    name: 'range: omitted point that exists',
    head: 'eval range from 0 to 4m step 1m gauge',
    good: ['gauge 1 2 3 4 5'],
    bad: ['gauge 1 2 _ 4 5'],
  },
  {
    name: 'range: more points than the range has',
    head: 'eval range from 0 to 4m step 1m gauge',
    good: ['gauge 1 2 3 4 5'],
    bad: ['gauge 1 2 3 4 5 6'],
  },
  {
    name: 'range: missing series',
    head: 'eval range from 0 to 1m step 1m m',
    good: ['m{a="1"} 1 2', 'm{a="2"} 10 20'],
    bad: ['m{a="1"} 1 2'],
  },
  {
    name: 'range vector of an instant query: wrong timestamps',
    head: 'eval instant at 2m gauge[2m]',
    good: ['expect range vector from 1m to 2m step 1m', 'gauge 2 3'],
    bad: ['expect range vector from 0 to 1m step 1m', 'gauge 2 3'],
  },
  // Histogram expectations: this engine returns floats only, so they never match.
  {
    name: 'histogram expected, float returned',
    head: 'eval instant at 2m gauge',
    good: ['gauge 3'],
    bad: ['gauge {{count:3 sum:3}}'],
  },
  {
    name: 'histogram expected, float 0 returned',
    head: 'eval instant at 2m gauge - gauge',
    good: ['{} 0'],
    bad: ['{} {{count:0 sum:0}}'],
  },
  {
    name: 'range: histogram point expected, float returned',
    head: 'eval range from 0 to 1m step 1m gauge',
    good: ['gauge 1 2'],
    bad: ['gauge 1 {{count:2 sum:2}}'],
  },
  // Scalars and strings.
  { name: 'wrong scalar', head: 'eval instant at 0 1 + 1', good: ['2'], bad: ['3'] },
  { name: 'scalar expected, vector returned', head: 'eval instant at 2m gauge', good: ['gauge 3'], bad: ['3'] },
  { name: 'vector expected, scalar returned', head: 'eval instant at 2m scalar(gauge)', good: ['3'], bad: ['{} 3'] },
  { name: 'wrong string', head: 'eval instant at 0 "a"', good: ['expect string "a"'], bad: ['expect string "b"'] },
  // Order.
  {
    name: 'expect ordered: wrong order',
    head: 'eval instant at 2m sort_desc(m)',
    good: ['expect ordered', 'm{a="2"} 30', 'm{a="1"} 3'],
    bad: ['expect ordered', 'm{a="1"} 3', 'm{a="2"} 30'],
  },
  {
    name: 'expect ordered on a matrix',
    head: 'eval range from 0 to 1m step 1m gauge',
    good: ['gauge 1 2'],
    bad: ['expect ordered', 'gauge 1 2'],
  },
  // Failures.
  {
    name: 'expect fail, query succeeds',
    head: 'eval instant at 2m m',
    good: ['m{a="1"} 3', 'm{a="2"} 30'],
    bad: ['expect fail'],
  },
  {
    name: 'query fails without expect fail',
    head: 'eval instant at 2m m / on() m',
    good: ['expect fail'],
    bad: [],
  },
  {
    name: 'expect fail msg: wrong message',
    head: 'eval instant at 2m m / on() m',
    good: ['expect fail regex: many-to-many matching not allowed'],
    bad: ['expect fail msg: some other error'],
  },
  {
    name: 'expect fail msg: only part of the message',
    head: 'eval instant at 2m m / on() m',
    good: ['expect fail regex: matching labels must be unique'],
    bad: ['expect fail msg: matching labels must be unique'],
  },
  {
    name: 'expect fail regex: not matching',
    head: 'eval range from 0 to 1m step 1m m / on() m',
    good: ['expect fail regex: many-to-many'],
    bad: ['expect fail regex: ^one-to-one'],
  },
  // Annotations.
  {
    name: 'expect warn, none raised',
    head: 'eval instant at 2m quantile(0.5, gauge)',
    good: ['expect no_warn', '{} 3'],
    bad: ['expect warn', '{} 3'],
  },
  {
    name: 'expect no_warn, one raised',
    head: 'eval instant at 2m quantile(5, gauge)',
    good: ['expect warn', '{} +Inf'],
    bad: ['expect no_warn', '{} +Inf'],
  },
  {
    name: 'expect warn msg: wrong text',
    head: 'eval instant at 2m quantile(5, gauge)',
    good: ['expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 5 (1:10)', '{} +Inf'],
    bad: ['expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 6 (1:10)', '{} +Inf'],
  },
  {
    name: 'expect warn msg: wrong position',
    head: 'eval instant at 2m quantile(5, gauge)',
    good: ['expect warn regex: got 5 \\(1:10\\)$', '{} +Inf'],
    bad: ['expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 5 (1:1)', '{} +Inf'],
  },
  {
    name: 'expect warn regex: a second warning unmatched',
    head: 'eval instant at 2m quantile(5, gauge) + quantile(-1, gauge)',
    good: ['expect warn regex: got 5', 'expect warn regex: got -1', '{} NaN'],
    bad: ['expect warn regex: got 5', '{} NaN'],
  },
  {
    name: 'expect info, none raised',
    head: 'eval instant at 4m rate(m_total[5m])',
    good: ['expect no_info'],
    bad: ['expect info'],
  },
  {
    name: 'expect no_info, one raised',
    head: 'eval instant at 4m rate(gauge[5m])',
    good: ['expect info', '{} 0.016666666666666666'],
    bad: ['expect no_info', '{} 0.016666666666666666'],
  },
  {
    name: 'expect info regex: wrong text',
    head: 'eval instant at 4m rate(gauge[5m])',
    good: ['expect info regex: might not be a counter', '{} 0.016666666666666666'],
    bad: ['expect info regex: might not be a gauge', '{} 0.016666666666666666'],
  },
  {
    name: 'expect warn when the query only raises an info',
    head: 'eval instant at 4m rate(gauge[5m])',
    good: ['expect info', '{} 0.016666666666666666'],
    bad: ['expect warn', '{} 0.016666666666666666'],
  },
];

describe('runner strictness: a wrong expectation fails', () => {
  it.each(cases)('$name', async (c) => {
    const good = await one(c.head, c.good);
    expect(good.message).toBe('');
    expect(good.passed).toBe(true);
    const bad = await one(c.head, c.bad);
    expect(bad.passed).toBe(false);
    expect(bad.message).not.toBe('');
  });

  it('a plain eval ignores annotations, as in Prometheus 3 (no_warn/no_info must be explicit)', async () => {
    const r = await one('eval instant at 2m quantile(5, gauge)', ['{} +Inf']);
    expect(r.passed).toBe(true);
  });

  it('the @ re-runs must fail too when a failure is expected', async () => {
    // Fails only at the evaluation time: the @ re-runs pin `time()`-free selectors, which still
    // fail, so this passes; a query that fails only without @ would not.
    const r = await one('eval instant at 2m m / on() m', ['expect fail']);
    expect(r.passed).toBe(true);
  });

  it('reports an unknown expect kind as a script error', async () => {
    const res = await runTestScript(`${load}\neval instant at 0 gauge\n  expect sometimes\n`);
    expect(res.error).toMatch(/invalid expect statement/);
  });
});

describe('runner executes every eval statement', () => {
  it('has one outcome per eval statement, in order', async () => {
    const script = [
      load,
      'eval instant at 0 gauge',
      '  gauge 1',
      '',
      'eval range from 0 to 1m step 1m gauge',
      '  gauge 1 2',
      '',
      'clear',
      '',
      'eval instant at 0 gauge',
      '',
      'eval instant at 0 nosuch',
      '  expect no_warn',
      '',
    ].join('\n');
    const res = await runTestScript(script);
    expect(res.error).toBeNull();
    expect(countEvalStatements(script)).toBe(4);
    expect(res.evals.map((e) => [e.line, e.passed])).toEqual([
      [8, true],
      [11, true],
      [16, true],
      [18, true],
    ]);
  });

  it('counts the statements a script error kept from running as failed', async () => {
    const text = `${load}\neval instant at 0 gauge\n  gauge 1\n\nbogus\n\neval instant at 0 gauge\n  gauge 1\n`;
    const r = await runConformance([{ name: 'x.test', text }]);
    expect(r.passed).toBe(0);
    expect(r.failed).toBe(2);
    expect(r.percent).toBe(0);
  });
});

describe('native-histogram classification', () => {
  const script = [
    'load 1m',
    '  f 1 2 3 4 5',
    '  h {{count:1 sum:1}}x4',
    '  mixed 1 2 3 {{count:1 sum:1}} {{count:2 sum:2}}',
    '',
    'eval instant at 2m f',
    '  f 3',
    '',
    'eval instant at 2m h',
    '  h {{count:1 sum:1}}',
    '',
    'eval instant at 2m histogram_count(h)',
    '  {} 1',
    '',
    'eval instant at 2m mixed',
    '  mixed 3',
    '',
    'eval instant at 4m mixed',
    '  mixed 3',
    '',
  ].join('\n');

  it('sets aside only statements that read or expect histograms', async () => {
    const res = await runTestScript(script);
    expect(res.error).toBeNull();
    // f: float only, next to histograms. h: expects one. histogram_count(h): reads them.
    // mixed at 2m: the query reads floats only (the histogram at 3m is seen only by the range-mode
    // re-run at 3m), so it counts. mixed at 4m: reads histograms (the answer there is a histogram).
    expect(res.evals.map((e) => e.nativeHistogram)).toEqual([false, true, true, false, true]);
    expect(res.evals[3]!.histogramsOnlyAround).toBe(true);
    expect(res.evals[3]!.passed).toBe(true);
  });
});
