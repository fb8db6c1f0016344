// Prometheus: web/api/v1/api.go targetRelabelSteps (the loop over the rules) with
// model/relabel/relabel.go ProcessBuilder applied one rule at a time.
import { Labels, LabelsBuilder } from '@tsprom/labels';
import { processBuilder } from './relabel.js';
import type { RelabelConfig } from './relabel-config.js';

/** The effect of one relabeling rule (Prometheus api.RelabelStep). */
export interface RelabelStep {
  readonly rule: RelabelConfig;
  /** The label set after this rule; empty once the set is dropped. */
  readonly output: Labels;
  /** False from the rule that dropped the set on. */
  readonly keep: boolean;
}

/**
 * Applies `configs` to `labels` one rule at a time and records the label set after each: one step
 * per rule, in order. Once a rule drops the set, it and every later rule report `keep: false` and
 * an empty output (the later rules are not applied). Labels with empty values are removed from
 * every output, as `relabel` removes them.
 */
export function relabelSteps(labels: Labels, configs: readonly RelabelConfig[]): RelabelStep[] {
  const lb = new LabelsBuilder(labels);
  const steps: RelabelStep[] = [];
  let keep = true;
  for (const rule of configs) {
    if (keep) keep = processBuilder(lb, [rule]);
    steps.push({ rule, output: keep ? lb.labels() : Labels.EMPTY, keep });
  }
  return steps;
}
