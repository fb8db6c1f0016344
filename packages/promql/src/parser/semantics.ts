// Prometheus: promql/parser/generated_parser.y (the semantic actions), for the ohm grammar.
import { Matcher, MatchType, MetricName, RegexSyntaxError } from '@tsprom/labels';
import type {
  Call,
  DurationExpr,
  DurationOp,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorMatchCardinality,
  VectorMatching,
} from './ast.js';
import { getFunction } from './functions.js';
import { promqlGrammar } from './grammar.js';
import { ctx, fail, failAt, numberLiteral, rangeOf, str } from './parse-context.js';
import {
  aggregate,
  binary,
  foldBinary,
  foldDurBinary,
  durParen,
  durBinary,
  durNegate,
  durationValue,
  extended,
  hasAt,
  hasOffset,
  type Mods,
  modifierTarget,
  negate,
  setEnd,
  vectorSelector,
} from './semantics-helpers.js';

/** Go's `%f` (6 decimals) of a float. */
function goFormatF6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(v).toString()}.000000`;
}

/** The ohm semantics of the PromQL grammar; its `ast` operation builds the AST (unchecked). */
export const semantics = promqlGrammar.createSemantics().addOperation('ast', {
  Query(e, _end) {
    return e.ast();
  },
  SeriesSelector(e, _end) {
    return e.ast();
  },
  OrExpr: foldBinary,
  AndExpr: foldBinary,
  CmpExpr: foldBinary,
  AddExpr: foldBinary,
  MulExpr: foldBinary,
  PowExpr_bin(l, op, mods, r) {
    return binary(l.ast() as Expr, op, mods, r);
  },
  PostfixExpr(primary, ops) {
    let e = primary.ast() as Expr;
    for (const op of ops.children) e = op.postfix(e) as Expr;
    return e;
  },
  UnaryExpr_unary(op, e) {
    return negate(e.ast() as Expr, op.source.startIdx, op.sourceString);
  },
  PowRhs_unary(op, e) {
    return negate(e.ast() as Expr, op.source.startIdx, op.sourceString);
  },

  BinMods(boolOpt, onIgnOpt, fillOpt): Mods {
    const vm: VectorMatching = {
      card: 'one-to-one',
      matchingLabels: [],
      on: false,
      include: [],
      fillValues: { lhs: null, rhs: null },
    };
    const onIgn = onIgnOpt.children[0];
    if (onIgn !== undefined) {
      const r = onIgn.ast() as { on: boolean; labels: string[]; card: VectorMatchCardinality; include: string[] };
      vm.on = r.on;
      vm.matchingLabels = r.labels;
      vm.card = r.card;
      vm.include = r.include;
    }
    const fill = fillOpt.children[0];
    if (fill !== undefined) {
      if (!ctx.opts.enableBinopFillModifiers) {
        failAt(
          fill,
          'binop fill modifiers are experimental and must be enabled with --enable-feature=promql-binop-fill-modifiers',
        );
      }
      const fills = fill.ast() as { kind: string; val: number }[];
      const kinds = fills.map((f) => f.kind);
      if (kinds.length === 2 && (kinds.includes('fill') || kinds[0] === kinds[1])) {
        failAt(fill, 'invalid combination of fill modifiers');
      }
      for (const f of fills) {
        if (f.kind !== 'fill_right') vm.fillValues.lhs = f.val;
        if (f.kind !== 'fill_left') vm.fillValues.rhs = f.val;
      }
    }
    return { returnBool: boolOpt.numChildren > 0, vm, fillStart: fill === undefined ? -1 : fill.source.startIdx };
  },
  OnIgnoring(kw, labels, sideOpt) {
    const side = sideOpt.children[0]?.ast() as { card: VectorMatchCardinality; include: string[] } | undefined;
    return {
      on: kw.sourceString.toLowerCase() === 'on',
      labels: labels.ast(),
      card: side?.card ?? 'one-to-one',
      include: side?.include ?? [],
    };
  },
  GroupSide(kw, labelsOpt) {
    return {
      card: kw.sourceString.toLowerCase() === 'group_left' ? 'many-to-one' : 'one-to-many',
      include: labelsOpt.children[0]?.ast() ?? [],
    };
  },
  FillMods(a, bOpt) {
    const out = [a.ast()];
    const b = bOpt.children[0];
    if (b !== undefined) out.push(b.ast());
    return out;
  },
  FillMod(kw, _lp, signOpt, num, _rp) {
    let val = numberLiteral(num).val;
    if (signOpt.sourceString === '-') val = -val;
    return { kind: kw.sourceString.toLowerCase(), val };
  },
  GroupingLabels_empty(_lp, _rp) {
    return [];
  },
  GroupingLabels_list(_lp, list, _comma, _rp) {
    return list.asIteration().children.map((c) => c.ast());
  },
  GroupLabel_ident(n) {
    return n.sourceString;
  },
  GroupLabel_str(n) {
    return str(n);
  },

  OffsetVal(signOpt, atom) {
    const e = atom.ast() as Expr;
    const sign = signOpt.children[0];
    if (sign === undefined) return e;
    return durNegate(e, sign.source.startIdx, sign.sourceString);
  },
  OffsetAtom_paren(_l, e, _r) {
    return durParen(_l, e, _r);
  },
  OffsetAtom_lit(n) {
    return numberLiteral(n);
  },
  AtVal_preproc(kw, _l, _r) {
    return { seconds: null, startOrEnd: kw.sourceString.toLowerCase() };
  },
  AtVal_num(signOpt, num) {
    let v = numberLiteral(num).val;
    if (signOpt.sourceString === '-') v = -v;
    return { seconds: v, startOrEnd: null };
  },
  DurAdd: foldDurBinary,
  DurMul: foldDurBinary,
  DurPow_bin(l, op, r) {
    return durBinary(l.ast() as Expr, op, r);
  },
  DurUnary_unary(op, e) {
    return durNegate(e.ast() as Expr, op.source.startIdx, op.sourceString);
  },
  DurPowRhs_unary(op, e) {
    return durNegate(e.ast() as Expr, op.source.startIdx, op.sourceString);
  },
  DurPrim_paren: durParen,
  DurPrim_lit(n) {
    return numberLiteral(n);
  },
  DurCall_step(kw, _l, r): DurationExpr {
    return {
      type: 'DurationExpr',
      op: 'step',
      lhs: null,
      rhs: null,
      wrapped: false,
      posRange: { start: kw.source.startIdx, end: r.source.endIdx },
    };
  },
  DurCall_range(kw, _l, r): DurationExpr {
    return {
      type: 'DurationExpr',
      op: 'range',
      lhs: null,
      rhs: null,
      wrapped: false,
      posRange: { start: kw.source.startIdx, end: r.source.endIdx },
    };
  },
  DurCall_minmax(kw, _l, a, _c, b, r): DurationExpr {
    return {
      type: 'DurationExpr',
      op: kw.sourceString.toLowerCase() as DurationOp,
      lhs: a.ast(),
      rhs: b.ast(),
      wrapped: false,
      posRange: { start: kw.source.startIdx, end: r.source.endIdx },
    };
  },

  Primary_paren(l, e, r) {
    return { type: 'ParenExpr', expr: e.ast(), posRange: { start: l.source.startIdx, end: r.source.endIdx } };
  },
  Primary_num(n) {
    return numberLiteral(n);
  },
  Primary_str(n) {
    return { type: 'StringLiteral', val: str(n), posRange: rangeOf(n) };
  },

  AggregateExpr_pre(op, mod, args) {
    return aggregate(this, op, mod, args);
  },
  AggregateExpr_post(op, args, mod) {
    return aggregate(this, op, mod, args);
  },
  AggregateExpr_plain(op, args) {
    return aggregate(this, op, null, args);
  },
  AggrMod(kw, labels) {
    return { without: kw.sourceString.toLowerCase() === 'without', labels: labels.ast() };
  },
  FunctionCall(name, args): Call {
    const fn = getFunction(name.sourceString);
    if (fn === undefined) failAt(name, `unknown function with name ${JSON.stringify(name.sourceString)}`);
    if (fn.experimental && !ctx.opts.enableExperimentalFunctions) {
      failAt(name, `function ${JSON.stringify(fn.name)} is not enabled`);
    }
    return { type: 'Call', func: fn, args: args.ast(), posRange: rangeOf(this) };
  },
  FuncArgs_empty(_l, _r) {
    return [];
  },
  FuncArgs_list(_l, list, comma, _r) {
    const trailing = comma.children[0];
    if (trailing !== undefined) failAt(trailing, 'trailing commas not allowed in function call args');
    return list.asIteration().children.map((c) => c.ast());
  },

  VectorSelector_full(name, matchers) {
    return vectorSelector(this, name.sourceString, matchers.ast());
  },
  VectorSelector_name(name) {
    return vectorSelector(this, name.sourceString, []);
  },
  VectorSelector_bare(matchers) {
    return vectorSelector(this, '', matchers.ast());
  },
  LabelMatchers_empty(_l, _r) {
    return [];
  },
  LabelMatchers_list(_l, list, _c, _r) {
    return list.asIteration().children.map((c) => c.ast());
  },
  LabelMatcher_full(nameNode, op, value) {
    const name = nameNode.ast() as string;
    const type = { '=': MatchType.Equal, '!=': MatchType.NotEqual, '=~': MatchType.Regexp, '!~': MatchType.NotRegexp }[
      op.sourceString as '=' | '!=' | '=~' | '!~'
    ];
    const v = str(value);
    try {
      return new Matcher(type, name, v);
    } catch (err) {
      if (!(err instanceof RegexSyntaxError)) throw err;
      // Go prints the whole expression as compiled, anchored the way Prometheus 3 anchors it.
      const whole = `\`${v}\``;
      const msg = err.message.endsWith(whole) ? `${err.message.slice(0, -whole.length)}\`^(?s:${v})$\`` : err.message;
      return failAt(this, msg);
    }
  },
  LabelMatcher_name(value) {
    return new Matcher(MatchType.Equal, MetricName, str(value));
  },
  MatcherName_ident(n) {
    return n.sourceString;
  },
  MatcherName_str(n) {
    return str(n);
  },
});

// Applies one postfix modifier (`[range]`, `[range:step]`, `offset`, `@`, `anchored`, `smoothed`)
// to the expression built so far.
semantics.addOperation('postfix(inner)', {
  PostfixOp_subquery(_lb, rangeNode, _colon, stepOpt, rb) {
    const inner = this.args.inner as Expr;
    const range = durationValue(rangeNode.ast() as Expr, 'range');
    const stepNode = stepOpt.children[0];
    const step = stepNode === undefined ? { ms: 0, expr: null } : durationValue(stepNode.ast() as Expr, 'step');
    const sq: SubqueryExpr = {
      type: 'SubqueryExpr',
      expr: inner,
      range: range.ms,
      rangeExpr: range.expr,
      originalOffset: 0,
      offset: 0,
      offsetExpr: null,
      timestamp: null,
      startOrEnd: null,
      step: step.ms,
      stepExpr: step.expr,
      posRange: { start: inner.posRange.start, end: rb.source.endIdx },
    };
    return sq;
  },
  PostfixOp_range(lb, rangeNode, rb) {
    const inner = this.args.inner as Expr;
    if (inner.type !== 'VectorSelector') {
      fail(lb.source.startIdx, rb.source.endIdx, 'ranges only allowed for vector selectors');
    }
    if (hasOffset(inner)) fail(lb.source.startIdx, rb.source.endIdx, 'no offset modifiers allowed before range');
    if (hasAt(inner)) fail(lb.source.startIdx, rb.source.endIdx, 'no @ modifiers allowed before range');
    const range = durationValue(rangeNode.ast() as Expr, 'range');
    const ms: MatrixSelector = {
      type: 'MatrixSelector',
      vectorSelector: inner,
      range: range.ms,
      rangeExpr: range.expr,
      posRange: { start: inner.posRange.start, end: rb.source.endIdx },
    };
    return ms;
  },
  PostfixOp_offset(_kw, val) {
    const inner = this.args.inner as Expr;
    const target = modifierTarget(inner);
    if (target === null) {
      fail(
        inner.posRange.start,
        inner.posRange.end,
        'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
    }
    if (hasOffset(target)) fail(inner.posRange.start, inner.posRange.end, 'offset may not be set multiple times');
    const d = durationValue(val.ast() as Expr, 'offset');
    target.originalOffset = d.ms;
    target.offset = d.ms;
    target.offsetExpr = d.expr;
    setEnd(inner, val.source.endIdx);
    return inner;
  },
  PostfixOp_at(_at, val) {
    const inner = this.args.inner as Expr;
    const target = modifierTarget(inner);
    if (target === null) {
      fail(
        inner.posRange.start,
        inner.posRange.end,
        '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
    }
    if (hasAt(target)) fail(inner.posRange.start, inner.posRange.end, '@ <timestamp> may not be set multiple times');
    const v = val.ast() as { seconds: number | null; startOrEnd: 'start' | 'end' | null };
    if (v.seconds !== null && (!Number.isFinite(v.seconds) || Math.abs(v.seconds) >= 9.223372036854776e18)) {
      fail(inner.posRange.start, val.source.endIdx, `timestamp out of bounds for @ modifier: ${goFormatF6(v.seconds)}`);
    }
    target.timestamp = v.seconds === null ? null : Math.round(v.seconds * 1000);
    target.startOrEnd = v.startOrEnd;
    setEnd(inner, val.source.endIdx);
    return inner;
  },
  PostfixOp_anchored(kw) {
    return extended(this.args.inner as Expr, kw, 'anchored');
  },
  PostfixOp_smoothed(kw) {
    return extended(this.args.inner as Expr, kw, 'smoothed');
  },
});
