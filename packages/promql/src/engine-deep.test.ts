// Hostile nesting through the Engine: the reproducers of deep queries parse, select and evaluate
// (instant and range) at any depth, with the values Prometheus gives.
import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { TestStorage } from './storage/test-storage.js';
import type { QueryValue } from './value.js';

// `up` of three instances, every 15 s over 10 minutes; instance i has the value i + 1.
function storage(): TestStorage {
  const s = new TestStorage();
  for (let i = 0; i < 3; i++) {
    const l = Labels.fromStrings('__name__', 'up', 'instance', `i${i}`);
    for (let t = 0; t <= 600_000; t += 15_000) s.append(l, t, i + 1);
  }
  return s;
}

/** The points of a result as `labels: v@t s…`, sorted, so instant and range results read alike. */
function points(v: QueryValue | null): string[] {
  if (v === null) return [];
  switch (v.type) {
    case 'scalar':
      return [`scalar: ${v.scalar.v}@${v.scalar.t / 1000}`];
    case 'vector':
      return v.vector.map((s) => `${s.metric.toString()}: ${s.f}@${s.t / 1000}`).sort();
    case 'matrix':
      return v.matrix
        .map(
          (s) =>
            `${s.metric.toString()}: ${s
              .floats()
              .map((p) => `${p.f}@${p.t / 1000}`)
              .join(' ')}`,
        )
        .sort();
    case 'string':
      return [`string: ${v.string.v}`];
  }
}

/** `label: v@t` for every instance (null: no label) with `value(i)` at `t` seconds, sorted. */
function perInstance(value: (i: number) => number, name: string | null, ts: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const l = name === null ? `{instance="i${i}"}` : `{__name__="${name}", instance="i${i}"}`;
    out.push(`${l}: ${ts.map((t) => `${value(i)}@${t}`).join(' ')}`);
  }
  return out.sort();
}

const rangeTs = [0, 120, 240, 360, 480, 600];

interface Case {
  name: string;
  query: string;
  /** Expected instant result at 600 s. */
  instant: string[];
  /** Expected range result over [0, 600 s] every 120 s. */
  range: string[];
}

const cases: Case[] = [
  {
    name: '1 + 1 + … with 5,000 terms',
    query: `1${' + 1'.repeat(4999)}`,
    instant: ['scalar: 5000@600'],
    range: [`{}: ${rangeTs.map((t) => `5000@${t}`).join(' ')}`],
  },
  {
    name: 'vector(1) or vector(1) or … with 5,000 terms',
    query: `vector(1)${' or vector(1)'.repeat(4999)}`,
    instant: ['{}: 1@600'],
    range: [`{}: ${rangeTs.map((t) => `1@${t}`).join(' ')}`],
  },
  {
    name: 'up + up + … with 5,000 terms',
    query: `up${' + up'.repeat(4999)}`,
    instant: perInstance((i) => 5000 * (i + 1), null, [600]),
    range: perInstance((i) => 5000 * (i + 1), null, rangeTs),
  },
  {
    name: '200 nested parentheses',
    query: `${'('.repeat(200)}1${')'.repeat(200)}`,
    instant: ['scalar: 1@600'],
    range: [`{}: ${rangeTs.map((t) => `1@${t}`).join(' ')}`],
  },
  {
    name: '1,000 nested parentheses around a selector',
    query: `${'('.repeat(1000)}up${')'.repeat(1000)}`,
    instant: perInstance((i) => i + 1, 'up', [600]),
    range: perInstance((i) => i + 1, 'up', rangeTs),
  },
  {
    name: 'sum( nested 200 deep',
    query: `${'sum('.repeat(200)}up${')'.repeat(200)}`,
    instant: ['{}: 6@600'],
    range: [`{}: ${rangeTs.map((t) => `6@${t}`).join(' ')}`],
  },
  {
    name: 'sum( nested 1,000 deep',
    query: `${'sum('.repeat(1000)}up${')'.repeat(1000)}`,
    instant: ['{}: 6@600'],
    range: [`{}: ${rangeTs.map((t) => `6@${t}`).join(' ')}`],
  },
  {
    name: '-(-(…(1)…)) 2,000 deep',
    query: `${'-('.repeat(2000)}1${')'.repeat(2000)}`,
    instant: ['scalar: 1@600'],
    range: [`{}: ${rangeTs.map((t) => `1@${t}`).join(' ')}`],
  },
  {
    name: '-(-(…(up)…)) 2,001 deep',
    query: `${'-('.repeat(2001)}up${')'.repeat(2001)}`,
    instant: perInstance((i) => -(i + 1), null, [600]),
    range: perInstance((i) => -(i + 1), null, rangeTs),
  },
  {
    name: '2,000 unary minuses on a selector',
    query: `${'-'.repeat(2000)}up`,
    instant: perInstance((i) => i + 1, null, [600]),
    range: perInstance((i) => i + 1, null, rangeTs),
  },
  {
    name: '2,001 unary minuses on a selector',
    query: `${'-'.repeat(2001)}up`,
    instant: perInstance((i) => -(i + 1), null, [600]),
    range: perInstance((i) => -(i + 1), null, rangeTs),
  },
  {
    name: '2^2^… with 2,000 powers',
    query: `2${'^2'.repeat(2000)}`,
    instant: ['scalar: Infinity@600'],
    range: [`{}: ${rangeTs.map((t) => `Infinity@${t}`).join(' ')}`],
  },
  {
    name: '-(1 + -(1 + … up)) 3,000 deep',
    query: `${'-(1 + '.repeat(3000)}up${')'.repeat(3000)}`,
    // -(1 + x) twice is x again: an even depth gives back up's values, without the name.
    instant: perInstance((i) => i + 1, null, [600]),
    range: perInstance((i) => i + 1, null, rangeTs),
  },
];

// Generous timeouts: these build and evaluate trees of thousands of nodes on a busy machine.
describe('deep expressions through the Engine', { timeout: 60_000 }, () => {
  const engine = new Engine();
  const st = storage();

  it.each(cases)('$name: instant query', async ({ query, instant }) => {
    const res = await engine.newInstantQuery(st, query, 600_000).exec();
    expect(res.err).toBeNull();
    expect(points(res.value)).toEqual(instant);
  });

  it.each(cases)('$name: range query', async ({ query, range }) => {
    const res = await engine.newRangeQuery(st, query, 0, 600_000, 120_000).exec();
    expect(res.err).toBeNull();
    expect(points(res.value)).toEqual(range);
  });
});
