// @tsprom/api: Prometheus's HTTP API v1 as a fetch-style handler (Request in, Response out), over
// any Queryable and the PromQL engine. Universal: no Node built-in.
export { type APIHandler, createAPIHandler } from './api.js';
export { APIError, type ErrorType, errorStatus } from './api-error.js';
export type {
  AdminDB,
  APIOptions,
  APITarget,
  BuildInfo,
  ExemplarQueryable,
  ExemplarQueryResult,
  GlobalURLOptions,
  QueryEngine,
  RuntimeInfo,
  StatusProvider,
  TargetMetricMetadata,
  TargetRetriever,
  TSDBHeadStats,
  WALReplayStatus,
} from './api-options.js';
export { MAX_TIME_MS, MIN_TIME_MS, ParamParseError, parseDuration, parseTime } from './params.js';
export { createFederateHandler, type FederateOptions } from './federate.js';
export { formatTimestamp } from './result-json.js';
export { QueryGate } from './query-gate.js';
