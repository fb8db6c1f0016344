// Prometheus: web/api/v1/translate_ast.go translateAST (the /api/v1/parse_query response)
import { type Matcher, matchTypeToString } from '@tsprom/labels';
import type { Expr } from './ast.js';
import { formatFloatF } from './literals.js';
import { exprToString } from './printer.js';
import { foldExpr } from './walk.js';

/** A JSON value as `translateAST` produces it. */
export type ASTJSON = null | boolean | number | string | ASTJSON[] | { [key: string]: ASTJSON };

function matchers(ms: readonly Matcher[]): ASTJSON {
  return ms.map((m) => ({ name: m.name, type: matchTypeToString(m.type), value: m.value }));
}

// The sub-expressions whose JSON a node's JSON contains.
function jsonKids(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param === null ? [e.expr] : [e.expr, e.param];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    default:
      return [];
  }
}

/**
 * The JSON form of an expression that Prometheus's experimental `/api/v1/parse_query` returns
 * (`translateAST`): `{"type":"binaryExpr","op":"/","lhs":…}`. Object keys are in alphabetical
 * order, as Go's JSON encoding of maps writes them, so `JSON.stringify` matches byte for byte.
 * Offsets, ranges and steps are ms; StepInvariantExpr nodes are transparent. Iterative: any depth
 * is fine (`JSON.stringify` itself recurses, so a very deep result needs an iterative writer).
 */
export function translateAST(root: Expr | null): ASTJSON {
  if (root === null) return null;
  return foldExpr<ASTJSON>(root, jsonKids, translateNode);
}

// One node's JSON, given the JSON of its jsonKids.
function translateNode(e: Expr, kids: ASTJSON[]): ASTJSON {
  switch (e.type) {
    case 'AggregateExpr':
      return {
        expr: kids[0] as ASTJSON,
        grouping: [...e.grouping],
        op: e.op,
        param: e.param === null ? null : (kids[1] as ASTJSON),
        type: 'aggregation',
        without: e.without,
      };
    case 'BinaryExpr': {
      const m = e.vectorMatching;
      return {
        bool: e.returnBool,
        lhs: kids[0] as ASTJSON,
        matching:
          m === null ? null : { card: m.card, include: [...m.include], labels: [...m.matchingLabels], on: m.on },
        op: e.op,
        rhs: kids[1] as ASTJSON,
        type: 'binaryExpr',
      };
    }
    case 'Call':
      return {
        args: kids,
        func: {
          argTypes: [...e.func.argTypes],
          name: e.func.name,
          returnType: e.func.returnType,
          variadic: e.func.variadic,
        },
        type: 'call',
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        matchers: matchers(vs.labelMatchers),
        name: vs.name,
        offset: vs.originalOffset,
        range: e.range,
        startOrEnd: vs.startOrEnd,
        timestamp: vs.timestamp,
        type: 'matrixSelector',
      };
    }
    case 'SubqueryExpr':
      return {
        expr: kids[0] as ASTJSON,
        offset: e.originalOffset,
        range: e.range,
        startOrEnd: e.startOrEnd,
        step: e.step,
        timestamp: e.timestamp,
        type: 'subquery',
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloatF(e.val) };
    case 'ParenExpr':
      return { expr: kids[0] as ASTJSON, type: 'parenExpr' };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.val };
    case 'UnaryExpr':
      return { expr: kids[0] as ASTJSON, op: e.op, type: 'unaryExpr' };
    case 'VectorSelector':
      return {
        matchers: matchers(e.labelMatchers),
        name: e.name,
        offset: e.originalOffset,
        startOrEnd: e.startOrEnd,
        timestamp: e.timestamp,
        type: 'vectorSelector',
      };
    case 'StepInvariantExpr':
      return kids[0] as ASTJSON;
    case 'DurationExpr':
      // Never in an expression position; kept total for the type checker.
      return { type: 'durationExpr', val: exprToString(e) };
  }
}
