// Prometheus: promql/parser/parse.go (newBinaryExpression, newAggregateExpr, addOffset,
// setTimestamp, newVectorSelector) as helpers of the ohm semantic actions.
import { Matcher, MatchType, MetricName } from '@tsprom/labels';
import type * as ohm from 'ohm-js';
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
import { ctx, fail, failAt, rangeOf } from './parse-context.js';

/** Unary `-`/`+` applied to `e`; folded into a NumberLiteral operand as Prometheus does. */
export function negate(e: Expr, opStart: number, op: string): Expr {
  if (e.type === 'NumberLiteral') {
    return { ...e, val: op === '-' ? -e.val : e.val, posRange: { start: opStart, end: e.posRange.end } };
  }
  return { type: 'UnaryExpr', op: op as '-' | '+', expr: e, posRange: { start: opStart, end: e.posRange.end } };
}

/** Unary sign in a duration expression (folded into literals). */
export function durNegate(e: Expr, opStart: number, op: string): Expr {
  if (e.type === 'NumberLiteral') return negate(e, opStart, op);
  return {
    type: 'DurationExpr',
    op: op as DurationOp,
    lhs: null,
    rhs: e,
    wrapped: false,
    posRange: { start: opStart, end: e.posRange.end },
  };
}

/** Folds `first (op rest)*` of a duration expression into left-associative DurationExprs. */
export function foldDurBinary(first: ohm.Node, ops: ohm.Node, rests: ohm.Node): Expr {
  let lhs = first.ast() as Expr;
  for (let i = 0; i < ops.numChildren; i++) lhs = durBinary(lhs, ops.child(i), rests.child(i));
  return lhs;
}

/** One binary duration operation `lhs op rhs`. */
export function durBinary(lhs: Expr, op: ohm.Node, r: ohm.Node): DurationExpr {
  const rhs = r.ast() as Expr;
  return {
    type: 'DurationExpr',
    op: op.sourceString as DurationOp,
    lhs,
    rhs,
    wrapped: false,
    posRange: { start: lhs.posRange.start, end: rhs.posRange.end },
  };
}

/** What `BinMods` (bool, on/ignoring, group_x, fill) yields. */
export interface Mods {
  returnBool: boolean;
  vm: VectorMatching;
  fillStart: number;
}

/** Folds `first (op mods rest)*` into left-associative BinaryExprs. */
export function foldBinary(first: ohm.Node, ops: ohm.Node, mods: ohm.Node, rests: ohm.Node): Expr {
  let lhs = first.ast() as Expr;
  for (let i = 0; i < ops.numChildren; i++) lhs = binary(lhs, ops.child(i), mods.child(i), rests.child(i));
  return lhs;
}

/** A BinaryExpr from its operands and modifiers (Prometheus newBinaryExpression). */
export function binary(lhs: Expr, opNode: ohm.Node, modsNode: ohm.Node, r: ohm.Node): BinaryExpr {
  const op = opNode.sourceString.toLowerCase() as BinaryOp;
  const mods = modsNode.ast() as Mods;
  const rhs = r.ast() as Expr;
  if (mods.fillStart >= 0 && (op === 'and' || op === 'or' || op === 'unless')) {
    fail(mods.fillStart, modsNode.source.endIdx, `fill modifiers are not supported for set operator "${op}"`);
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
export function durationValue(e: Expr, what: 'range' | 'step' | 'offset'): DurValue {
  if (e.type === 'NumberLiteral') {
    const ms = Math.round(e.val * 1000);
    if (what !== 'offset' && ms <= 0) fail(e.posRange.start, e.posRange.end, 'duration must be greater than 0');
    return { ms, expr: null };
  }
  if (e.type !== 'DurationExpr') throw new Error(`unexpected ${e.type} in duration position`);
  if (!ctx.opts.experimentalDurationExpr) {
    fail(e.posRange.start, e.posRange.end, 'experimental duration expression is not enabled');
  }
  let sec: number | undefined;
  try {
    sec = evalDurationExpr(e, null, null);
  } catch (err) {
    if (!(err instanceof DurationExprError)) throw err;
    return fail(e.posRange.start, e.posRange.end, err.message);
  }
  let ms = 0;
  if (sec !== undefined) {
    if (!Number.isFinite(sec)) fail(e.posRange.start, e.posRange.end, `${what} duration is not a finite number`);
    ms = Math.round(sec * 1000);
    if (what !== 'offset' && ms <= 0) {
      fail(e.posRange.start, e.posRange.end, `${what} duration must be greater than 0`);
    }
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

/** `( durationExpr )`: marks a DurationExpr wrapped; a literal stays a literal. */
export function durParen(l: ohm.Node, e: ohm.Node, r: ohm.Node): Expr {
  const inner = e.ast() as Expr;
  if (inner.type !== 'DurationExpr') return inner;
  return { ...inner, wrapped: true, posRange: { start: l.source.startIdx, end: r.source.endIdx } };
}

/** Applies `anchored`/`smoothed` to a selector (option enableExtendedRangeSelectors). */
export function extended(inner: Expr, kw: ohm.Node, which: 'anchored' | 'smoothed'): Expr {
  if (!ctx.opts.enableExtendedRangeSelectors) {
    failAt(
      kw,
      `${which} modifier is experimental and must be enabled with --enable-feature=promql-extended-range-selectors`,
    );
  }
  const vs = inner.type === 'VectorSelector' ? inner : inner.type === 'MatrixSelector' ? inner.vectorSelector : null;
  if (vs === null) {
    fail(
      inner.posRange.start,
      kw.source.endIdx,
      `${which} modifier can only be used on range or instant vector selectors`,
    );
  }
  if (vs.anchored || vs.smoothed) {
    fail(inner.posRange.start, kw.source.endIdx, 'anchored and smoothed modifiers cannot be used together or repeated');
  }
  if (which === 'anchored') vs.anchored = true;
  else vs.smoothed = true;
  setEnd(inner, kw.source.endIdx);
  return inner;
}

const PARAM_AGGREGATORS = new Set(['topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio']);

/** An AggregateExpr with Prometheus's argument-count checks (newAggregateExpr). */
export function aggregate(self: ohm.Node, opNode: ohm.Node, mod: ohm.Node | null, argsNode: ohm.Node): AggregateExpr {
  const op = opNode.sourceString.toLowerCase() as AggregateOp;
  const pr = rangeOf(self);
  if ((op === 'limitk' || op === 'limit_ratio') && !ctx.opts.enableExperimentalFunctions) {
    fail(
      pr.start,
      pr.end,
      'limitk() and limit_ratio() are experimental and must be enabled with --enable-feature=promql-experimental-functions',
    );
  }
  const m =
    mod === null ? { without: false, labels: [] as string[] } : (mod.ast() as { without: boolean; labels: string[] });
  const args = argsNode.ast() as Expr[];
  if (args.length === 0) fail(pr.start, pr.end, 'no arguments for aggregate expression provided');
  const desired = PARAM_AGGREGATORS.has(op) ? 2 : 1;
  if (args.length !== desired) {
    fail(
      pr.start,
      pr.end,
      `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
    );
  }
  return {
    type: 'AggregateExpr',
    op,
    expr: args[desired - 1] as Expr,
    param: desired === 2 ? (args[0] as Expr) : null,
    grouping: m.labels,
    without: m.without,
    posRange: pr,
  };
}

/** A VectorSelector; a name outside the braces adds a `__name__` matcher last. */
export function vectorSelector(self: ohm.Node, name: string, matchers: Matcher[]): VectorSelector {
  const all = name === '' ? matchers : [...matchers, new Matcher(MatchType.Equal, MetricName, name)];
  return {
    type: 'VectorSelector',
    name,
    labelMatchers: all,
    originalOffset: 0,
    offset: 0,
    offsetExpr: null,
    timestamp: null,
    startOrEnd: null,
    anchored: false,
    smoothed: false,
    posRange: rangeOf(self),
  };
}
