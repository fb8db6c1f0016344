// Prometheus: web/ui/mantine-ui/src/promql/serialize.ts: a node of /api/v1/parse_query's tree
// (web/api/v1/translate_ast.go) written back as PromQL, so each node of the Explain tree can run on
// its own; and the node's children, in the order the tree shows them.
import { formatDuration } from './format.js';

/** A node of parse_query's tree (Prometheus: web/api/v1/translate_ast.go). */
export type ASTNode =
  | { type: 'aggregation'; op: string; expr: ASTNode; param: ASTNode | null; grouping: string[]; without: boolean }
  | {
      type: 'binaryExpr';
      op: string;
      lhs: ASTNode;
      rhs: ASTNode;
      bool: boolean;
      matching: { card: string; include: string[]; labels: string[]; on: boolean } | null;
    }
  | { type: 'call'; func: { name: string }; args: ASTNode[] }
  | ({ type: 'matrixSelector'; range: number } & SelectorFields)
  | ({ type: 'vectorSelector' } & SelectorFields)
  | {
      type: 'subquery';
      expr: ASTNode;
      range: number;
      step: number;
      offset: number;
      timestamp: number | null;
      startOrEnd: 'start' | 'end' | null;
    }
  | { type: 'numberLiteral'; val: string }
  | { type: 'stringLiteral'; val: string }
  | { type: 'parenExpr'; expr: ASTNode }
  | { type: 'unaryExpr'; op: string; expr: ASTNode };

interface SelectorFields {
  name: string;
  matchers: { name: string; type: string; value: string }[];
  offset: number;
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
}

function atOffset(n: { offset: number; timestamp: number | null; startOrEnd: 'start' | 'end' | null }): string {
  let s = '';
  if (n.timestamp !== null) s += ` @ ${(n.timestamp / 1000).toFixed(3)}`;
  else if (n.startOrEnd !== null) s += ` @ ${n.startOrEnd}()`;
  if (n.offset !== 0) s += ` offset ${n.offset < 0 ? `-${formatDuration(-n.offset)}` : formatDuration(n.offset)}`;
  return s;
}

function selector(n: SelectorFields): string {
  const ms = n.matchers.filter((m) => !(m.name === '__name__' && m.type === '=' && m.value === n.name));
  const body = ms.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ');
  return body === '' && n.name !== '' ? n.name : `${n.name}{${body}}`;
}

/** The node written as PromQL. */
export function serializeNode(n: ASTNode): string {
  switch (n.type) {
    case 'aggregation': {
      const grouping = n.without
        ? ` without (${n.grouping.join(', ')}) `
        : n.grouping.length > 0
          ? ` by (${n.grouping.join(', ')}) `
          : '';
      const param = n.param === null ? '' : `${serializeNode(n.param)}, `;
      return `${n.op}${grouping}(${param}${serializeNode(n.expr)})`;
    }
    case 'binaryExpr': {
      let mod = n.bool ? ' bool' : '';
      const m = n.matching;
      if (m !== null) {
        if (m.on || m.labels.length > 0) mod += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
        if (m.card === 'many-to-one' || m.card === 'one-to-many') {
          mod += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} (${m.include.join(', ')})`;
        }
      }
      return `${serializeNode(n.lhs)} ${n.op}${mod} ${serializeNode(n.rhs)}`;
    }
    case 'call':
      return `${n.func.name}(${n.args.map(serializeNode).join(', ')})`;
    case 'matrixSelector':
      return `${selector(n)}[${formatDuration(n.range)}]${atOffset(n)}`;
    case 'vectorSelector':
      return `${selector(n)}${atOffset(n)}`;
    case 'subquery':
      return `${serializeNode(n.expr)}[${formatDuration(n.range)}:${n.step === 0 ? '' : formatDuration(n.step)}]${atOffset(n)}`;
    case 'numberLiteral':
      return n.val;
    case 'stringLiteral':
      return JSON.stringify(n.val);
    case 'parenExpr':
      return `(${serializeNode(n.expr)})`;
    case 'unaryExpr':
      return `${n.op}${serializeNode(n.expr)}`;
  }
}

/** The node's operands. */
export function children(n: ASTNode): ASTNode[] {
  switch (n.type) {
    case 'aggregation':
      return n.param === null ? [n.expr] : [n.param, n.expr];
    case 'binaryExpr':
      return [n.lhs, n.rhs];
    case 'call':
      return n.args;
    case 'subquery':
    case 'parenExpr':
    case 'unaryExpr':
      return [n.expr];
    default:
      return [];
  }
}

/** What the node is, in words. */
export function describe(n: ASTNode): string {
  switch (n.type) {
    case 'aggregation':
      return `aggregation: ${n.op}`;
    case 'binaryExpr':
      return `binary operator: ${n.op}`;
    case 'call':
      return `function: ${n.func.name}()`;
    case 'matrixSelector':
      return 'range vector selector';
    case 'vectorSelector':
      return 'instant vector selector';
    case 'subquery':
      return 'subquery';
    case 'numberLiteral':
      return 'number literal';
    case 'stringLiteral':
      return 'string literal';
    case 'parenExpr':
      return 'parentheses';
    case 'unaryExpr':
      return `unary operator: ${n.op}`;
  }
}
