// Prometheus: promql/parser/parse.go (newBinaryExpression, newAggregateExpr, addOffset,
// setTimestamp, newVectorSelector) and generated_parser.y (the semantic actions).
import { Matcher, MatchType, MetricName } from '@tsprom/labels';
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  DurationExpr,
  DurationOp,
  Expr,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { DurationExprError, evalDurationExpr } from './duration-expr.js';
import type { ParseState } from './parse-state.js';

/** Unary `-`/`+` applied to `e`; folded into a NumberLiteral operand as Prometheus does. */
export function negate(e: Expr, opStart: number, op: '+' | '-'): Expr {
  if (e.type === 'NumberLiteral') {
    const posRange = { start: opStart, end: e.posRange.end };
    return { type: 'NumberLiteral', val: op === '-' ? -e.val : e.val, duration: e.duration, posRange };
  }
  return { type: 'UnaryExpr', op, expr: e, posRange: { start: opStart, end: e.posRange.end } };
}

/** Unary sign in a duration expression (folded into literals). */
export function durNegate(e: Expr, opStart: number, op: '+' | '-'): Expr {
  if (e.type === 'NumberLiteral') return negate(e, opStart, op);
  return {
    type: 'DurationExpr',
    op,
    lhs: null,
    rhs: e,
    wrapped: false,
    posRange: { start: opStart, end: e.posRange.end },
  };
}

/** One binary duration operation `lhs op rhs`. */
export function durBinary(lhs: Expr, op: DurationOp, rhs: Expr): DurationExpr {
  return {
    type: 'DurationExpr',
    op,
    lhs,
    rhs,
    wrapped: false,
    posRange: { start: lhs.posRange.start, end: rhs.posRange.end },
  };
}

/** `( durationExpr )`: marks a DurationExpr wrapped; a literal stays a literal. */
export function durParen(start: number, inner: Expr, end: number): Expr {
  if (inner.type !== 'DurationExpr') return inner;
  return { ...inner, wrapped: true, posRange: { start, end } };
}

/** The modifiers of a binary operator: `bool`, `on`/`ignoring`, `group_x`, `fill`. */
export interface Mods {
  returnBool: boolean;
  vm: VectorMatching;
  /** Range of the fill modifiers; start -1 when there are none. */
  fillStart: number;
  fillEnd: number;
}

/** A BinaryExpr from its operands and modifiers (Prometheus newBinaryExpression). */
export function binary(s: ParseState, lhs: Expr, op: BinaryOp, mods: Mods, rhs: Expr): BinaryExpr {
  if (mods.fillStart >= 0 && (op === 'and' || op === 'or' || op === 'unless')) {
    s.semFail(mods.fillStart, mods.fillEnd, `fill modifiers are not supported for set operator "${op}"`);
  }
  return {
    type: 'BinaryExpr',
    op,
    lhs,
    rhs,
    vectorMatching: mods.vm,
    returnBool: mods.returnBool,
    posRange: { start: lhs.posRange.start, end: rhs.posRange.end },
  };
}

/** A parsed range/step/offset value: either a literal (ms) or a duration expression. */
export interface DurValue {
  ms: number;
  expr: DurationExpr | null;
}

/**
 * Reads a range/step/offset: a literal gives ms directly; a duration expression needs the
 * experimental option and is evaluated now when constant (ranges and steps must be > 0).
 */
export function durationValue(s: ParseState, e: Expr, what: 'range' | 'step' | 'offset'): DurValue {
  const { start, end } = e.posRange;
  if (e.type === 'NumberLiteral') {
    const ms = Math.round(e.val * 1000);
    if (what !== 'offset' && ms <= 0) s.semFail(start, end, 'duration must be greater than 0');
    return { ms, expr: null };
  }
  if (e.type !== 'DurationExpr') throw new Error(`unexpected ${e.type} in duration position`);
  if (!s.opts.experimentalDurationExpr) {
    s.semFail(start, end, 'experimental duration expression is not enabled');
    return { ms: 0, expr: e };
  }
  let sec: number | undefined;
  try {
    sec = evalDurationExpr(e, null, null);
  } catch (err) {
    if (!(err instanceof DurationExprError)) throw err;
    s.semFail(start, end, err.message);
    return { ms: 0, expr: e };
  }
  let ms = 0;
  if (sec !== undefined) {
    if (!Number.isFinite(sec)) s.semFail(start, end, `${what} duration is not a finite number`);
    ms = Math.round(sec * 1000);
    if (what !== 'offset' && ms <= 0) s.semFail(start, end, `${what} duration must be greater than 0`);
  }
  return { ms, expr: e };
}

/** Whether an offset (literal or expression) was already set. */
export function hasOffset(x: VectorSelector | SubqueryExpr): boolean {
  return x.originalOffset !== 0 || x.offsetExpr !== null;
}
/** Whether an `@` (timestamp or start()/end()) was already set. */
export function hasAt(x: VectorSelector | SubqueryExpr): boolean {
  return x.timestamp !== null || x.startOrEnd !== null;
}

/** The VectorSelector or SubqueryExpr that an `offset`/`@` after `e` applies to. */
export function modifierTarget(e: Expr): VectorSelector | SubqueryExpr | null {
  if (e.type === 'VectorSelector' || e.type === 'SubqueryExpr') return e;
  if (e.type === 'MatrixSelector') return e.vectorSelector;
  return null;
}

/** Extends a node's range to `end` (after a postfix modifier). */
export function setEnd(e: Expr, end: number): void {
  e.posRange = { start: e.posRange.start, end };
}

/** Applies `anchored`/`smoothed` (the keyword at [kwStart, kwEnd)) to a selector. */
export function extended(
  s: ParseState,
  inner: Expr,
  kwStart: number,
  kwEnd: number,
  which: 'anchored' | 'smoothed',
): Expr {
  if (!s.opts.enableExtendedRangeSelectors) {
    s.semFail(
      kwStart,
      kwEnd,
      `${which} modifier is experimental and must be enabled with --enable-feature=promql-extended-range-selectors`,
    );
    return inner;
  }
  const vs = inner.type === 'VectorSelector' ? inner : inner.type === 'MatrixSelector' ? inner.vectorSelector : null;
  if (vs === null) {
    s.semFail(inner.posRange.start, kwEnd, `${which} modifier can only be used on range or instant vector selectors`);
    return inner;
  }
  if (vs.anchored || vs.smoothed) {
    s.semFail(inner.posRange.start, kwEnd, 'anchored and smoothed modifiers cannot be used together or repeated');
    return inner;
  }
  if (which === 'anchored') vs.anchored = true;
  else vs.smoothed = true;
  setEnd(inner, kwEnd);
  return inner;
}

const PARAM_AGGREGATORS = new Set(['topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio']);

/** What an aggregation was written with: its operator, grouping and arguments. */
export interface AggregateParts {
  op: AggregateOp;
  start: number;
  end: number;
  without: boolean;
  grouping: string[];
  args: Expr[];
  /** Place of the `limitk` check in the error order (before the grouping and arguments). */
  limitSlot: number;
}

/** An AggregateExpr with Prometheus's argument-count checks (newAggregateExpr). */
export function aggregate(s: ParseState, a: AggregateParts): AggregateExpr {
  const { op, start, end, args } = a;
  if ((op === 'limitk' || op === 'limit_ratio') && !s.opts.enableExperimentalFunctions) {
    s.semFail(
      start,
      end,
      'limitk() and limit_ratio() are experimental and must be enabled with --enable-feature=promql-experimental-functions',
      a.limitSlot,
    );
  }
  const desired = PARAM_AGGREGATORS.has(op) ? 2 : 1;
  if (args.length === 0) s.semFail(start, end, 'no arguments for aggregate expression provided');
  else if (args.length !== desired) {
    s.semFail(
      start,
      end,
      `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
    );
  }
  const posRange = { start, end };
  return {
    type: 'AggregateExpr',
    op,
    expr: args[desired - 1] ?? { type: 'NumberLiteral', val: 0, duration: false, posRange },
    param: desired === 2 ? (args[0] ?? null) : null,
    grouping: a.grouping,
    without: a.without,
    posRange,
  };
}

/** A VectorSelector; a name outside the braces adds a `__name__` matcher last. */
export function vectorSelector(name: string, matchers: Matcher[], start: number, end: number): VectorSelector {
  if (name !== '') matchers.push(new Matcher(MatchType.Equal, MetricName, name));
  return {
    type: 'VectorSelector',
    name,
    labelMatchers: matchers,
    originalOffset: 0,
    offset: 0,
    offsetExpr: null,
    timestamp: null,
    startOrEnd: null,
    anchored: false,
    smoothed: false,
    posRange: { start, end },
  };
}
