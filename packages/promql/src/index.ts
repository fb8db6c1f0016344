// @tsprom/promql: the PromQL parser, engine and test-DSL runner (Prometheus promql, promql/parser,
// promql/promqltest). Runs anywhere JavaScript runs: no Node built-ins.

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
} from './parser/index.js';

// In-memory storage for tests, benchmarks and embedders
export { MemorySeries, MemorySeriesIterator } from './storage/memory-series.js';
export { TestStorage } from './storage/test-storage.js';

// promqltest
export {
  type ConformanceFile,
  type ConformanceReport,
  countEvalStatements,
  type FileFigures,
  formatConformance,
  runConformance,
} from './promqltest/conformance.js';
export {
  type EvalOutcome,
  promqltestEngineOptions,
  type RunOptions,
  runTestScript,
  type ScriptOutcome,
} from './promqltest/runner.js';
export {
  type ClearCommand,
  type EvalCommand,
  type Expectation,
  type ExpectedSeries,
  type LoadCommand,
  parseTestScript,
  type TestCommand,
  TestScriptError,
} from './promqltest/script.js';
