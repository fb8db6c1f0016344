// Prometheus: promql/parser/parse.go checkAST, expectType
import type { PositionRange } from '@tsprom/storage-interfaces';
import { type Expr, exprType, type ValueTypeName } from './ast.js';
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

/**
 * Type-checks a parsed expression as Prometheus's `checkAST` does, in the same order, and returns
 * the errors found (empty if it is valid). Also turns one-to-one matching of set operators into
 * many-to-many and drops `vectorMatching` where a side is a scalar, as Prometheus does.
 * `anchored`/`smoothed` ranges passed to functions that don't support them are not rejected here:
 * Prometheus raises that at evaluation (an error without position), so the engine does.
 */
export function checkAST(root: Expr, input: string): ParseError[] {
  const errors: ParseError[] = [];
  const add = (pr: PositionRange, msg: string): void => {
    errors.push(new ParseError(pr, msg, input));
  };

  const expectType = (node: Expr, want: ValueTypeName, context: string): void => {
    const t = check(node);
    if (t !== want) add(node.posRange, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
  };

  const check = (node: Expr, bypassEmptyMatcherCheck = false): ValueTypeName => {
    const typ = exprType(node);
    switch (node.type) {
      case 'AggregateExpr':
        expectType(node.expr, 'vector', 'aggregation expression');
        if (node.param !== null) {
          expectType(node.param, node.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
        }
        break;
      case 'BinaryExpr': {
        const n = node;
        const lt = check(n.lhs);
        const rt = check(n.rhs);
        const opRange = (): PositionRange => {
          let start = n.lhs.posRange.end;
          while (isSpace(input[start])) start++;
          let end = n.rhs.posRange.start - 1;
          while (isSpace(input[end])) end--;
          return { start, end };
        };
        if (n.returnBool && !COMPARISON.has(n.op))
          add(opRange(), 'bool modifier can only be used on comparison operators');
        if (COMPARISON.has(n.op) && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
          add(opRange(), 'comparisons between scalars must use BOOL modifier');
        }
        const vm = n.vectorMatching;
        if (vm !== null) {
          if (SET_OPS.has(n.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
          if (vm.on) {
            for (const l1 of vm.matchingLabels) {
              for (const l2 of vm.include) {
                if (l1 === l2)
                  add(opRange(), `label ${JSON.stringify(l1)} must not occur in ON and GROUP clause at once`);
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
        break;
      }
      case 'Call': {
        const n = node;
        const fn = n.func;
        const nargs = fn.argTypes.length;
        if (fn.variadic === 0) {
          if (nargs !== n.args.length) {
            add(n.posRange, `expected ${nargs} argument(s) in call to "${fn.name}", got ${n.args.length}`);
          }
        } else {
          const na = nargs - 1;
          if (na > n.args.length) {
            add(n.posRange, `expected at least ${na} argument(s) in call to "${fn.name}", got ${n.args.length}`);
          } else if (fn.variadic > 0 && na + fn.variadic < n.args.length) {
            add(
              n.posRange,
              `expected at most ${na + fn.variadic} argument(s) in call to "${fn.name}", got ${n.args.length}`,
            );
          }
        }
        let infoLabels: Expr | undefined;
        if (fn.name === 'info' && n.args.length > 1) {
          const a = n.args[1] as Expr;
          const at = exprType(a);
          if (at !== 'vector') {
            add(n.posRange, `expected type instant vector in call to function "info", got ${documentedType(at)}`);
          } else if (a.type !== 'VectorSelector' || a.name !== '') {
            add(a.posRange, 'expected label selectors only, got vector selector instead');
          }
          infoLabels = a;
        }
        for (let i = 0; i < n.args.length; i++) {
          const arg = n.args[i] as Expr;
          let ti = i;
          if (i >= nargs) {
            if (fn.variadic === 0) break;
            ti = nargs - 1;
          }
          const want = fn.argTypes[ti] as ValueTypeName;
          const t = check(arg, arg === infoLabels);
          if (t !== want) {
            add(
              arg.posRange,
              `expected type ${documentedType(want)} in call to function "${fn.name}", got ${documentedType(t)}`,
            );
          }
        }
        break;
      }
      case 'ParenExpr':
      case 'StepInvariantExpr':
        check(node.expr);
        break;
      case 'UnaryExpr': {
        const t = check(node.expr);
        if (t !== 'scalar' && t !== 'vector') {
          add(
            node.posRange,
            `unary expression only allowed on expressions of type scalar or instant vector, got "${documentedType(t)}"`,
          );
        }
        break;
      }
      case 'SubqueryExpr': {
        const t = check(node.expr);
        if (t !== 'vector') add(node.posRange, `subquery is only allowed on instant vector, got ${t} instead`);
        break;
      }
      case 'MatrixSelector':
        check(node.vectorSelector);
        break;
      case 'VectorSelector': {
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
          break;
        }
        if (!bypassEmptyMatcherCheck && !node.labelMatchers.some((m) => !m.matches(''))) {
          add(node.posRange, 'vector selector must contain at least one non-empty matcher');
        }
        break;
      }
      case 'NumberLiteral':
      case 'StringLiteral':
      case 'DurationExpr':
        break;
    }
    return typ;
  };

  check(root);
  return errors;
}
