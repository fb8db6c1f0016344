// @tsprom/promql: the PromQL engine and parser (Prometheus promql, promql/parser). Runs anywhere
// JavaScript runs: no Node built-ins. The in-memory test storage and the promqltest runner are
// `@tsprom/promql/testing`.

// Engine
export {
  Engine,
  type EngineOptions,
  type ExecOptions,
  InvalidQueryError,
  type Query,
  type QueryOptions,
} from './engine.js';
export { PromQLEvalError, QueryCanceledError, QueryTimeoutError, StorageError, TooManySamplesError } from './errors.js';
export type {
  FPoint,
  Matrix,
  QueryStats,
  QueryValue,
  Result,
  Sample,
  Scalar,
  StringValue,
  Vector,
} from './value.js';
export { Series } from './value.js';
export { formatFloatF, formatFloatG, parseGoFloat } from './go-float.js';

// Parser
export {
  type AggregateExpr,
  type AggregateOp,
  type BinaryExpr,
  type BinaryOp,
  type Call,
  type DurationExpr,
  type DurationOp,
  DurationExprError,
  DurationParseError,
  type Expr,
  exprToString,
  exprType,
  type FunctionDef,
  Functions,
  formatDuration,
  getFunction,
  type MatrixSelector,
  type NumberLiteral,
  type ParenExpr,
  ParseError,
  ParseErrors,
  type ParserOptions,
  parseDuration,
  parseExpr,
  parseMetricSelector,
  parseMetricSelectors,
  parseSeriesDesc,
  prettify,
  preprocessExpr,
  type SequenceValue,
  type SeriesDesc,
  type StepInvariantExpr,
  type StringLiteral,
  type SubqueryExpr,
  type UnaryExpr,
  type ValueTypeName,
  type VectorMatching,
  type VectorSelector,
  type ASTJSON,
  translateAST,
  inspect,
} from './parser/index.js';
