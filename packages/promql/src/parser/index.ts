// Public API of the PromQL parser (re-exported by the package's src/index.ts as it chooses).
export {
  type AggregateExpr,
  type AggregateOp,
  type BinaryExpr,
  type BinaryOp,
  type Call,
  type DurationExpr,
  type DurationOp,
  type Expr,
  exprType,
  type FunctionDef,
  type MatrixSelector,
  type Node,
  type NumberLiteral,
  type ParenExpr,
  type StepInvariantExpr,
  type StringLiteral,
  type SubqueryExpr,
  type UnaryExpr,
  type ValueTypeName,
  type VectorMatchCardinality,
  type VectorMatchFillValues,
  type VectorMatching,
  type VectorSelector,
} from './ast.js';
export { documentedType } from './check.js';
export { DurationParseError, formatDuration, parseDuration } from './duration.js';
export { DurationExprError, evalDurationExpr } from './duration-expr.js';
export { ParseError, ParseErrors } from './errors.js';
export { Functions, getFunction } from './functions.js';
export {
  formatFloatF,
  formatFloatG,
  parseNumber,
  StringLiteralError,
  unquoteString as unquoteStringLiteral,
} from './literals.js';
export { parseMetricSelector, parseMetricSelectors } from './metric-selector.js';
export { type ParserOptions, parseExpr } from './parser.js';
export { AtModifierUnsafeFunctions, preprocessExpr } from './preprocess.js';
export { exprToString, prettify, quoteStringLiteral } from './printer.js';
export { parseSeriesDesc, type SequenceValue, type SeriesDesc } from './series-desc.js';
export { type ASTJSON, translateAST } from './translate-ast.js';
export { children, inspect } from './walk.js';
