// What every rule has: a name, labels, an expression, an evaluation, and its health.
// Prometheus: rules/rule.go Rule, RuleHealth
import type { Labels } from '@tsprom/labels';
import type { Expr, Vector } from '@tsprom/promql';
import type { QueryFunc } from './query-func.js';

/** A rule's health after its last evaluation. */
export const RuleHealth = { Unknown: 'unknown', Good: 'ok', Bad: 'err' } as const;
export type RuleHealth = (typeof RuleHealth)[keyof typeof RuleHealth];

/** What one evaluation of a rule needs besides its time. */
export interface RuleEvalContext {
  /** Queries run this long before the evaluation time (ms). */
  readonly queryOffsetMs: number;
  readonly queryFunc: QueryFunc;
  /** Prometheus's external URL, for templates. */
  readonly externalURL: string;
  /** Most series or alerts the rule may produce; 0 = no limit. */
  readonly limit: number;
  readonly signal?: AbortSignal;
}

/** A recording or alerting rule. Not safe for overlapping evaluations (a group runs one at a time). */
// Prometheus: rules/rule.go Rule
export interface Rule {
  /** The recorded metric name or the alert name. */
  readonly name: string;
  /** The rule's labels (group labels merged under the rule's own). */
  readonly labels: Labels;
  /** The rule's parsed expression. */
  readonly query: Expr;
  /** Evaluates the rule at `tMs` (ms): the samples to append. Rejects on failure. */
  eval(tMs: number, ctx: RuleEvalContext): Promise<Vector>;
  /** The rule as Prometheus's Rule.String prints it (YAML). */
  toString(): string;
  health: RuleHealth;
  lastError: Error | undefined;
  /** Wall-clock start of the last evaluation (ms; 0 before the first). */
  evaluationTimestampMs: number;
  /** How long the last evaluation took (ms). */
  evaluationDurationMs: number;
}
