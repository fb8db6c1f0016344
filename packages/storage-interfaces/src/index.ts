export { Annotation, type AnnotationLevel, Annotations, type PositionRange, startPosInput } from './annotations.js';
export type {
  Appendable,
  AppendableV2,
  Appender,
  AppenderV2,
  AppendOptions,
  AppendV2Options,
  SeriesRef,
} from './appender.js';
export { type Chunk, type ChunkAppender, type ChunkMeta, Encoding } from './chunk.js';
export {
  AppenderClosedError,
  AppendError,
  AppendPartialError,
  DuplicateExemplarError,
  DuplicateSampleForTimestampError,
  ExemplarLabelLengthError,
  ExemplarsDisabledError,
  InvalidLabelsError,
  NativeHistogramsDisabledError,
  NotFoundError,
  OutOfBoundsError,
  OutOfOrderExemplarError,
  OutOfOrderSampleError,
  OutOfOrderSTError,
  QuerierClosedError,
  ReadOnlyStorageError,
  StorageClosedError,
  StorageStateError,
  TooOldSampleError,
} from './errors.js';
export {
  CounterResetHint,
  CustomBucketsSchema,
  type FloatHistogram,
  type Histogram,
  type Span,
  zeroHistogramLike,
} from './histogram.js';
export type { FloatBuffer, SampleIterator } from './iterator.js';
export { type Exemplar, ExemplarMaxLabelSetLength, type Metadata, type MetricType } from './metadata.js';
export type {
  ChunkQuerier,
  ChunkQueryable,
  LabelHints,
  LabelQueryResult,
  Querier,
  Queryable,
  SelectHints,
} from './querier.js';
export type {
  ChunkIterator,
  ChunkSeries,
  ChunkSeriesSet,
  GenericSeriesSet,
  Labeled,
  Series,
  SeriesSet,
} from './series.js';
export type { Storage } from './storage.js';
export { appendableFromV2, appenderFromV2 } from './appender-v2-adapter.js';
export { ChainSampleIterator, chainedSeriesMerge } from './chain-sample-iterator.js';
export { compactingChunkSeriesMerger, concatenatingChunkSeriesMerger } from './compacting-chunk-series-merger.js';
export { type FanoutOptions, FanoutStorage } from './fanout.js';
export { FanoutAppender, FanoutAppenderV2, type FanoutErrorHandler } from './fanout-appender.js';
export { copyFloatHistogram, copyHistogram, histogramToFloat } from './histogram-convert.js';
export { listQuerier, listQueryable } from './list-querier.js';
export { ListChunkSeries, ListChunkSeriesIterator, ListSeries, ListSeriesIterator } from './list-series.js';
export { mergeStrings, newMergeChunkQuerier, newMergeQuerier } from './merge-querier.js';
export {
  mergeSeriesSets,
  type VerticalChunkSeriesMergeFunc,
  type VerticalSeriesMergeFunc,
} from './merge-series-set.js';
export { isNoopQuerier, noopChunkQuerier, noopQuerier } from './noop-querier.js';
export {
  type FloatHistogramSample,
  type FloatSample,
  type HistogramSample,
  type Sample,
  sampleValueType,
} from './sample.js';
export { emptyIterator, errorIterator, expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
export { readFloats, readFloatsOneByOne } from './read-floats.js';
export { type GenericQuerier, SecondaryQuerier } from './secondary-querier.js';
export {
  type ChunkFactory,
  chunkSeriesSetFromSeriesSet,
  chunkSeriesToSeries,
  chunkToSeriesDecoder,
  encodingForValueType,
  SERIES_TO_CHUNK_ENCODER_SPLIT,
  seriesSetFromChunkSeriesSet,
  seriesToChunkEncoder,
} from './series-chunk-conversion.js';
export {
  emptyChunkSeriesSet,
  emptySeriesSet,
  errorChunkSeriesSet,
  errorSeriesSet,
  ListSeriesSet,
  seriesSetFromList,
  warningsOnlySeriesSet,
} from './series-set.js';
export { isStaleNaN, STALE_NAN_BITS, StaleNaN } from './stale-nan.js';
export { ValueType, valueTypeName } from './value-type.js';
