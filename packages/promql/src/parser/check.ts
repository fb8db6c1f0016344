// Prometheus: promql/parser/parse.go checkAST, expectType
import type { PositionRange } from '@tsprom/storage-interfaces';
import { type BinaryExpr, type Expr, exprType, type ValueTypeName, type VectorSelector } from './ast.js';
import { ParseError } from './errors.js';

/** Prometheus `DocumentedType`: how a value type is named in error messages. */
export function documentedType(t: ValueTypeName): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

// One node being checked: the children still to check and the types of those already checked.
interface Frame {
  node: Expr;
  kids: Expr[];
  types: ValueTypeName[];
  /** Skip the empty-matcher check of a VectorSelector (the label selector of `info`). */
  bypassEmptyMatcherCheck: boolean;
  /** For a call to `info`: its label-selector argument. */
  infoLabels: Expr | undefined;
}

/**
 * Type-checks a parsed expression as Prometheus's `checkAST` does, in the same order, and returns
 * the errors found (empty if it is valid). Also turns one-to-one matching of set operators into
 * many-to-many and drops `vectorMatching` where a side is a scalar, as Prometheus does.
 * `anchored`/`smoothed` ranges passed to functions that don't support them are not rejected here:
 * Prometheus raises that at evaluation (an error without position), so the engine does.
 * Iterative: any depth is fine.
 */
export function checkAST(root: Expr, input: string): ParseError[] {
  const errors: ParseError[] = [];
  const add = (pr: PositionRange, msg: string): void => {
    errors.push(new ParseError(pr, msg, input));
  };
  const stack: Frame[] = [enter(root, false, add)];
  let done: ValueTypeName = 'none';
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame;
    const i = f.types.length;
    if (i < f.kids.length) {
      const kid = f.kids[i] as Expr;
      stack.push(enter(kid, kid === f.infoLabels, add));
      continue;
    }
    stack.pop();
    done = leave(f, input, add);
    const parent = stack[stack.length - 1];
    if (parent !== undefined) afterChild(parent, done, add);
  }
  return errors;
}

type Add = (pr: PositionRange, msg: string) => void;

// Starts checking `node`: the checks made before its children, and the children to check.
function enter(node: Expr, bypassEmptyMatcherCheck: boolean, add: Add): Frame {
  const f: Frame = { node, kids: [], types: [], bypassEmptyMatcherCheck, infoLabels: undefined };
  switch (node.type) {
    case 'AggregateExpr':
      f.kids = node.param === null ? [node.expr] : [node.expr, node.param];
      break;
    case 'BinaryExpr':
      f.kids = [node.lhs, node.rhs];
      break;
    case 'Call': {
      const fn = node.func;
      const nargs = fn.argTypes.length;
      if (fn.variadic === 0) {
        if (nargs !== node.args.length) {
          add(node.posRange, `expected ${nargs} argument(s) in call to "${fn.name}", got ${node.args.length}`);
        }
      } else {
        const na = nargs - 1;
        if (na > node.args.length) {
          add(node.posRange, `expected at least ${na} argument(s) in call to "${fn.name}", got ${node.args.length}`);
        } else if (fn.variadic > 0 && na + fn.variadic < node.args.length) {
          add(
            node.posRange,
            `expected at most ${na + fn.variadic} argument(s) in call to "${fn.name}", got ${node.args.length}`,
          );
        }
      }
      if (fn.name === 'info' && node.args.length > 1) {
        const a = node.args[1] as Expr;
        const at = exprType(a);
        if (at !== 'vector') {
          add(node.posRange, `expected type instant vector in call to function "info", got ${documentedType(at)}`);
        } else if (a.type !== 'VectorSelector' || a.name !== '') {
          add(a.posRange, 'expected label selectors only, got vector selector instead');
        }
        f.infoLabels = a;
      }
      // Arguments past the declared ones of a non-variadic function are not checked.
      f.kids = fn.variadic === 0 ? node.args.slice(0, nargs) : node.args;
      break;
    }
    case 'ParenExpr':
    case 'StepInvariantExpr':
    case 'UnaryExpr':
    case 'SubqueryExpr':
      f.kids = [node.expr];
      break;
    case 'MatrixSelector':
      f.kids = [node.vectorSelector];
      break;
    default:
      break;
  }
  return f;
}

// After the child `f.kids[f.types.length]` of `f` was checked and found to be of type `t`.
function afterChild(f: Frame, t: ValueTypeName, add: Add): void {
  const i = f.types.length;
  f.types.push(t);
  const node = f.node;
  const kid = f.kids[i] as Expr;
  if (node.type === 'AggregateExpr') {
    if (i === 0) {
      if (t !== 'vector')
        add(kid.posRange, `expected type instant vector in aggregation expression, got ${documentedType(t)}`);
    } else {
      const want = node.op === 'count_values' ? 'string' : 'scalar';
      if (t !== want) {
        add(kid.posRange, `expected type ${documentedType(want)} in aggregation parameter, got ${documentedType(t)}`);
      }
    }
  } else if (node.type === 'Call') {
    const fn = node.func;
    const want = fn.argTypes[Math.min(i, fn.argTypes.length - 1)] as ValueTypeName;
    if (t !== want) {
      add(
        kid.posRange,
        `expected type ${documentedType(want)} in call to function "${fn.name}", got ${documentedType(t)}`,
      );
    }
  }
}

// Finishes checking `f.node` once its children are checked: the remaining checks; returns its type.
function leave(f: Frame, input: string, add: Add): ValueTypeName {
  const node = f.node;
  switch (node.type) {
    case 'AggregateExpr':
    case 'VectorSelector':
      if (node.type === 'VectorSelector') checkSelector(node, f.bypassEmptyMatcherCheck, add);
      return 'vector';
    case 'BinaryExpr':
      return checkBinary(node, f.types[0] as ValueTypeName, f.types[1] as ValueTypeName, input, add);
    case 'Call':
      return node.func.returnType;
    case 'ParenExpr':
    case 'StepInvariantExpr':
      return f.types[0] as ValueTypeName;
    case 'UnaryExpr': {
      const t = f.types[0] as ValueTypeName;
      if (t !== 'scalar' && t !== 'vector') {
        add(
          node.posRange,
          `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`,
        );
      }
      return t;
    }
    case 'SubqueryExpr': {
      const t = f.types[0] as ValueTypeName;
      if (t !== 'vector') add(node.posRange, `subquery is only allowed on instant vector, got ${t} instead`);
      return 'matrix';
    }
    case 'MatrixSelector':
      return 'matrix';
    case 'NumberLiteral':
    case 'DurationExpr':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
  }
}

function checkBinary(n: BinaryExpr, lt: ValueTypeName, rt: ValueTypeName, input: string, add: Add): ValueTypeName {
  const opRange = (): PositionRange => {
    let start = n.lhs.posRange.end;
    while (isSpace(input[start])) start++;
    let end = n.rhs.posRange.start - 1;
    while (isSpace(input[end])) end--;
    return { start, end };
  };
  if (n.returnBool && !COMPARISON.has(n.op)) add(opRange(), 'bool modifier can only be used on comparison operators');
  if (COMPARISON.has(n.op) && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
    add(opRange(), 'comparisons between scalars must use BOOL modifier');
  }
  const vm = n.vectorMatching;
  if (vm !== null) {
    if (SET_OPS.has(n.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
    if (vm.on) {
      for (const l1 of vm.matchingLabels) {
        for (const l2 of vm.include) {
          if (l1 === l2) add(opRange(), `label ${JSON.stringify(l1)} must not occur in ON and GROUP clause at once`);
        }
      }
    }
  }
  if (lt !== 'scalar' && lt !== 'vector')
    add(n.lhs.posRange, 'binary expression must contain only scalar and instant vector types');
  if (rt !== 'scalar' && rt !== 'vector')
    add(n.rhs.posRange, 'binary expression must contain only scalar and instant vector types');
  if ((lt !== 'vector' || rt !== 'vector') && vm !== null) {
    if (vm.matchingLabels.length > 0) add(n.posRange, 'vector matching only allowed between instant vectors');
    n.vectorMatching = null;
  } else if (SET_OPS.has(n.op) && vm !== null) {
    if (vm.card === 'one-to-many' || vm.card === 'many-to-one')
      add(n.posRange, `no grouping allowed for "${n.op}" operation`);
    if (vm.card !== 'many-to-many') add(n.posRange, 'set operations must always be many-to-many');
  }
  if ((lt === 'scalar' || rt === 'scalar') && SET_OPS.has(n.op)) {
    add(n.posRange, `set operator "${n.op}" not allowed in binary scalar expression`);
  }
  return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
}

function checkSelector(node: VectorSelector, bypassEmptyMatcherCheck: boolean, add: Add): void {
  if (node.name !== '') {
    const ms = node.labelMatchers;
    for (let i = 0; i < ms.length - 1; i++) {
      const m = ms[i];
      if (m !== undefined && m.name === '__name__') {
        add(
          node.posRange,
          `metric name must not be set twice: ${JSON.stringify(node.name)} or ${JSON.stringify(m.value)}`,
        );
      }
    }
    return;
  }
  if (!bypassEmptyMatcherCheck && !node.labelMatchers.some((m) => !m.matches(''))) {
    add(node.posRange, 'vector selector must contain at least one non-empty matcher');
  }
}
