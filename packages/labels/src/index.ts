// @tsprom/labels: label sets, hashing, matchers and name validation (Prometheus model/labels).
export {
  AddressLabel,
  AlertName,
  BucketLabel,
  InstanceLabel,
  InstanceName,
  JobLabel,
  MetaLabelPrefix,
  MetricName,
  MetricsPathLabel,
  ParamLabelPrefix,
  QuantileLabel,
  ReservedLabelPrefix,
  SchemeLabel,
  ScrapeIntervalLabel,
  ScrapeTimeoutLabel,
  TmpLabelPrefix,
} from './label-names.js';
export { type Label, Labels, stableHash } from './labels.js';
export { LabelsBuilder } from './labels-builder.js';
export { ScratchBuilder } from './scratch-builder.js';
export { MatchType, Matcher, matchTypeToString } from './matcher.js';
export { compileAnchoredRe2, FastRegexMatcher } from './fast-regex-matcher.js';
export { MetricParseError, RegexSyntaxError } from './errors.js';
export { formatMetric, parseMetric } from './parse-metric.js';
export {
  isValidLabelName,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  isValidMetricName,
  isValidUtf8,
  type ValidationScheme,
} from './validation.js';
export { quoteString, UnquoteError, unquoteString } from './quote.js';
export { compareStrings } from './compare-strings.js';
export { xxhash64 } from './xxhash64.js';
