export {
  bucketBound,
  customBound,
  ExponentialSchemaMax,
  ExponentialSchemaMin,
  exponentialBound,
  isCustomBucketsSchema,
  isExponentialSchema,
  isValidSchema,
  targetIdx,
} from './bounds.js';
export { BucketIterator } from './bucket-iterator.js';
export {
  absoluteToDeltas,
  addBuckets,
  type BucketLayout,
  compactBuckets,
  deltasToAbsolute,
  forEachBucket,
  LayoutBuilder,
  reduceResolution,
  spansBucketCount,
} from './buckets.js';
export { customBucketBoundsMatch, intersectCustomBucketBounds } from './custom-buckets.js';
export { HistogramValidationError, IncompatibleSchemaError } from './errors.js';
export {
  addFloatHistogram,
  compactFloatHistogram,
  detectReset,
  divFloatHistogram,
  floatHistogramEquals,
  floatHistogramString,
  type HistogramOpResult,
  mulFloatHistogram,
  subFloatHistogram,
  usesCustomBuckets,
} from './float-histogram.js';
export { formatG } from './format-g.js';
export { compactHistogram, histogramEquals, histogramString } from './histogram.js';
export { validateFloatHistogram, validateHistogram } from './validate.js';
export { reconcileZeroBuckets, widenZeroBucket, zeroCountForLargerThreshold } from './zero-bucket.js';
