// @tsprom/remote: Prometheus's storage/remote, the sending side: the Remote Write 1.0 / 2.0 and
// remote read wire codecs (protobuf + snappy block format), the WAL watcher, the QueueManager
// (shards, resharding, retries) and the WriteStorage applying `remote_write` configs.
export { BatchEncoder, type SeriesLookup } from './batch-encoder.js';
export {
  calculateDesiredShards,
  EwmaRate,
  type ShardLimits,
  type ShardRates,
  ShardToleranceFraction,
  ShardUpdateDurationMs,
} from './desired-shards.js';
export { MarkRing } from './mark-ring.js';
export { type PbBucketSpan, type PbHistogram, PbResetHint, emptyPbHistogram } from './proto-histogram.js';
export { ProtoWriter } from './proto-writer.js';
export { type QueueClock, realClock } from './queue-clock.js';
export { QueueManager, type QueueManagerOptions, readPosition } from './queue-manager.js';
export {
  newQueueStats,
  type QueueIdentity,
  type QueueStats,
  type RemoteMetricFamily,
  remoteStorageMetricFamilies,
  SentBatchDurationBuckets,
} from './queue-metrics.js';
export {
  type ChunkedReadResponse,
  decodeChunkedReadResponse,
  decodeReadRequest,
  decodeReadResponse,
  encodeChunkedReadResponse,
  encodeReadRequest,
  encodeReadResponse,
  type PbChunk,
  PbChunkEncoding,
  type PbChunkedSeries,
  type PbLabelMatcher,
  PbMatcherType,
  type PbQuery,
  type PbQueryResult,
  type PbReadHints,
  PbResponseType,
  type ReadRequest,
  type ReadResponse,
} from './read-request.js';
export { type BackoffOptions, SendOutcome, sendWithBackoff } from './send-with-backoff.js';
export { type SentSeries, SeriesStore, withExternalLabels } from './series-store.js';
export { type SampleBatch, ShardBuffer } from './shard-buffer.js';
export { SnappyDecodeError, snappyDecode, snappyDecodedLength, snappyEncode } from './snappy.js';
export {
  decodeWriteRequest,
  encodeWriteRequest,
  type PbExemplar,
  type PbLabel,
  PbMetricType,
  type PbMetricMetadata,
  type PbSample,
  type PbTimeSeries,
  type WriteRequest,
} from './write-request.js';
export {
  decodeV2Request,
  encodeV2Request,
  SymbolTable,
  type V2Exemplar,
  type V2Metadata,
  type V2Request,
  type V2Sample,
  type V2TimeSeries,
} from './write-v2.js';
export {
  comparePositions,
  type WalPosition,
  WalWatcher,
  type WalWatcherOptions,
  type WalWatcherStats,
  type WalWatcherWriter,
} from './wal-watcher.js';
export {
  RecoverableError,
  RemoteWriteHeaders,
  RemoteWriteUserAgent,
  retryAfterMs,
  type StoreFn,
  WriteClient,
  WriteRejectedError,
} from './write-client.js';
export {
  remoteWriteHash,
  UnsupportedRemoteWriteConfigError,
  WriteStorage,
  type WriteStorageOptions,
} from './write-storage.js';
export {
  chunkedFrame,
  filterExtLabelsFromMatchers,
  mergeLabels,
  negotiateResponseType,
  ReadHandler,
  type ReadHandlerOptions,
  ReadHTTPError,
  streamChunkedReadResponses,
  toQueryResult,
} from './read-handler.js';
export { InvalidSeriesLabelsError } from './receive-convert.js';
export { httpError, noContent, type RemoteRequest, type RemoteResponse } from './receive-http.js';
export {
  parseProtoMsg,
  ProtoMsgV1,
  ProtoMsgV2,
  type ReceiveLogger,
  type RemoteWriteProtoMsg,
  WriteHandler,
  type WriteHandlerOptions,
  type WriteResponseStats,
  WrittenExemplarsHeader,
  WrittenHistogramsHeader,
  WrittenSamplesHeader,
} from './receive-write-handler.js';
export {
  decodeChunkedStream,
  decodeSamplesResponse,
  HTTPReadClient,
  type ReadClient,
  RemoteReadError,
} from './read-client.js';
export {
  addExternalLabels,
  RemoteReadQueryable,
  type RemoteReadQueryableOptions,
  toQuery,
} from './read-queryable.js';
export { decodeOTLPWriteRequest, OTLPWriteHandler, type OTLPWriteHandlerOptions } from './otlp-handler.js';
export { buildLabelName, buildMetricName, type OTLPMetricKind } from './otlp-names.js';
export { otlpExemplars, UnsupportedExemplarValueError } from './otlp-exemplars.js';
export {
  type ConvertedHistogram,
  convertBucketsLayout,
  explicitHistogramToCustomBucketsHistogram,
  exponentialToNativeHistogram,
  UnsupportedExponentialScaleError,
} from './otlp-histograms.js';
export { type OTLPTranslation, OTLPTranslator, type OTLPTranslatorOptions } from './otlp-translate.js';
export type {
  OTLPExemplar,
  OTLPExponentialHistogramDataPoint,
  OTLPExportMetricsServiceRequest,
  OTLPHistogramDataPoint,
  OTLPMetric,
} from './otlp-types.js';
