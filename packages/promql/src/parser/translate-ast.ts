// Prometheus: web/api/v1/translate_ast.go translateAST (the /api/v1/parse_query response)
import { type Matcher, matchTypeToString } from '@tsprom/labels';
import type { Expr } from './ast.js';
import { formatFloatF } from './literals.js';
import { exprToString } from './printer.js';

/** A JSON value as `translateAST` produces it. */
export type ASTJSON = null | boolean | number | string | ASTJSON[] | { [key: string]: ASTJSON };

function matchers(ms: readonly Matcher[]): ASTJSON {
  return ms.map((m) => ({ name: m.name, type: matchTypeToString(m.type), value: m.value }));
}

/**
 * The JSON form of an expression that Prometheus's experimental `/api/v1/parse_query` returns
 * (`translateAST`): `{"type":"binaryExpr","op":"/","lhs":…}`. Object keys are in alphabetical
 * order, as Go's JSON encoding of maps writes them, so `JSON.stringify` matches byte for byte.
 * Offsets, ranges and steps are ms; StepInvariantExpr nodes are transparent.
 */
export function translateAST(e: Expr | null): ASTJSON {
  if (e === null) return null;
  switch (e.type) {
    case 'AggregateExpr':
      return {
        expr: translateAST(e.expr),
        grouping: [...e.grouping],
        op: e.op,
        param: translateAST(e.param),
        type: 'aggregation',
        without: e.without,
      };
    case 'BinaryExpr': {
      const m = e.vectorMatching;
      return {
        bool: e.returnBool,
        lhs: translateAST(e.lhs),
        matching:
          m === null ? null : { card: m.card, include: [...m.include], labels: [...m.matchingLabels], on: m.on },
        op: e.op,
        rhs: translateAST(e.rhs),
        type: 'binaryExpr',
      };
    }
    case 'Call':
      return {
        args: e.args.map(translateAST),
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
        expr: translateAST(e.expr),
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
      return { expr: translateAST(e.expr), type: 'parenExpr' };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.val };
    case 'UnaryExpr':
      return { expr: translateAST(e.expr), op: e.op, type: 'unaryExpr' };
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
      return translateAST(e.expr);
    case 'DurationExpr':
      // Never in an expression position; kept total for the type checker.
      return { type: 'durationExpr', val: exprToString(e) };
  }
}
