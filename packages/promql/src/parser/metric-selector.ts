// Prometheus: promql/parser/parse.go ParseMetricSelector, ParseMetricSelectors
import type { Matcher } from '@tsprom/labels';
import type { VectorSelector } from './ast.js';
import { parseFrom } from './parser.js';

/**
 * Parses a series selector such as `up{job="api"}` or `{__name__=~"http_.*"}` (as in the HTTP
 * API's `match[]`) into its label matchers (the metric name's matcher last). Anything else, even
 * a selector with `offset` or `@`, is a syntax error as in Prometheus (`1:4: parse error:
 * unexpected <op:+>`): throws ParseErrors.
 */
export function parseMetricSelector(input: string): Matcher[] {
  return (parseFrom(input, {}, 'SeriesSelector') as VectorSelector).labelMatchers;
}

/** Parses several selectors (`match[]`), each as {@link parseMetricSelector}. */
export function parseMetricSelectors(inputs: readonly string[]): Matcher[][] {
  return inputs.map(parseMetricSelector);
}
