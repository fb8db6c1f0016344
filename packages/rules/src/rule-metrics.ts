// The prometheus_rule_* families: counters kept per rule group (by `rule_group`, the group key
// `file;name`) and two summaries, read by the server when /metrics is scraped.
// Prometheus: rules/group.go Metrics, NewGroupMetrics
import { SlidingSummary } from './sliding-summary.js';

/** A metric family in the server's registry form (samples with a name suffix, labels, value). */
export interface RuleMetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'summary';
  readonly samples: readonly { suffix?: string; labels?: Readonly<Record<string, string>>; value: number }[];
}

/** One rule group's counters and gauges. Survives reloads that keep the group's key. */
export class GroupCounters {
  iterationsMissed = 0;
  iterationsScheduled = 0;
  evaluations = 0;
  evaluationFailures = 0;
  intervalSeconds = 0;
  lastEvaluationTimestampSeconds = 0;
  lastDurationSeconds = 0;
  lastRuleDurationSumSeconds = 0;
  lastRestoreDurationSeconds = 0;
  rules = 0;
  lastEvaluationSamples = 0;
}

const OBJECTIVES = [0.5, 0.9, 0.99];

/** The metrics of a rule manager: per-group counters and the duration summaries. */
export class RuleMetrics {
  readonly groups = new Map<string, GroupCounters>();
  readonly evalDuration: SlidingSummary;
  readonly iterationDuration: SlidingSummary;

  constructor(now: () => number) {
    this.evalDuration = new SlidingSummary(OBJECTIVES, now);
    this.iterationDuration = new SlidingSummary(OBJECTIVES, now);
  }

  /** The counters of group `key`, created at zero. */
  group(key: string): GroupCounters {
    let c = this.groups.get(key);
    if (c === undefined) {
      c = new GroupCounters();
      this.groups.set(key, c);
    }
    return c;
  }

  /** The families, as Prometheus names and documents them. */
  families(): RuleMetricFamily[] {
    const per = (
      name: string,
      help: string,
      type: 'counter' | 'gauge',
      get: (c: GroupCounters) => number,
    ): RuleMetricFamily => ({
      name,
      help,
      type,
      samples: [...this.groups].map(([key, c]) => ({ labels: { rule_group: key }, value: get(c) })),
    });
    return [
      summary('prometheus_rule_evaluation_duration_seconds', 'The duration for a rule to execute.', this.evalDuration),
      summary(
        'prometheus_rule_group_duration_seconds',
        'The duration of rule group evaluations.',
        this.iterationDuration,
      ),
      per(
        'prometheus_rule_group_iterations_missed_total',
        'The total number of rule group evaluations missed due to slow rule group evaluation.',
        'counter',
        (c) => c.iterationsMissed,
      ),
      per(
        'prometheus_rule_group_iterations_total',
        'The total number of scheduled rule group evaluations, whether executed or missed.',
        'counter',
        (c) => c.iterationsScheduled,
      ),
      per(
        'prometheus_rule_evaluations_total',
        'The total number of rule evaluations.',
        'counter',
        (c) => c.evaluations,
      ),
      per(
        'prometheus_rule_evaluation_failures_total',
        'The total number of rule evaluation failures.',
        'counter',
        (c) => c.evaluationFailures,
      ),
      per('prometheus_rule_group_interval_seconds', 'The interval of a rule group.', 'gauge', (c) => c.intervalSeconds),
      per(
        'prometheus_rule_group_last_evaluation_timestamp_seconds',
        'The timestamp of the last rule group evaluation in seconds.',
        'gauge',
        (c) => c.lastEvaluationTimestampSeconds,
      ),
      per(
        'prometheus_rule_group_last_duration_seconds',
        'The duration of the last rule group evaluation.',
        'gauge',
        (c) => c.lastDurationSeconds,
      ),
      per(
        'prometheus_rule_group_last_rule_duration_sum_seconds',
        'The sum of time in seconds it took to evaluate each rule in the group regardless of concurrency. This should be higher than the group duration if rules are evaluated concurrently.',
        'gauge',
        (c) => c.lastRuleDurationSumSeconds,
      ),
      per(
        'prometheus_rule_group_last_restore_duration_seconds',
        'The duration of the last alert rules alerts restoration using the `ALERTS_FOR_STATE` series.',
        'gauge',
        (c) => c.lastRestoreDurationSeconds,
      ),
      per('prometheus_rule_group_rules', 'The number of rules.', 'gauge', (c) => c.rules),
      per(
        'prometheus_rule_group_last_evaluation_samples',
        'The number of samples returned during the last rule group evaluation.',
        'gauge',
        (c) => c.lastEvaluationSamples,
      ),
    ];
  }
}

function summary(name: string, help: string, s: SlidingSummary): RuleMetricFamily {
  const qs = s.quantiles();
  return {
    name,
    help,
    type: 'summary',
    samples: [
      ...OBJECTIVES.map((q, i) => ({ labels: { quantile: String(q) }, value: qs[i]! })),
      { suffix: '_sum', value: s.sum },
      { suffix: '_count', value: s.count },
    ],
  };
}
