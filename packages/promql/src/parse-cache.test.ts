import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { ParseCache } from './parse-cache.js';
import type { Expr } from './parser/ast.js';
import { ParseErrors } from './parser/errors.js';
import { exprToString } from './parser/printer.js';
import { inspect } from './parser/walk.js';
import { TestStorage } from './storage/test-storage.js';
import type { Result } from './value.js';

describe('ParseCache', () => {
  it('returns the same AST for the same text and options, another for other options', () => {
    const cache = new ParseCache();
    const a = cache.parse('sum(rate(x[5m]))');
    expect(cache.parse('sum(rate(x[5m]))')).toBe(a);
    expect(cache.parse('sum(rate(x[5m]))', { enableExperimentalFunctions: true })).not.toBe(a);
    expect(cache.size).toBe(2);
    // The options are part of the key: what fails without them parses with them.
    expect(() => cache.parse('limitk(1, x)')).toThrow(ParseErrors);
    expect(exprToString(cache.parse('limitk(1, x)', { enableExperimentalFunctions: true }))).toBe('limitk(1, x)');
    expect(() => cache.parse('limitk(1, x)')).toThrow(/experimental/);
  });

  it('does not cache queries that fail to parse', () => {
    const cache = new ParseCache();
    expect(() => cache.parse('sum(')).toThrow(ParseErrors);
    expect(() => cache.parse('sum(')).toThrow('1:5: parse error: unclosed left parenthesis');
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used query beyond maxEntries', () => {
    const cache = new ParseCache({ maxEntries: 2 });
    const a = cache.parse('a');
    const b = cache.parse('b');
    expect(cache.parse('a')).toBe(a); // `b` is now the least recently used.
    cache.parse('c');
    expect(cache.size).toBe(2);
    expect(cache.parse('a')).toBe(a);
    expect(cache.parse('b')).not.toBe(b);
  });

  it('keeps at most maxTotalLength characters of queries', () => {
    const cache = new ParseCache({ maxTotalLength: 40 });
    const long = `x{a="${'v'.repeat(30)}"}`;
    const l = cache.parse(long);
    expect(cache.parse(long)).toBe(l);
    cache.parse('y{b="12345678"}');
    // Both no longer fit: the older one went.
    expect(cache.size).toBe(1);
    expect(cache.parse(long)).not.toBe(l);
    // A query longer than the whole budget is parsed but not kept.
    const huge = `x{a="${'v'.repeat(50)}"}`;
    expect(cache.parse(huge)).not.toBe(cache.parse(huge));
  });
});

function storageWithRamp(): TestStorage {
  const storage = new TestStorage();
  // m = t in seconds, every 10 s.
  for (let t = 0; t <= 600_000; t += 10_000) storage.append(Labels.fromStrings('__name__', 'm'), t, t / 1000);
  return storage;
}

// The `@` times and ranges a prepared query resolved.
function resolved(e: Expr): { timestamps: (number | null)[]; ranges: number[] } {
  const out = { timestamps: [] as (number | null)[], ranges: [] as number[] };
  inspect(e, (n) => {
    if (n.type === 'VectorSelector') out.timestamps.push(n.timestamp);
    if (n.type === 'MatrixSelector') out.ranges.push(n.range);
    return true;
  });
  return out;
}

function points(r: Result): [number, number][] {
  expect(r.err).toBeNull();
  if (r.value?.type !== 'matrix') throw new Error(`matrix expected, got ${r.value?.type}`);
  return r.value.matrix.flatMap((s) => s.floats().map((p): [number, number] => [p.t, p.f]));
}

describe('Engine parse cache', () => {
  it('gives the same result when the same query text is run again', async () => {
    const storage = storageWithRamp();
    const engine = new Engine();
    const q = 'sum(rate(m[1m])) * 2 + m';
    const first = points(await engine.newRangeQuery(storage, q, 60_000, 300_000, 30_000).exec());
    const again = points(await engine.newRangeQuery(storage, q, 60_000, 300_000, 30_000).exec());
    expect(again).toEqual(first);
    expect(first).toHaveLength(9);
  });

  it('prepares one cached parse for queries with other start, end and step without interference', async () => {
    const storage = storageWithRamp();
    const engine = new Engine({ experimentalDurationExpr: true });
    // `@ start()`, `@ end()` and `step()` are resolved per query, on a copy of the cached AST.
    const q = 'm @ start() + m @ end() + count_over_time(m[step()])';
    const a = engine.newRangeQuery(storage, q, 100_000, 200_000, 50_000);
    const b = engine.newRangeQuery(storage, q, 300_000, 400_000, 100_000);
    expect(resolved(a.expr)).toEqual({ timestamps: [100_000, 200_000, null], ranges: [50_000] });
    expect(resolved(b.expr)).toEqual({ timestamps: [300_000, 400_000, null], ranges: [100_000] });
    // Run them interleaved, the second prepared before the first runs.
    const [ra, rb] = await Promise.all([a.exec(), b.exec()]);
    // 100 + 200 + 5 samples in (t-50s, t].
    expect(points(ra)).toEqual([
      [100_000, 305],
      [150_000, 305],
      [200_000, 305],
    ]);
    // 300 + 400 + 10 samples in (t-100s, t].
    expect(points(rb)).toEqual([
      [300_000, 710],
      [400_000, 710],
    ]);
    const c = engine.newRangeQuery(storage, q, 100_000, 200_000, 50_000);
    expect(resolved(c.expr)).toEqual(resolved(a.expr));
    expect(resolved(a.expr)).toEqual({ timestamps: [100_000, 200_000, null], ranges: [50_000] });
    expect(points(await c.exec())).toEqual(points(ra));
  });
});
