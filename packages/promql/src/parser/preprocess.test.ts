import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { DurationExprError, evalDurationExpr } from './duration-expr.js';
import { parseExpr } from './parser.js';
import { preprocessExpr } from './preprocess.js';
import { exprToString } from './printer.js';

const all = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};

/** Marks step-invariant subtrees with `SI(...)`. */
function show(e: Expr): string {
  switch (e.type) {
    case 'StepInvariantExpr':
      return `SI(${show(e.expr)})`;
    case 'BinaryExpr':
      return `${show(e.lhs)} ${e.op} ${show(e.rhs)}`;
    case 'Call':
      return `${e.func.name}(${e.args.map(show).join(', ')})`;
    case 'AggregateExpr':
      return `${e.op}(${e.param ? `${show(e.param)}, ` : ''}${show(e.expr)})`;
    case 'ParenExpr':
      return `(${show(e.expr)})`;
    case 'SubqueryExpr':
      return `${show(e.expr)}[sq]`;
    default:
      return exprToString(e);
  }
}

describe('preprocessExpr', () => {
  it.each([
    ['foo', 'foo'],
    ['foo @ 10', 'SI(foo @ 10.000)'],
    ['1 + 2', 'SI(1 + 2)'],
    ['foo + 1', 'foo + SI(1)'],
    ['foo @ 10 + bar', 'SI(foo @ 10.000) + bar'],
    ['rate(foo[5m] @ 10)', 'SI(rate(foo[5m] @ 10.000))'],
    ['time()', 'time()'],
    ['timestamp(foo @ 10)', 'timestamp(SI(foo @ 10.000))'],
    ['sum(foo @ 10) * 2', 'SI(sum(foo @ 10.000) * 2)'],
    ['max_over_time(foo[1m:10s] @ 20)', 'SI(max_over_time(foo[sq]))'],
    ['max_over_time((foo @ 20)[1m:10s])', 'max_over_time(SI((foo @ 20.000))[sq])'],
    ['label_replace(foo, "a", "b", "c", "d")', 'label_replace(foo, SI("a"), SI("b"), SI("c"), SI("d"))'],
  ])('%s', (q, want) => {
    expect(show(preprocessExpr(parseExpr(q), 0, 60_000, 15_000))).toBe(want);
  });

  it('resolves @ start() and @ end()', () => {
    const e = preprocessExpr(parseExpr('foo @ start() + max_over_time(bar[5m:] @ end())'), 1000, 9000);
    expect(e.type).toBe('StepInvariantExpr');
    const inner = (e as { expr: Expr }).expr;
    expect(inner).toMatchObject({ lhs: { timestamp: 1000 }, rhs: { args: [{ timestamp: 9000 }] } });
  });

  it('evaluates duration expressions with step() and range()', () => {
    const e = preprocessExpr(parseExpr('count_over_time(x[step() + 1m])', all), 0, 600_000, 30_000);
    expect(e).toMatchObject({ args: [{ range: 90_000 }] });
    const o = preprocessExpr(parseExpr('x offset -range()', all), 0, 600_000, 30_000);
    expect(o).toMatchObject({ originalOffset: -600_000, offset: -600_000 });
    const sq = preprocessExpr(parseExpr('max_over_time(x[range():step()*2])', all), 0, 600_000, 30_000);
    expect(sq).toMatchObject({ args: [{ range: 600_000, step: 60_000 }] });
  });

  it('leaves its input alone: one parse serves queries of other start, end and step', () => {
    const parsed = parseExpr('foo @ start() + max_over_time(bar[step():] @ end()) + count_over_time(x[range()])', all);
    const before = JSON.stringify(parsed);
    const a = preprocessExpr(parsed, 1000, 9000, 1000);
    const b = preprocessExpr(parsed, 5000, 65_000, 30_000);
    expect(JSON.stringify(parsed)).toBe(before);
    expect(show(parsed)).not.toContain('SI(');
    for (const [e, start, end, step, range] of [
      [a, 1000, 9000, 1000, 8000],
      [b, 5000, 65_000, 30_000, 60_000],
    ] as const) {
      expect(e).toMatchObject({
        type: 'BinaryExpr',
        // `foo @ start() + max_over_time(…)` is step invariant as a whole.
        lhs: {
          type: 'StepInvariantExpr',
          expr: { lhs: { timestamp: start }, rhs: { args: [{ type: 'SubqueryExpr', timestamp: end, range: step }] } },
        },
        rhs: { args: [{ range }] },
      });
    }
  });

  it('rejects a non-positive range from a duration expression', () => {
    expect(() => preprocessExpr(parseExpr('count_over_time(x[step()])', all), 0, 0, 0)).toThrow(DurationExprError);
    expect(() => preprocessExpr(parseExpr('count_over_time(x[step()])', all), 0, 0, 0)).toThrow(
      'duration must be greater than 0',
    );
  });

  it('evalDurationExpr computes arithmetic in seconds', () => {
    const e = parseExpr('x[((max_of(min_of((step()+1),((1h))),1ms)))]', all);
    if (e.type !== 'MatrixSelector' || e.rangeExpr === null) throw new Error('expected a range expression');
    expect(evalDurationExpr(e.rangeExpr, 5, 0)).toBe(6);
    expect(evalDurationExpr(e.rangeExpr, null, 0)).toBeUndefined();
    const c = parseExpr('x[2m*(10+5) % 7m ^ 1]', all);
    expect(c).toMatchObject({ range: ((120 * 15) % 420) * 1000 });
  });
});
