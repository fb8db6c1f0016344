// Prometheus: cmd/prometheus/main.go: the rule manager as the server makes it (queries through the
// server's engine over the DB, appends to the DB, restores `for` state from it) and the providers
// the API reads rules, alerts and Alertmanagers from (web/api/v1 RulesRetriever,
// AlertmanagerRetriever).
import type { AlertmanagerRetriever, APIRule, APIRuleGroup, RulesRetriever } from '@tsprom/api';
import { exprToString } from '@tsprom/promql';
import { Labels } from '@tsprom/labels';
import type { Manager as NotifierManager, RuleAlertLike } from '@tsprom/notifier';
import {
  AlertingRule,
  type Group,
  type NotifyFunc,
  type QueryFunc,
  RuleResultTypeError,
  Manager as RuleManager,
  type Rule,
} from '@tsprom/rules';
import type { DB } from '@tsprom/tsdb';
import type { InstrumentedEngine } from './engine-metrics.js';
import type { Logger } from './logger.js';
import type { ServerSettings } from './server-options.js';

/** What the server hands {@link newRuleManager}. */
export interface RuleManagerInit {
  readonly engine: InstrumentedEngine;
  readonly db: DB;
  readonly settings: ServerSettings;
  readonly notify: NotifyFunc;
  readonly logger: Logger;
  /** The global `rule_query_offset` of the configuration in force. */
  readonly defaultRuleQueryOffsetMs: () => number;
}

/** Prometheus rules.EngineQueryFunc over the server's (instrumented) engine. */
function engineQueryFunc(engine: InstrumentedEngine, db: DB): QueryFunc {
  return async (query, tMs, signal) => {
    const q = engine.newInstantQuery(db, query, tMs);
    const res = await q.exec({ signal });
    if (res.err !== null) throw res.err;
    const v = res.value;
    if (v?.type === 'vector') return v.vector;
    if (v?.type === 'scalar') return [{ metric: Labels.EMPTY, t: v.scalar.t, f: v.scalar.v, dropName: false }];
    throw new RuleResultTypeError();
  };
}

/**
 * The rules' notify function over the notifier's `sendAlerts`: a rule alert's unset times (0) are
 * Go's zero time there (`undefined`), so a firing alert ends at its `validUntil`.
 */
// Prometheus: cmd/prometheus/main.go sendAlerts
export function notifyFunc(send: (expr: string, alerts: readonly RuleAlertLike[]) => void): NotifyFunc {
  const time = (ms: number) => (ms === 0 ? undefined : ms);
  return (expr, alerts) =>
    send(
      expr,
      alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        firedAt: time(a.firedAt),
        resolvedAt: time(a.resolvedAt),
        validUntil: time(a.validUntil),
      })),
    );
}

/** The rule manager of a server (not running until `run`, no groups until `update`). */
export function newRuleManager(init: RuleManagerInit): RuleManager {
  const s = init.settings;
  return new RuleManager({
    queryFunc: engineQueryFunc(init.engine, init.db),
    notifyFunc: init.notify,
    appendable: init.db,
    queryable: init.db,
    resendDelayMs: s.resendDelayMs,
    outageToleranceMs: s.forOutageToleranceMs,
    forGracePeriodMs: s.forGracePeriodMs,
    defaultRuleQueryOffsetMs: init.defaultRuleQueryOffsetMs,
    logger: (level, msg, fields) => init.logger.log(level, msg, fields),
  });
}

function apiRule(r: Rule): APIRule {
  const base = {
    name: r.name,
    query: exprToString(r.query),
    labels: r.labels,
    health: r.health,
    lastError: r.lastError,
    evaluationTimeMs: r.evaluationDurationMs,
    lastEvaluationMs: r.evaluationTimestampMs,
  };
  if (r instanceof AlertingRule) {
    return {
      ...base,
      type: 'alerting',
      durationMs: r.holdDurationMs,
      keepFiringForMs: r.keepFiringForMs,
      annotations: r.annotations,
      state: r.state(),
      activeAlerts: () => r.activeAlerts(),
    };
  }
  return { ...base, type: 'recording' };
}

function apiGroup(g: Group): APIRuleGroup {
  return {
    name: g.name,
    file: g.file,
    intervalMs: g.intervalMs,
    limit: g.limit,
    evaluationTimeMs: g.evaluationTimeMs,
    lastEvaluationMs: g.lastEvaluationMs,
    rules: g.rules.map(apiRule),
  };
}

/** The API's `rules` and `alertmanagers` providers over the managers a server has (once it has them). */
export function alertingProviders(
  rules: () => RuleManager | undefined,
  notifier: () => NotifierManager | undefined,
): { rules: RulesRetriever; alertmanagers: AlertmanagerRetriever } {
  return {
    rules: { ruleGroups: () => rules()?.ruleGroups().map(apiGroup) ?? [] },
    alertmanagers: {
      alertmanagers: () => notifier()?.alertmanagers() ?? [],
      droppedAlertmanagers: () => notifier()?.droppedAlertmanagers() ?? [],
    },
  };
}
