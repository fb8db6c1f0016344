// Prometheus: promql/parser/generated_parser.y (bin_modifier, on_or_ignoring, group_modifiers,
// offset_expr, step_invariant_expr, matrix_selector, subquery_expr) and parse.go (addOffset,
// setTimestamp).
import type { Expr, MatrixSelector, SubqueryExpr, VectorMatching } from './ast.js';
import {
  durationValue,
  durNegate,
  extended,
  hasAt,
  hasOffset,
  type Mods,
  modifierTarget,
  setEnd,
} from './ast-builders.js';
import { parseDurationExpr } from './duration-parser.js';
import type { ParseState } from './parse-state.js';
import { groupingLabels, groupingLabelValues } from './selector-parser.js';
import { Ch } from './scanner.js';

/** Go's `%f` (6 decimals) of a float. */
function goFormatF6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(v).toString()}.000000`;
}

interface FillMod {
  kind: 'fill' | 'fill_left' | 'fill_right';
  negative: boolean;
  numStart: number;
  numEnd: number;
  duration: boolean;
}

// `fill(v)`, `fill_left(v)` or `fill_right(v)` at `pos`, or null (pos unchanged).
function fillMod(s: ParseState): FillMod | null {
  const save = s.pos;
  let kind: FillMod['kind'];
  if (s.kw('fill_left')) kind = 'fill_left';
  else if (s.kw('fill_right')) kind = 'fill_right';
  else if (s.kw('fill')) kind = 'fill';
  else return null;
  s.skip();
  if (!s.eat(Ch.lparen)) {
    s.pos = save;
    return null;
  }
  const sp = s.skip();
  const sign = s.code(sp);
  const negative = sign === Ch.minus;
  if (negative || sign === Ch.plus) s.pos = sp + 1;
  else s.fail(sp);
  const numStart = s.skip();
  const d = s.number();
  if (d < 0) {
    s.pos = save;
    return null;
  }
  const numEnd = s.pos;
  s.skip();
  if (!s.eat(Ch.rparen)) {
    s.pos = save;
    return null;
  }
  return { kind, negative, numStart, numEnd, duration: d === 1 };
}

/**
 * The modifiers after a binary operator, at `pos`: `bool`, `on (…)`/`ignoring (…)` with
 * `group_left (…)`/`group_right (…)`, and the fill modifiers.
 */
export function binMods(s: ParseState): Mods {
  const vm: VectorMatching = {
    card: 'one-to-one',
    matchingLabels: [],
    on: false,
    include: [],
    fillValues: { lhs: null, rhs: null },
  };
  s.skip();
  const returnBool = s.kw('bool');
  s.skip();
  const on = s.kw('on');
  if (on || s.kw('ignoring')) {
    const labels = groupingLabels(s);
    if (labels === null) s.syntax();
    s.skip();
    let include: number[] | null = null;
    if (s.kw('group_left')) {
      vm.card = 'many-to-one';
      include = groupingLabels(s) ?? [];
    } else if (s.kw('group_right')) {
      vm.card = 'one-to-many';
      include = groupingLabels(s) ?? [];
    }
    vm.on = on;
    vm.matchingLabels = groupingLabelValues(s, labels);
    if (include !== null) vm.include = groupingLabelValues(s, include);
  }
  const fillStart = s.skip();
  const first = fillMod(s);
  if (first === null) return { returnBool, vm, fillStart: -1, fillEnd: -1 };
  const fills = [first];
  let fillEnd = s.pos;
  s.skip();
  const second = fillMod(s);
  if (second === null) s.pos = fillEnd;
  else {
    fills.push(second);
    fillEnd = s.pos;
  }
  if (!s.opts.enableBinopFillModifiers) {
    s.semFail(
      fillStart,
      fillEnd,
      'binop fill modifiers are experimental and must be enabled with --enable-feature=promql-binop-fill-modifiers',
    );
  }
  const values: number[] = [];
  for (const f of fills) {
    const v = s.numberLiteral(f.numStart, f.numEnd, f.duration).val;
    values.push(f.negative ? -v : v);
  }
  if (second !== null && (first.kind === 'fill' || second.kind === 'fill' || first.kind === second.kind)) {
    s.semFail(fillStart, fillEnd, 'invalid combination of fill modifiers');
  }
  for (let i = 0; i < fills.length; i++) {
    const kind = (fills[i] as FillMod).kind;
    const v = values[i] as number;
    if (kind !== 'fill_right') vm.fillValues.lhs = v;
    if (kind !== 'fill_left') vm.fillValues.rhs = v;
  }
  return { returnBool, vm, fillStart, fillEnd };
}

/**
 * Applies the postfix modifiers after a primary expression (`[5m]`, `[1h:1m]`, `offset 5m`,
 * `@ 1000`, `anchored`, `smoothed`), in the order written.
 */
export function postfixOps(s: ParseState, primary: Expr): Expr {
  let e = primary;
  for (;;) {
    const p = s.skip();
    if (s.code(p) === Ch.lbracket) e = rangeOrSubquery(s, e);
    else if (s.kw('offset')) e = offset(s, e);
    else if (s.eat(Ch.at)) e = at(s, e);
    else if (s.kw('anchored')) e = extended(s, e, p, s.pos, 'anchored');
    else if (s.kw('smoothed')) e = extended(s, e, p, s.pos, 'smoothed');
    else return e;
  }
}

// `[range]` or `[range:step]` at `pos` (a `[`).
function rangeOrSubquery(s: ParseState, inner: Expr): Expr {
  const lb = s.pos++;
  // The checks of a range come before errors inside its duration.
  const rangeChecks = s.reserve();
  const range = parseDurationExpr(s, false);
  s.skip();
  if (s.eat(Ch.colon)) {
    const r = durationValue(s, range, 'range');
    const q = s.skip();
    let stepExpr: Expr | null = null;
    if (s.code(q) === Ch.rbracket) s.fail(q);
    else stepExpr = parseDurationExpr(s, false);
    s.expect(Ch.rbracket);
    const step = stepExpr === null ? { ms: 0, expr: null } : durationValue(s, stepExpr, 'step');
    const sq: SubqueryExpr = {
      type: 'SubqueryExpr',
      expr: inner,
      range: r.ms,
      rangeExpr: r.expr,
      originalOffset: 0,
      offset: 0,
      offsetExpr: null,
      timestamp: null,
      startOrEnd: null,
      step: step.ms,
      stepExpr: step.expr,
      posRange: { start: inner.posRange.start, end: s.pos },
    };
    return sq;
  }
  s.expect(Ch.rbracket);
  const rb = s.pos;
  if (inner.type !== 'VectorSelector') {
    s.semFail(lb, rb, 'ranges only allowed for vector selectors', rangeChecks);
    return inner;
  }
  if (hasOffset(inner)) {
    s.semFail(lb, rb, 'no offset modifiers allowed before range', rangeChecks);
    return inner;
  }
  if (hasAt(inner)) {
    s.semFail(lb, rb, 'no @ modifiers allowed before range', rangeChecks);
    return inner;
  }
  const r = durationValue(s, range, 'range');
  const ms: MatrixSelector = {
    type: 'MatrixSelector',
    vectorSelector: inner,
    range: r.ms,
    rangeExpr: r.expr,
    posRange: { start: inner.posRange.start, end: rb },
  };
  return ms;
}

// `offset [+-]duration` after the keyword.
function offset(s: ParseState, inner: Expr): Expr {
  const target = modifierTarget(inner);
  const { start, end } = inner.posRange;
  if (target === null) {
    s.semFail(
      start,
      end,
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
  } else if (hasOffset(target)) {
    s.semFail(start, end, 'offset may not be set multiple times');
  }
  const sp = s.skip();
  const sign = s.code(sp);
  if (sign === Ch.plus || sign === Ch.minus) s.pos = sp + 1;
  else s.fail(sp);
  let val = parseDurationExpr(s, true);
  if (sign === Ch.plus || sign === Ch.minus) val = durNegate(val, sp, sign === Ch.plus ? '+' : '-');
  const valEnd = s.pos;
  const d = durationValue(s, val, 'offset');
  if (target !== null) {
    target.originalOffset = d.ms;
    target.offset = d.ms;
    target.offsetExpr = d.expr;
  }
  setEnd(inner, valEnd);
  return inner;
}

// `@ timestamp`, `@ start()` or `@ end()` after the `@`.
function at(s: ParseState, inner: Expr): Expr {
  const target = modifierTarget(inner);
  const { start, end } = inner.posRange;
  if (target === null) {
    s.semFail(
      start,
      end,
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
  } else if (hasAt(target)) {
    s.semFail(start, end, '@ <timestamp> may not be set multiple times');
  }
  const p = s.skip();
  let seconds: number | null = null;
  let startOrEnd: 'start' | 'end' | null = null;
  if (s.kw('start') || s.kw('end')) {
    startOrEnd = s.input.slice(p, s.pos).toLowerCase() as 'start' | 'end';
    s.expect(Ch.lparen);
    s.expect(Ch.rparen);
  } else {
    const sign = s.code(p);
    if (sign === Ch.plus || sign === Ch.minus) s.pos = p + 1;
    else s.fail(p);
    const numStart = s.skip();
    const d = s.number();
    if (d < 0) s.syntax();
    seconds = s.numberLiteral(numStart, s.pos, d === 1).val;
    if (sign === Ch.minus) seconds = -seconds;
  }
  const valEnd = s.pos;
  if (seconds !== null && (!Number.isFinite(seconds) || Math.abs(seconds) >= 9.223372036854776e18)) {
    s.semFail(start, valEnd, `timestamp out of bounds for @ modifier: ${goFormatF6(seconds)}`);
  }
  if (target !== null) {
    target.timestamp = seconds === null ? null : Math.round(seconds * 1000);
    target.startOrEnd = startOrEnd;
  }
  setEnd(inner, valEnd);
  return inner;
}
