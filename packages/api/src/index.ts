// @tsprom/api: Prometheus's HTTP API v1 as a fetch-style handler (Request in, Response out), over
// any Queryable and the PromQL engine. Universal: no Node built-in.
export { type APIHandler, createAPIHandler } from './api.js';
export { APIError, type ErrorType, errorStatus } from './api-error.js';
export type {
  AdminDB,
  AlertmanagerRetriever,
  APIAlertingRule,
  APIBlockMeta,
  APIOptions,
  APIRecordingRule,
  APIRule,
  APIRuleAlert,
  APIRuleGroup,
  APITarget,
  BuildInfo,
  ExemplarQueryable,
  ExemplarQueryResult,
  FeatureSet,
  GlobalURLOptions,
  QueryEngine,
  RulesRetriever,
  RuntimeInfo,
  ScrapePoolConfig,
  ScrapePoolsRetriever,
  StatusProvider,
  TargetMetricMetadata,
  TargetRetriever,
  TSDBHeadStats,
  WALReplayStatus,
} from './api-options.js';
export { MAX_TIME_MS, MIN_TIME_MS, ParamParseError, parseDuration, parseTime } from './params.js';
export { createFederateHandler, type FederateOptions } from './federate.js';
export { JSONWriter } from './json-writer.js';
export { formatTimestamp, queryResultJSON, writeQueryResult } from './result-json.js';
export { QueryGate } from './query-gate.js';
export {
  CONFIGURATION_UNSUCCESSFUL,
  DEFAULT_MAX_NOTIFICATION_SUBSCRIBERS,
  type Notification,
  type NotificationListener,
  Notifications,
  SHUTTING_DOWN,
  STARTING_UP,
} from './notifications.js';
export type { ProtoLabelPair, ProtoMetric, ProtoMetricFamily } from './proto-metric-family.js';
