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

function atAndOffset(x: VectorSelector | SubqueryExpr): string {
  let at = '';
  if (x.timestamp !== null) at = ` @ ${(x.timestamp / 1000).toFixed(3)}`;
  else if (x.startOrEnd !== null) at = ` @ ${x.startOrEnd}()`;
  let offset = '';
  if (x.offsetExpr !== null) offset = ` offset ${exprToString(x.offsetExpr)}`;
  else if (x.originalOffset > 0) offset = ` offset ${formatDuration(x.originalOffset)}`;
  else if (x.originalOffset < 0) offset = ` offset -${formatDuration(-x.originalOffset)}`;
  return at + offset;
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

function subqueryTimeSuffix(e: SubqueryExpr): string {
  const range = e.rangeExpr !== null ? exprToString(e.rangeExpr) : formatDuration(e.range);
  const step = e.stepExpr !== null ? exprToString(e.stepExpr) : e.step !== 0 ? formatDuration(e.step) : '';
  return `[${range}:${step}]${atAndOffset(e)}`;
}

/**
 * Prints an expression in Prometheus's single-line `String()` form, e.g.
 * `sum by (job) (rate(http_requests_total{code="500",job="api"}[5m] offset 1m))`: matchers sorted
 * and comma-joined, numbers in Go's `%v` form (`1e+06`), durations as `1h30m`. Parsing the result
 * gives an equivalent AST.
 */
export function exprToString(e: Expr): string {
  if (stringCache === null) return print(e);
  let str = stringCache.get(e);
  if (str === undefined) {
    str = print(e);
    stringCache.set(e, str);
  }
  return str;
}

// Set while prettify runs, so that each subtree is printed once rather than once per level.
let stringCache: Map<Expr, string> | null = null;

function print(e: Expr): string {
  switch (e.type) {
    case 'AggregateExpr':
      return `${aggOpStr(e)}(${e.param !== null ? `${exprToString(e.param)}, ` : ''}${exprToString(e.expr)})`;
    case 'BinaryExpr':
      return `${lhsString(e)} ${e.op}${e.returnBool ? ' bool' : ''}${matchingStr(e)} ${exprToString(e.rhs)}`;
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr !== null ? exprToString(e.rangeExpr) : formatDuration(e.range);
      return `${selectorBody(vs)}[${range}]${extendedAttr(vs)}${atAndOffset(vs)}`;
    }
    case 'SubqueryExpr':
      return `${exprToString(e.expr)}${subqueryTimeSuffix(e)}`;
    case 'NumberLiteral':
      if (e.duration) return e.val < 0 ? `-${formatDuration(-e.val * 1000)}` : formatDuration(e.val * 1000);
      return formatFloatG(e.val);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'StringLiteral':
      return quoteStringLiteral(e.val);
    case 'UnaryExpr':
      return `${e.op}${exprToString(e.expr)}`;
    case 'VectorSelector':
      return `${selectorBody(e)}${extendedAttr(e)}${atAndOffset(e)}`;
    case 'StepInvariantExpr':
      return exprToString(e.expr);
    case 'DurationExpr': {
      let s: string;
      if (e.op === 'step' || e.op === 'range') s = `${e.op}()`;
      else if (e.op === 'min_of' || e.op === 'max_of') {
        s = `${e.op}(${exprToString(e.lhs as Expr)}, ${exprToString(e.rhs as Expr)})`;
      } else if (e.lhs === null) s = `${e.op}${exprToString(e.rhs as Expr)}`;
      else s = `${exprToString(e.lhs)} ${e.op} ${exprToString(e.rhs as Expr)}`;
      return e.wrapped ? `(${s})` : s;
    }
  }
}

// `+Inf ^ x` would read back as `+(Inf ^ x)`, so a +Inf base of `^` (written `Inf ^ x`) is printed bare.
function lhsString(e: BinaryExpr): string {
  const l = e.lhs;
  if (e.op === '^' && l.type === 'NumberLiteral' && !l.duration && l.val === Number.POSITIVE_INFINITY) return 'Inf';
  return exprToString(l);
}

const INDENT = '  ';

/**
 * Formats an expression over several lines the way Prometheus's `format_query` API (`Prettify`)
 * does: a node stays on one line when its `String()` fits in `maxCharactersPerLine` (100);
 * otherwise aggregations, calls, parentheses and binary operations break their operands onto
 * indented lines (two spaces per level).
 */
export function prettify(e: Expr, maxCharactersPerLine = 100): string {
  const outer = stringCache;
  stringCache = outer ?? new Map();
  try {
    return prettyAt(e, 0, maxCharactersPerLine);
  } finally {
    stringCache = outer;
  }
}

function prettyAt(root: Expr, rootLevel: number, maxCharactersPerLine: number): string {
  const pretty = (n: Expr, level: number): string => {
    const ind = INDENT.repeat(level);
    const str = exprToString(n);
    const split = str.length > maxCharactersPerLine;
    switch (n.type) {
      case 'AggregateExpr': {
        if (!split) return ind + str;
        let s = `${ind}${aggOpStr(n)}(\n`;
        if (n.param !== null) s += `${pretty(n.param, level + 1)},\n`;
        return `${s}${pretty(n.expr, level + 1)}\n${ind})`;
      }
      case 'BinaryExpr':
        if (!split) return ind + str;
        return `${n.op === '^' && n.lhs.type === 'NumberLiteral' ? INDENT.repeat(level + 1) + lhsString(n) : pretty(n.lhs, level + 1)}\n${ind}${n.op}${n.returnBool ? ' bool' : ''}${matchingStr(n)}\n${pretty(n.rhs, level + 1)}`;
      case 'Call':
        if (!split) return ind + str;
        return `${ind}${n.func.name}(\n${n.args.map((a) => pretty(a, level + 1)).join(',\n')}\n${ind})`;
      case 'SubqueryExpr':
        if (!split) return ind + str;
        return `${pretty(n.expr, level)}${subqueryTimeSuffix(n)}`;
      case 'ParenExpr':
        if (!split) return ind + str;
        return `${ind}(\n${pretty(n.expr, level + 1)}\n${ind})`;
      case 'StepInvariantExpr':
        return pretty(n.expr, level);
      case 'UnaryExpr':
        return `${ind}${n.op}${pretty(n.expr, level).trim()}`;
      default:
        return ind + str;
    }
  };
  return pretty(root, rootLevel);
}
