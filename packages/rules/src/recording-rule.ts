// A recording rule: evaluates its expression and stores the result under a new metric name.
// Prometheus: rules/recording.go
import { type Labels, LabelsBuilder, MetricName } from '@tsprom/labels';
import { type Expr, exprToString, type Vector } from '@tsprom/promql';
import { stringify } from 'yaml';
import { type Rule, type RuleEvalContext, RuleHealth } from './rule.js';

/** The rule's output has two series with the same labels. */
export class DuplicateLabelsetError extends Error {
  override readonly name = 'DuplicateLabelsetError';
}

/** The rule produced more series (or alerts) than its group's `limit`. */
export class RuleLimitError extends Error {
  override readonly name = 'RuleLimitError';
  constructor(
    readonly limit: number,
    readonly count: number,
    what: 'series' | 'alerts',
  ) {
    super(`exceeded limit of ${limit} with ${count} ${what}`);
  }
}

/** Records the result of `query` as the series `name`, with `labels` set on each. */
// Prometheus: rules/recording.go RecordingRule
export class RecordingRule implements Rule {
  health: RuleHealth = RuleHealth.Unknown;
  lastError: Error | undefined;
  evaluationTimestampMs = 0;
  evaluationDurationMs = 0;
  readonly #queryString: string;

  constructor(
    readonly name: string,
    readonly query: Expr,
    readonly labels: Labels,
  ) {
    this.#queryString = exprToString(query);
  }

  async eval(tMs: number, ctx: RuleEvalContext): Promise<Vector> {
    const vector = await ctx.queryFunc(this.#queryString, tMs - ctx.queryOffsetMs, ctx.signal);
    const lb = new LabelsBuilder();
    const seen = new Set<string>();
    for (const s of vector) {
      lb.reset(s.metric);
      lb.set(MetricName, this.name);
      for (const l of this.labels) lb.set(l.name, l.value);
      s.metric = lb.labels();
      s.dropName = false;
      const key = s.metric.key();
      if (seen.has(key)) {
        throw new DuplicateLabelsetError('vector contains metrics with the same labelset after applying rule labels');
      }
      seen.add(key);
    }
    if (ctx.limit > 0 && vector.length > ctx.limit) throw new RuleLimitError(ctx.limit, vector.length, 'series');
    return vector;
  }

  /** Prometheus's YAML form: `record`, `expr`, `labels`. */
  toString(): string {
    const r: Record<string, unknown> = { record: this.name, expr: this.#queryString };
    if (!this.labels.isEmpty()) r.labels = this.labels.toMap();
    return stringify(r, { lineWidth: 0, indent: 4 });
  }
}
