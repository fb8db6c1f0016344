// What every rule group of a manager shares.
import type { Appendable, Queryable } from '@tsprom/storage-interfaces';
import type { NotifyFunc } from './alerting-rule.js';
import type { QueryFunc } from './query-func.js';
import type { RuleMetrics } from './rule-metrics.js';
import type { Scheduler } from './scheduler.js';

/** Logs what rule evaluation does not fail on (a failed rule, a dropped sample). */
export type RulesLogger = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** What every group of a manager shares. */
// Prometheus: rules/manager.go ManagerOptions
export interface GroupContext {
  readonly queryFunc: QueryFunc;
  readonly notifyFunc: NotifyFunc;
  readonly appendable: Appendable;
  readonly queryable: Queryable;
  readonly externalURL: string;
  /** How long a firing alert is re-sent after (default 1m, `--rules.alert.resend-delay`). */
  readonly resendDelayMs: number;
  /** Longest outage after which `for` state is still restored (`--rules.alert.for-outage-tolerance`). */
  readonly outageToleranceMs: number;
  /** Least time left to fire a restored alert (`--rules.alert.for-grace-period`). */
  readonly forGracePeriodMs: number;
  /** The query offset of groups that set none (`rule_query_offset` of the global config). */
  readonly defaultRuleQueryOffsetMs: () => number;
  readonly scheduler: Scheduler;
  readonly logger: RulesLogger | undefined;
  readonly metrics: RuleMetrics;
  /** Aborted when the manager stops: removed groups then write no stale markers. */
  readonly managerDone: AbortSignal;
}
