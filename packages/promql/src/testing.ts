// @tsprom/promql/testing: what tests, benchmarks and tools need beside the engine: an in-memory
// Queryable (Prometheus util/teststorage) and the promqltest runner (Prometheus promql/promqltest),
// with its script parser and the conformance run over a directory's scripts (the caller reads the
// files). Universal, like the package: no Node built-ins.
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
export { MemorySeries, MemorySeriesIterator } from './storage/memory-series.js';
export { TestStorage } from './storage/test-storage.js';
