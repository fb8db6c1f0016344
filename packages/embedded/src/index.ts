// @tsprom/embedded: tsprom's TSDB and PromQL engine inside any Node app (or an in-memory DB in any
// runtime), in one package: open, append, query, serve the Prometheus API, close.
export {
  type APIHandlerOptions,
  EmbeddedDB,
  type LabelsInput,
  type OpenOptions,
  openDB,
  type QueryCallOptions,
  type SampleInput,
} from './embedded-db.js';
export { EmbeddedError, type EmbeddedErrorType } from './errors.js';
export type {
  HistogramValue,
  InstantSample,
  Point,
  QueryResult,
  RangeQueryResult,
  RangeSeries,
} from './result.js';
export type { DurationInput, TimeInput } from './time.js';
// What the common case needs of the packages underneath, so that one package suffices.
export { Labels } from '@tsprom/labels';
export type { FetchHandler, NodeHandler, NodeHandlerOptions } from '@tsprom/node-http';
