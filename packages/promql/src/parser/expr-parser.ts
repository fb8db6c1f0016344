// Prometheus: promql/parser/generated_parser.y (expr and its productions), as an operator-precedence
// parser with an explicit stack.
//
// Nothing here recurses per nesting level: open parentheses, calls, aggregations and pending
// operators are frames on an array, so `((((…))))` 100,000 deep or `2^2^…` or `- - - … x` parse
// in memory proportional to the depth, with no call-stack limit. Precedence, lowest first: `or`;
// `and` `unless`; comparisons; `+ -`; `* / % atan2 </ >/`; unary `+ -`; `^` (right-associative);
// then the postfix modifiers (`[range]`, `[range:step]`, `offset`, `@`, `anchored`, `smoothed`).
import type { AggregateOp, BinaryOp, Call, Expr, FunctionDef } from './ast.js';
import { aggregate, binary, type Mods, negate } from './ast-builders.js';
import { getFunction } from './functions.js';
import { binMods, postfixOps } from './modifier-parser.js';
import type { ParseState } from './parse-state.js';
import { Ch, isDigit, isIdentStart } from './scanner.js';
import { bareSelector, groupingLabels, groupingLabelValues, isReservedWord, namedSelector } from './selector-parser.js';

const BIN = 0;
const UNARY = 1;
const PAREN = 2;
const CALL = 3;
const AGG = 4;

/** A binary operator waiting for its right-hand side. */
interface BinFrame {
  kind: typeof BIN;
  op: BinaryOp;
  prec: number;
  lhs: Expr;
  mods: Mods;
}
/** A unary sign waiting for its operand. */
interface UnaryFrame {
  kind: typeof UNARY;
  op: '+' | '-';
  start: number;
}
/** An open parenthesis. */
interface ParenFrame {
  kind: typeof PAREN;
  start: number;
}
/** A function call whose arguments are being parsed. */
interface CallFrame {
  kind: typeof CALL;
  func: FunctionDef;
  start: number;
  args: Expr[];
  trailingSlot: number;
}
/** An aggregation whose arguments are being parsed. */
interface AggFrame {
  kind: typeof AGG;
  op: AggregateOp;
  start: number;
  /** The grouping written before the arguments (`sum by (a) (x)`), or null. */
  pre: { without: boolean; grouping: string[] } | null;
  args: Expr[];
  limitSlot: number;
  modSlot: number;
  trailingSlot: number;
}
type Frame = BinFrame | UnaryFrame | ParenFrame | CallFrame | AggFrame;

const UNARY_PREC = 6;
const PREC: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '</': 5,
  '>/': 5,
  '^': 7,
};

/** The aggregation operators, in the order they are tried (`count_values` before `count`). */
const AGGREGATORS: readonly AggregateOp[] = [
  'count_values',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'limitk',
  'limit_ratio',
];
const SET_KEYWORDS = ['and', 'unless'] as const;

/** Stands for an unknown function while the rest of the query is parsed for syntax errors. */
const UNKNOWN_FUNCTION: FunctionDef = {
  name: '',
  argTypes: [],
  variadic: -1,
  returnType: 'vector',
  experimental: false,
};

/** Parses an expression at `pos`; stops before whatever cannot continue it (checked by the caller). */
export function parseExpression(s: ParseState): Expr {
  const stack: Frame[] = [];
  for (;;) {
    let cur = operand(s, stack);
    while (cur !== null) {
      cur = postfixOps(s, cur);
      const op = binaryOperator(s);
      if (op !== null) {
        const prec = PREC[op];
        const lhs = reduce(s, stack, cur, prec, op === '^');
        stack.push({ kind: BIN, op, prec, lhs, mods: binMods(s) });
        break;
      }
      cur = reduce(s, stack, cur, 0, false);
      const top = stack[stack.length - 1];
      if (top === undefined) return cur;
      const p = s.pos;
      if (top.kind === PAREN) {
        if (!s.eat(Ch.rparen)) s.syntax();
        stack.pop();
        cur = { type: 'ParenExpr', expr: cur, posRange: { start: top.start, end: s.pos } };
        continue;
      }
      if (top.kind !== CALL && top.kind !== AGG) throw new Error('parser: operator frame left after reduce');
      top.args.push(cur);
      if (s.eat(Ch.comma)) {
        const q = s.skip();
        if (s.code(q) !== Ch.rparen) break;
        // `f(a,)`: no argument after the comma.
        s.fail(q);
        s.semFail(p, p + 1, 'trailing commas not allowed in function call args', top.trailingSlot);
      }
      if (!s.eat(Ch.rparen)) s.syntax();
      stack.pop();
      cur = top.kind === CALL ? call(top, s.pos) : closeAggregate(s, top);
    }
  }
}

// One operand at `pos`: returns it, or null after pushing a frame (a sign, `(`, an open call).
function operand(s: ParseState, stack: Frame[]): Expr | null {
  const p = s.skip();
  const c = s.code(p);
  if (c === Ch.plus || c === Ch.minus) {
    s.pos = p + 1;
    stack.push({ kind: UNARY, op: c === Ch.plus ? '+' : '-', start: p });
    return null;
  }
  if (c === Ch.lparen) {
    s.pos = p + 1;
    stack.push({ kind: PAREN, start: p });
    return null;
  }
  s.fail(p);
  if (isIdentStart(c)) return identifierOperand(s, stack, p);
  if (c === Ch.colon) return namedSelector(s, p);
  if (isDigit(c) || c === Ch.dot) {
    const d = s.number();
    if (d < 0) s.syntax();
    return s.numberLiteral(p, s.pos, d === 1);
  }
  if (s.isQuote(p)) {
    const end = s.stringEnd(p);
    s.pos = end;
    return { type: 'StringLiteral', val: s.str(p, end), posRange: { start: p, end } };
  }
  if (c === Ch.lbrace) return bareSelector(s);
  s.syntax();
}

// A word at `p`: an aggregation, a function call, Inf/NaN, or a metric name (keywords included).
function identifierOperand(s: ParseState, stack: Frame[], p: number): Expr | null {
  const ai = s.kwChoice(AGGREGATORS);
  if (ai >= 0) {
    const op = AGGREGATORS[ai] as AggregateOp;
    const limitSlot = s.reserve();
    s.skip();
    const by = s.kw('by');
    if (by || s.kw('without')) {
      const labels = groupingLabels(s);
      if (labels === null) s.syntax();
      const pre = { without: !by, grouping: groupingLabelValues(s, labels) };
      s.expect(Ch.lparen);
      return openAggregate(s, stack, op, p, pre, limitSlot);
    }
    if (s.eat(Ch.lparen)) return openAggregate(s, stack, op, p, null, limitSlot);
    s.pos = p;
  }
  if (isReservedWord(s, p) || s.isKw(p, 'and') || s.isKw(p, 'unless') || s.isKw(p, 'or')) {
    s.fail(p);
  } else {
    const nameEnd = s.wordEnd(p);
    s.pos = nameEnd;
    s.skip();
    if (s.eat(Ch.lparen)) return openCall(s, stack, p, nameEnd);
    s.pos = p;
  }
  const d = s.number();
  if (d >= 0) return s.numberLiteral(p, s.pos, d === 1);
  if (isReservedWord(s, p)) s.syntax();
  return namedSelector(s, p);
}

// After `name(`: checks the function and parses its arguments.
function openCall(s: ParseState, stack: Frame[], start: number, nameEnd: number): Expr | null {
  const name = s.input.slice(start, nameEnd);
  const fn = getFunction(name);
  if (fn === undefined) s.semFail(start, nameEnd, `unknown function with name ${JSON.stringify(name)}`);
  else if (fn.experimental && !s.opts.enableExperimentalFunctions) {
    s.semFail(start, nameEnd, `function ${JSON.stringify(fn.name)} is not enabled`);
  }
  const frame: CallFrame = { kind: CALL, func: fn ?? UNKNOWN_FUNCTION, start, args: [], trailingSlot: s.reserve() };
  s.skip();
  if (s.eat(Ch.rparen)) return call(frame, s.pos);
  stack.push(frame);
  return null;
}

function call(f: CallFrame, end: number): Call {
  return { type: 'Call', func: f.func, args: f.args, posRange: { start: f.start, end } };
}

// After `sum(` or `sum by (…) (`.
function openAggregate(
  s: ParseState,
  stack: Frame[],
  op: AggregateOp,
  start: number,
  pre: AggFrame['pre'],
  limitSlot: number,
): Expr | null {
  // A grouping written after the arguments is reported before errors inside them.
  const modSlot = pre === null ? s.reserve() : -1;
  const frame: AggFrame = { kind: AGG, op, start, pre, args: [], limitSlot, modSlot, trailingSlot: s.reserve() };
  s.skip();
  if (s.eat(Ch.rparen)) return closeAggregate(s, frame);
  stack.push(frame);
  return null;
}

// After the `)` of an aggregation's arguments: the grouping that may follow, then the node.
function closeAggregate(s: ParseState, f: AggFrame): Expr {
  let end = s.pos;
  let without = false;
  let grouping: string[] = [];
  if (f.pre !== null) {
    without = f.pre.without;
    grouping = f.pre.grouping;
  } else {
    s.skip();
    const by = s.kw('by');
    if (by || s.kw('without')) {
      const labels = groupingLabels(s);
      if (labels === null) s.syntax();
      without = !by;
      grouping = groupingLabelValues(s, labels, f.modSlot);
      end = s.pos;
    } else {
      s.pos = end;
    }
  }
  return aggregate(s, { op: f.op, start: f.start, end, without, grouping, args: f.args, limitSlot: f.limitSlot });
}

// The binary operator at `pos` (after spaces), consumed; null when there is none.
function binaryOperator(s: ParseState): BinaryOp | null {
  const p = s.skip();
  const c = s.code(p);
  const c1 = s.code(p + 1);
  let op: BinaryOp | null = null;
  let len = 1;
  switch (c) {
    case Ch.caret:
      op = '^';
      break;
    case Ch.star:
      op = '*';
      break;
    case Ch.slash:
      op = '/';
      break;
    case Ch.percent:
      op = '%';
      break;
    case Ch.plus:
      op = '+';
      break;
    case Ch.minus:
      op = '-';
      break;
    case Ch.lt:
      op = c1 === Ch.slash ? '</' : c1 === Ch.eq ? '<=' : '<';
      len = op === '<' ? 1 : 2;
      break;
    case Ch.gt:
      op = c1 === Ch.slash ? '>/' : c1 === Ch.eq ? '>=' : '>';
      len = op === '>' ? 1 : 2;
      break;
    case Ch.eq:
      if (c1 === Ch.eq) {
        op = '==';
        len = 2;
      }
      break;
    case Ch.bang:
      if (c1 === Ch.eq) {
        op = '!=';
        len = 2;
      }
      break;
  }
  if (op !== null) {
    s.pos = p + len;
    return op;
  }
  s.fail(p);
  if (s.kw('atan2')) return 'atan2';
  const set = s.kwChoice(SET_KEYWORDS);
  if (set >= 0) return SET_KEYWORDS[set] as BinaryOp;
  if (s.kw('or')) return 'or';
  return null;
}

// Builds the operator frames on top of the stack that bind at least as tightly as an operator of
// `prec` (all of them for prec 0) around `cur`; a right-associative operator leaves its equals.
function reduce(s: ParseState, stack: Frame[], cur: Expr, prec: number, rightAssoc: boolean): Expr {
  let e = cur;
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) return e;
    if (top.kind === BIN) {
      if (top.prec < prec || (top.prec === prec && rightAssoc)) return e;
      stack.pop();
      e = binary(s, top.lhs, top.op, top.mods, e);
    } else if (top.kind === UNARY) {
      if (UNARY_PREC < prec) return e;
      stack.pop();
      e = negate(e, top.start, top.op);
    } else {
      return e;
    }
  }
}
