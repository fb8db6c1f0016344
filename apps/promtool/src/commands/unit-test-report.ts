// How `promtool test rules` prints expected and received alerts and samples.
// Prometheus: cmd/promtool/unittest.go labelsAndAnnotations.String, indentLines, parsedSamplesString
import { Labels } from '@tsprom/labels';
import { goFormatFloatE } from '../go-format.js';

/** An alert as a unit test compares it. */
export interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

/** A sample as a unit test compares it. */
export interface ParsedSample {
  labels: Labels;
  value: number;
}

/** Orders alerts by labels, then annotations. */
export function compareAlerts(a: LabelsAndAnnotations, b: LabelsAndAnnotations): number {
  return Labels.compare(a.labels, b.labels) || Labels.compare(a.annotations, b.annotations);
}

/** Every line of `lines` but the first prefixed with `indent`. */
export function indentLines(lines: string, indent: string): string {
  return lines.split('\n').join(`\n${indent}`);
}

function alertString(a: LabelsAndAnnotations): string {
  return `Labels:${a.labels.toString()}\nAnnotations:${a.annotations.toString()}`;
}

/** The alerts numbered, one `Labels:`/`Annotations:` pair each, the lines after the first indented. */
export function formatAlerts(as: readonly LabelsAndAnnotations[], indent: string): string {
  if (as.length === 0) return '[]';
  const items = as.map((a, i) => `${i}:${indentLines(`\n${alertString(a)}`, '  ')}`);
  return indentLines(`[\n${items.join(',\n')}\n]`, indent);
}

/** `{labels} 4E+00, {labels} -2.5E+00`, or `nil` for none. */
export function formatSamples(ss: readonly ParsedSample[]): string {
  if (ss.length === 0) return 'nil';
  return ss.map((s) => `${s.labels.toString()} ${goFormatFloatE(s.value)}`).join(', ');
}
