// Prometheus: prometheus/common model/metric.go IsValidMetricName, model/labels.go LabelName.IsValid
// and IsValidLegacy, under the Prometheus 3 default (UTF-8) name validation scheme.

/**
 * How metric and label names are validated: `legacy` is the classic `[a-zA-Z_:][a-zA-Z0-9_:]*`
 * (labels without `:`), `utf8` (Prometheus 3's default) accepts any non-empty valid UTF-8 string.
 */
export type ValidationScheme = 'legacy' | 'utf8';

const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isValidLegacyMetricName(name: string): boolean {
  return LEGACY_METRIC.test(name);
}

/** Whether `name` matches `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLegacyLabelName(name: string): boolean {
  return LEGACY_LABEL.test(name);
}

/**
 * Whether `s` is valid UTF-8 when encoded: a JavaScript string is, unless it holds a lone
 * surrogate.
 */
export function isValidUtf8(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Whether `name` is a valid metric name under `scheme` (default `utf8`). */
export function isValidMetricName(name: string, scheme: ValidationScheme = 'utf8'): boolean {
  if (scheme === 'legacy') return isValidLegacyMetricName(name);
  return name.length > 0 && isValidUtf8(name);
}

/** Whether `name` is a valid label name under `scheme` (default `utf8`). */
export function isValidLabelName(name: string, scheme: ValidationScheme = 'utf8'): boolean {
  if (scheme === 'legacy') return isValidLegacyLabelName(name);
  return name.length > 0 && isValidUtf8(name);
}
