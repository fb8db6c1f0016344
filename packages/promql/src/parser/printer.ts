// Prometheus: promql/parser/ast.go and printer.go (String, Pretty)
import {
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  MatchType,
  MetricName,
  matchTypeToString,
  quoteString,
} from '@tsprom/labels';
import type { AggregateExpr, BinaryExpr, Expr, SubqueryExpr, VectorSelector } from './ast.js';
import { formatDuration } from './duration.js';
import { formatFloatG } from './literals.js';
import { foldExpr } from './walk.js';

/**
 * Go-quotes a string (`%q`) as PromQL prints string literals. Lone surrogates U+DC80–U+DCFF (how
 * string literals hold bytes that are not UTF-8, see `unquoteStringLiteral`) are written back as
 * `\xNN`, so `"a\xc5z"` prints as written, as Prometheus's error messages show such strings.
 */
export function quoteStringLiteral(s: string): string {
  return quoteString(s).replace(/(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])/g, '$1\\x$2');
}

function joinLabels(ls: readonly string[]): string {
  return ls.map((l) => (isValidLegacyLabelName(l) ? l : quoteStringLiteral(l))).join(', ');
}

function selectorBody(vs: VectorSelector): string {
  const parts: string[] = [];
  for (const m of vs.labelMatchers) {
    if (m.name === MetricName && m.type === MatchType.Equal && m.value === vs.name && m.value !== '') continue;
    parts.push(
      `${isValidLegacyLabelName(m.name) ? m.name : quoteStringLiteral(m.name)}${matchTypeToString(m.type)}${quoteStringLiteral(m.value)}`,
    );
  }
  // Prometheus sorts the matcher strings and joins them without spaces: `foo{a="b",c=~"d"}`.
  parts.sort();
  if (vs.name !== '' && !isValidLegacyMetricName(vs.name))
    return `{${[quoteStringLiteral(vs.name), ...parts].join(',')}}`;
  if (parts.length === 0 && vs.name !== '') return vs.name;
  return `${vs.name}{${parts.join(',')}}`;
}

function extendedAttr(vs: VectorSelector): string {
  return vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
}

function aggOpStr(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${joinLabels(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${joinLabels(e.grouping)}) `;
  return e.op;
}

function matchingStr(e: BinaryExpr): string {
  const vm = e.vectorMatching;
  if (vm === null) return '';
  let s = '';
  if (vm.matchingLabels.length > 0 || vm.on || vm.card === 'many-to-one' || vm.card === 'one-to-many') {
    s = ` ${vm.on ? 'on' : 'ignoring'} (${joinLabels(vm.matchingLabels)})`;
    if (vm.card === 'many-to-one' || vm.card === 'one-to-many') {
      s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${joinLabels(vm.include)})`;
    }
  }
  const { lhs, rhs } = vm.fillValues;
  if (lhs !== null && rhs !== null && Object.is(lhs, rhs)) s += ` fill (${formatFloatG(lhs)})`;
  else {
    if (lhs !== null) s += ` fill_left (${formatFloatG(lhs)})`;
    if (rhs !== null) s += ` fill_right (${formatFloatG(rhs)})`;
  }
  return s;
}

// The printed form of a node, as text and sub-expressions (printed in their place).
type Piece = Expr | string;

function atAndOffset(x: VectorSelector | SubqueryExpr, out: Piece[]): void {
  if (x.timestamp !== null) out.push(` @ ${(x.timestamp / 1000).toFixed(3)}`);
  else if (x.startOrEnd !== null) out.push(` @ ${x.startOrEnd}()`);
  if (x.offsetExpr !== null) out.push(' offset ', x.offsetExpr);
  else if (x.originalOffset > 0) out.push(` offset ${formatDuration(x.originalOffset)}`);
  else if (x.originalOffset < 0) out.push(` offset -${formatDuration(-x.originalOffset)}`);
}

function subqueryTimeSuffix(e: SubqueryExpr, out: Piece[]): void {
  out.push('[', e.rangeExpr !== null ? e.rangeExpr : formatDuration(e.range), ':');
  if (e.stepExpr !== null) out.push(e.stepExpr);
  else if (e.step !== 0) out.push(formatDuration(e.step));
  out.push(']');
  atAndOffset(e, out);
}

function pieces(e: Expr): Piece[] {
  const out: Piece[] = [];
  switch (e.type) {
    case 'AggregateExpr':
      out.push(aggOpStr(e), '(');
      if (e.param !== null) out.push(e.param, ', ');
      out.push(e.expr, ')');
      break;
    case 'BinaryExpr':
      out.push(lhsPiece(e), ` ${e.op}${e.returnBool ? ' bool' : ''}${matchingStr(e)} `, e.rhs);
      break;
    case 'Call':
      out.push(`${e.func.name}(`);
      for (let i = 0; i < e.args.length; i++) {
        if (i > 0) out.push(', ');
        out.push(e.args[i] as Expr);
      }
      out.push(')');
      break;
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      out.push(selectorBody(vs), '[', e.rangeExpr !== null ? e.rangeExpr : formatDuration(e.range));
      out.push(`]${extendedAttr(vs)}`);
      atAndOffset(vs, out);
      break;
    }
    case 'SubqueryExpr':
      out.push(e.expr);
      subqueryTimeSuffix(e, out);
      break;
    case 'NumberLiteral':
      if (e.duration) out.push(e.val < 0 ? `-${formatDuration(-e.val * 1000)}` : formatDuration(e.val * 1000));
      else out.push(formatFloatG(e.val));
      break;
    case 'ParenExpr':
      out.push('(', e.expr, ')');
      break;
    case 'StringLiteral':
      out.push(quoteStringLiteral(e.val));
      break;
    case 'UnaryExpr':
      out.push(e.op, e.expr);
      break;
    case 'VectorSelector':
      out.push(`${selectorBody(e)}${extendedAttr(e)}`);
      atAndOffset(e, out);
      break;
    case 'StepInvariantExpr':
      out.push(e.expr);
      break;
    case 'DurationExpr':
      if (e.wrapped) out.push('(');
      if (e.op === 'step' || e.op === 'range') out.push(`${e.op}()`);
      else if (e.op === 'min_of' || e.op === 'max_of') out.push(`${e.op}(`, e.lhs as Expr, ', ', e.rhs as Expr, ')');
      else if (e.lhs === null) out.push(e.op, e.rhs as Expr);
      else out.push(e.lhs, ` ${e.op} `, e.rhs as Expr);
      if (e.wrapped) out.push(')');
      break;
  }
  return out;
}

// `+Inf ^ x` would read back as `+(Inf ^ x)`, so a +Inf base of `^` (written `Inf ^ x`) is printed bare.
function lhsPiece(e: BinaryExpr): Piece {
  const l = e.lhs;
  if (e.op === '^' && l.type === 'NumberLiteral' && !l.duration && l.val === Number.POSITIVE_INFINITY) return 'Inf';
  return l;
}

/**
 * Prints an expression in Prometheus's single-line `String()` form, e.g.
 * `sum by (job) (rate(http_requests_total{code="500",job="api"}[5m] offset 1m))`: matchers sorted
 * and comma-joined, numbers in Go's `%v` form (`1e+06`), durations as `1h30m`. Parsing the result
 * gives an equivalent AST. Iterative: any depth is fine.
 */
export function exprToString(e: Expr): string {
  const out: string[] = [];
  const stack: Piece[] = [e];
  while (stack.length > 0) {
    const x = stack.pop() as Piece;
    if (typeof x === 'string') {
      out.push(x);
      continue;
    }
    const ps = pieces(x);
    for (let i = ps.length - 1; i >= 0; i--) stack.push(ps[i] as Piece);
  }
  return out.join('');
}

const INDENT = '  ';

/** The length of every subtree's `String()`, computed bottom-up once. */
function stringLengths(root: Expr): Map<Expr, number> {
  const lengths = new Map<Expr, number>();
  const kids = (e: Expr): Expr[] => pieces(e).filter((p): p is Expr => typeof p !== 'string');
  foldExpr<number>(root, kids, (e, vals) => {
    let n = 0;
    let k = 0;
    for (const p of pieces(e)) n += typeof p === 'string' ? p.length : (vals[k++] as number);
    lengths.set(e, n);
    return n;
  });
  return lengths;
}

// What prettify emits: text, a node to format at a level, or a node to format at a level with
// the leading whitespace of its output removed (the operand of a unary sign).
interface Pretty {
  node: Expr;
  level: number;
  trim: boolean;
}

/**
 * Formats an expression over several lines the way Prometheus's `format_query` API (`Prettify`)
 * does: a node stays on one line when its `String()` fits in `maxCharactersPerLine` (100);
 * otherwise aggregations, calls, parentheses and binary operations break their operands onto
 * indented lines (two spaces per level). Iterative: any depth is fine.
 */
export function prettify(e: Expr, maxCharactersPerLine = 100): string {
  const lengths = stringLengths(e);
  const out: string[] = [];
  // Set while the output so far ends where a unary sign's operand begins: its indentation is dropped.
  let trimming = false;
  const emit = (s: string): void => {
    let t = s;
    if (trimming) {
      t = t.trimStart();
      if (t === '') return;
      trimming = false;
    }
    out.push(t);
  };
  const stack: (Pretty | string)[] = [{ node: e, level: 0, trim: false }];
  while (stack.length > 0) {
    const x = stack.pop() as Pretty | string;
    if (typeof x === 'string') {
      emit(x);
      continue;
    }
    if (x.trim) trimming = true;
    const n = x.node;
    const level = x.level;
    const ind = INDENT.repeat(level);
    const split = (lengths.get(n) as number) > maxCharactersPerLine;
    // Pushed in reverse: the last item pushed is emitted first.
    const todo: (Pretty | string)[] = [];
    const sub = (node: Expr, l: number): Pretty => ({ node, level: l, trim: false });
    switch (n.type) {
      case 'AggregateExpr':
        if (!split) todo.push(ind + exprToString(n));
        else {
          todo.push(`${ind}${aggOpStr(n)}(\n`);
          if (n.param !== null) todo.push(sub(n.param, level + 1), ',\n');
          todo.push(sub(n.expr, level + 1), `\n${ind})`);
        }
        break;
      case 'BinaryExpr':
        if (!split) todo.push(ind + exprToString(n));
        else {
          // A number base of `^` stays as printed (`Inf`, not `+Inf`).
          const lp = lhsPiece(n);
          if (n.op === '^' && n.lhs.type === 'NumberLiteral') {
            todo.push(INDENT.repeat(level + 1) + (typeof lp === 'string' ? lp : exprToString(lp)));
          } else todo.push(sub(n.lhs, level + 1));
          todo.push(`\n${ind}${n.op}${n.returnBool ? ' bool' : ''}${matchingStr(n)}\n`, sub(n.rhs, level + 1));
        }
        break;
      case 'Call':
        if (!split) todo.push(ind + exprToString(n));
        else {
          todo.push(`${ind}${n.func.name}(\n`);
          n.args.forEach((a, i) => {
            if (i > 0) todo.push(',\n');
            todo.push(sub(a, level + 1));
          });
          todo.push(`\n${ind})`);
        }
        break;
      case 'SubqueryExpr':
        if (!split) todo.push(ind + exprToString(n));
        else {
          const suffix: Piece[] = [];
          subqueryTimeSuffix(n, suffix);
          todo.push(sub(n.expr, level), suffix.map((p) => (typeof p === 'string' ? p : exprToString(p))).join(''));
        }
        break;
      case 'ParenExpr':
        if (!split) todo.push(ind + exprToString(n));
        else todo.push(`${ind}(\n`, sub(n.expr, level + 1), `\n${ind})`);
        break;
      case 'StepInvariantExpr':
        todo.push(sub(n.expr, level));
        break;
      case 'UnaryExpr':
        todo.push(`${ind}${n.op}`, { node: n.expr, level, trim: true });
        break;
      default:
        todo.push(ind + exprToString(n));
    }
    for (let i = todo.length - 1; i >= 0; i--) stack.push(todo[i] as Pretty | string);
  }
  return out.join('');
}
