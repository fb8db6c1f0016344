// Prometheus: promql/parser/generated_parser.y (duration_expr, offset_duration_expr).
//
// Duration expressions (`x[5m+step()]`, `x offset (1h/2)`, `x[1h:min_of(step(), 1m)]`) are parsed
// by operator precedence with an explicit stack, so nesting depth is bounded by memory, not by the
// call stack: `^` (right-associative) binds tightest, then unary `+ -`, then `* / %`, then `+ -`.
import type { DurationExpr, DurationOp, Expr } from './ast.js';
import { durBinary, durNegate, durParen } from './ast-builders.js';
import type { ParseState } from './parse-state.js';
import { Ch, isDigit, isIdentStart } from './scanner.js';

const BIN = 0;
const UNARY = 1;
const PAREN = 2;
const MINMAX = 3;

interface BinFrame {
  kind: typeof BIN;
  op: DurationOp;
  prec: number;
  lhs: Expr;
}
interface UnaryFrame {
  kind: typeof UNARY;
  op: '+' | '-';
  start: number;
}
interface ParenFrame {
  kind: typeof PAREN;
  start: number;
}
interface MinMaxFrame {
  kind: typeof MINMAX;
  op: 'min_of' | 'max_of';
  start: number;
  first: Expr | null;
}
type Frame = BinFrame | UnaryFrame | ParenFrame | MinMaxFrame;

const UNARY_PREC = 6;
const POW_PREC = 7;

/**
 * Parses a duration expression at `pos`. With `atom`, only what may follow `offset` after its
 * sign: a parenthesized expression, `step()`, `range()`, `min_of(…)`/`max_of(…)` or a number.
 * Returns a NumberLiteral or a DurationExpr; throws SyntaxFailure when there is none.
 */
export function parseDurationExpr(s: ParseState, atom: boolean): Expr {
  const stack: Frame[] = [];
  for (;;) {
    let cur = durationOperand(s, stack, atom && stack.length === 0);
    if (cur === null) continue;
    for (;;) {
      if (atom && stack.length === 0) return cur;
      const p = s.skip();
      const c = s.code(p);
      let op: DurationOp | null = null;
      let prec = 0;
      if (c === Ch.caret) {
        op = '^';
        prec = POW_PREC;
      } else if (c === Ch.star || c === Ch.slash || c === Ch.percent) {
        op = c === Ch.star ? '*' : c === Ch.slash ? '/' : '%';
        prec = 5;
      } else if (c === Ch.plus || c === Ch.minus) {
        op = c === Ch.plus ? '+' : '-';
        prec = 4;
      }
      if (op !== null) {
        cur = reduce(stack, cur, prec, op === '^');
        s.pos = p + 1;
        stack.push({ kind: BIN, op, prec, lhs: cur });
        break;
      }
      s.fail(p);
      cur = reduce(stack, cur, 0, false);
      const top = stack[stack.length - 1];
      if (top === undefined) return cur;
      if (top.kind === PAREN) {
        s.expect(Ch.rparen);
        stack.pop();
        cur = durParen(top.start, cur, s.pos);
        continue;
      }
      if (top.kind !== MINMAX) throw new Error('duration parser: operator frame left after reduce');
      if (top.first === null) {
        s.expect(Ch.comma);
        top.first = cur;
        break;
      }
      s.expect(Ch.rparen);
      stack.pop();
      const mm: DurationExpr = {
        type: 'DurationExpr',
        op: top.op,
        lhs: top.first,
        rhs: cur,
        wrapped: false,
        posRange: { start: top.start, end: s.pos },
      };
      cur = mm;
    }
  }
}

// One operand at `pos`: returns it, or null after pushing a frame (a sign, `(`, `min_of(`).
function durationOperand(s: ParseState, stack: Frame[], atom: boolean): Expr | null {
  const p = s.skip();
  const c = s.code(p);
  if (!atom && (c === Ch.plus || c === Ch.minus)) {
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
  if (isIdentStart(c)) {
    if (s.kw('step') || s.kw('range')) {
      const op = s.input.slice(p, s.pos).toLowerCase() as 'step' | 'range';
      s.expect(Ch.lparen);
      s.expect(Ch.rparen);
      return { type: 'DurationExpr', op, lhs: null, rhs: null, wrapped: false, posRange: { start: p, end: s.pos } };
    }
    if (s.kw('min_of') || s.kw('max_of')) {
      const op = s.input.slice(p, s.pos).toLowerCase() as 'min_of' | 'max_of';
      s.expect(Ch.lparen);
      stack.push({ kind: MINMAX, op, start: p, first: null });
      return null;
    }
  }
  if (isIdentStart(c) || isDigit(c) || c === Ch.dot) {
    const d = s.number();
    if (d >= 0) return s.numberLiteral(p, s.pos, d === 1);
  }
  s.syntax();
}

// Builds the operator frames on top of the stack that bind tighter than an operator of `prec`
// (all of them for prec 0) around `cur`.
function reduce(stack: Frame[], cur: Expr, prec: number, rightAssoc: boolean): Expr {
  let e = cur;
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) return e;
    if (top.kind === BIN) {
      if (top.prec < prec || (top.prec === prec && rightAssoc)) return e;
      stack.pop();
      e = durBinary(top.lhs, top.op, e);
    } else if (top.kind === UNARY) {
      if (UNARY_PREC < prec) return e;
      stack.pop();
      e = durNegate(e, top.start, top.op);
    } else {
      return e;
    }
  }
}
