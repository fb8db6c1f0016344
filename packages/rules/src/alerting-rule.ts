// An alerting rule: each sample of its expression is an alert, pending for `for`, then firing;
// it resolves when the sample goes away (after `keep_firing_for`).
// Prometheus: rules/alerting.go AlertingRule
import { formatDuration } from '@tsprom/config';
import { AlertName, type Label, type Labels, LabelsBuilder, MetricName } from '@tsprom/labels';
import { type Expr, exprToString, type Sample, type Vector } from '@tsprom/promql';
import { alertTemplateData, Expander, type TemplateQueryFunc } from '@tsprom/template';
import { stringify } from 'yaml';
import { type Alert, AlertState, alertNeedsSending, alertStateOrder } from './alert.js';
import { histogramTemplateValue } from './histogram-template-value.js';
import type { QueryFunc } from './query-func.js';
import { DuplicateLabelsetError, RuleLimitError } from './recording-rule.js';
import { type Rule, type RuleEvalContext, RuleHealth } from './rule.js';
import { ALERT_TEMPLATE_DEFS } from './rulefmt/template-check.js';

/** The series of an alert's state (value 1, `alertstate` label). */
export const ALERTS_METRIC = 'ALERTS';
/** The series of when an alert became active (value: seconds since the epoch), for restoring `for`. */
export const ALERTS_FOR_STATE_METRIC = 'ALERTS_FOR_STATE';
const ALERT_STATE_LABEL = 'alertstate';
/** How long a resolved alert is kept, to be sent as resolved and cleaned up on reload. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Reports a template that failed to expand (the alert gets `<error expanding template: …>`). */
export type TemplateErrorHandler = (alertName: string, err: unknown) => void;

/** Options of an alerting rule beyond its rule-file fields. */
export interface AlertingRuleOptions {
  readonly externalLabels?: Labels;
  readonly externalURL?: string;
  /**
   * Whether the `for` state is already restored (or needs no restoring). Until it is, the rule
   * writes no ALERTS / ALERTS_FOR_STATE samples. Default true.
   */
  readonly restored?: boolean;
  readonly onTemplateError?: TemplateErrorHandler;
}

/** Turns alerts into notifications: the expression and the alerts to send. */
export type NotifyFunc = (expr: string, alerts: readonly Alert[]) => void;

/** An alerting rule and its active alerts, keyed by their label sets. */
// Prometheus: rules/alerting.go AlertingRule
export class AlertingRule implements Rule {
  health: RuleHealth = RuleHealth.Unknown;
  lastError: Error | undefined;
  evaluationTimestampMs = 0;
  evaluationDurationMs = 0;
  /** Whether the `for` state is restored: until then no ALERTS samples are written. */
  restored: boolean;
  /** Active alerts (pending, firing, and resolved ones kept for {@link RESOLVED_RETENTION_MS}). */
  readonly active = new Map<string, Alert>();
  readonly #queryString: string;
  readonly #externalLabels: Record<string, string>;
  readonly #externalURL: string;
  readonly #onTemplateError: TemplateErrorHandler | undefined;

  constructor(
    readonly name: string,
    readonly query: Expr,
    /** `for`: how long an alert stays pending before it fires (ms). */
    readonly holdDurationMs: number,
    /** `keep_firing_for`: how long a firing alert keeps firing once its condition cleared (ms). */
    readonly keepFiringForMs: number,
    readonly labels: Labels,
    /** Sorted by name; empty values kept (see `annotationsOf`). */
    readonly annotations: readonly Label[],
    opts: AlertingRuleOptions = {},
  ) {
    this.#queryString = exprToString(query);
    this.#externalLabels = opts.externalLabels?.toMap() ?? {};
    this.#externalURL = opts.externalURL ?? '';
    this.restored = opts.restored ?? true;
    this.#onTemplateError = opts.onTemplateError;
  }

  async eval(tMs: number, ctx: RuleEvalContext): Promise<Vector> {
    const res = await ctx.queryFunc(this.#queryString, tMs - ctx.queryOffsetMs, ctx.signal);
    const templateQuery = templateQueryFunc(ctx.queryFunc, ctx.signal);
    const lb = new LabelsBuilder();
    const alerts = new Map<string, Alert>();
    for (const smpl of res) {
      const value = smpl.h !== undefined ? histogramTemplateValue(smpl.h) : smpl.f;
      const data = alertTemplateData(smpl.metric.toMap(), this.#externalLabels, this.#externalURL, value);
      const expand = async (text: string): Promise<string> => {
        const name = `__alert_${this.name}`;
        const ex = new Expander(ALERT_TEMPLATE_DEFS + text, name, data, {
          timestampMs: tMs,
          queryFunc: templateQuery,
          externalURL: ctx.externalURL,
          // As Prometheus's AlertingRule.Eval: a label the alert lacks renders as "".
          options: ['missingkey=zero'],
        });
        try {
          return await ex.expand();
        } catch (err) {
          // Prometheus keeps the alert with the error in place of the text, and logs it.
          this.#onTemplateError?.(this.name, err);
          return `<error expanding template: ${(err as Error).message}>`;
        }
      };
      lb.reset(smpl.metric);
      lb.del(MetricName);
      for (const l of this.labels) lb.set(l.name, await expand(l.value));
      lb.set(AlertName, this.name);
      const annotations: Label[] = [];
      for (const a of this.annotations) annotations.push({ name: a.name, value: await expand(a.value) });
      const lbs = lb.labels();
      const key = lbs.key();
      if (alerts.has(key)) {
        throw new DuplicateLabelsetError('vector contains metrics with the same labelset after applying alert labels');
      }
      alerts.set(key, {
        state: AlertState.Pending,
        labels: lbs,
        annotations,
        value: smpl.f,
        activeAt: tMs,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    for (const [key, a] of alerts) {
      // An alert already active keeps its state and times; only its value and annotations change.
      const cur = this.active.get(key);
      if (cur !== undefined && cur.state !== AlertState.Inactive) {
        cur.value = a.value;
        cur.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }

    const vec: Sample[] = [];
    let numActivePending = 0;
    const sampleT = tMs - ctx.queryOffsetMs;
    for (const [key, a] of this.active) {
      if (!alerts.has(key)) {
        let keepFiring = false;
        if (a.state === AlertState.Firing && this.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = tMs;
          if (tMs - a.keepFiringSince < this.keepFiringForMs) keepFiring = true;
        }
        // A resolved alert is kept for a while: it must still be sent as resolved.
        if (a.state === AlertState.Pending || (a.resolvedAt !== 0 && tMs - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          this.active.delete(key);
        }
        if (a.state !== AlertState.Inactive && !keepFiring) {
          a.state = AlertState.Inactive;
          a.resolvedAt = tMs;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActivePending++;
      if (a.state === AlertState.Pending && tMs - a.activeAt >= this.holdDurationMs) {
        a.state = AlertState.Firing;
        a.firedAt = tMs;
      }
      if (this.restored) {
        vec.push(this.#sample(a, sampleT), this.#forStateSample(a, sampleT, Math.floor(a.activeAt / 1000)));
      }
    }
    if (ctx.limit > 0 && numActivePending > ctx.limit) {
      this.active.clear();
      throw new RuleLimitError(ctx.limit, numActivePending, 'alerts');
    }
    return vec;
  }

  // Prometheus: rules/alerting.go AlertingRule.sample
  #sample(a: Alert, t: number): Sample {
    const lb = new LabelsBuilder().reset(this.labels);
    for (const l of a.labels) lb.set(l.name, l.value);
    lb.set(MetricName, ALERTS_METRIC);
    lb.set(AlertName, this.name);
    lb.set(ALERT_STATE_LABEL, a.state);
    return { metric: lb.labels(), t, f: 1, dropName: false };
  }

  // Prometheus: rules/alerting.go AlertingRule.forStateSample
  #forStateSample(a: Alert, t: number, v: number): Sample {
    const lb = new LabelsBuilder().reset(this.labels);
    for (const l of a.labels) lb.set(l.name, l.value);
    lb.set(MetricName, ALERTS_FOR_STATE_METRIC);
    lb.set(AlertName, this.name);
    return { metric: lb.labels(), t, f: v, dropName: false };
  }

  /** The rule's state: the highest state of its active alerts. */
  // Prometheus: rules/alerting.go AlertingRule.State
  state(): AlertState {
    let max: AlertState = AlertState.Inactive;
    for (const a of this.active.values()) if (alertStateOrder(a.state) > alertStateOrder(max)) max = a.state;
    return max;
  }

  /** Pending and firing alerts (not the resolved ones kept around), as copies. */
  // Prometheus: rules/alerting.go AlertingRule.ActiveAlerts
  activeAlerts(): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) if (a.resolvedAt === 0) out.push({ ...a });
    return out;
  }

  /**
   * Sends the alerts that need sending at `tsMs` (firing ones every `resendDelayMs`, resolved ones
   * once) and stamps them sent, valid for 4 resend periods.
   */
  // Prometheus: rules/alerting.go AlertingRule.sendAlerts
  sendAlerts(tsMs: number, resendDelayMs: number, intervalMs: number, notify: NotifyFunc): void {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (!alertNeedsSending(a, tsMs, resendDelayMs)) continue;
      a.lastSentAt = tsMs;
      // Allow for two evaluation or Alertmanager send failures before the alert expires there.
      a.validUntil = tsMs + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({ ...a });
    }
    notify(this.#queryString, out);
  }

  /** Prometheus's YAML form of the rule. */
  toString(): string {
    const r: Record<string, unknown> = { alert: this.name, expr: this.#queryString };
    if (this.holdDurationMs !== 0) r.for = formatDuration(this.holdDurationMs);
    if (this.keepFiringForMs !== 0) r.keep_firing_for = formatDuration(this.keepFiringForMs);
    if (!this.labels.isEmpty()) r.labels = this.labels.toMap();
    if (this.annotations.length > 0) r.annotations = Object.fromEntries(this.annotations.map((a) => [a.name, a.value]));
    return stringify(r, { lineWidth: 0, indent: 4 });
  }
}

/** The `query` template function over a rule's QueryFunc. */
// Prometheus: template.QueryFunc(query) in rules/alerting.go
function templateQueryFunc(q: QueryFunc, signal: AbortSignal | undefined): TemplateQueryFunc {
  return async (query, tMs) => {
    const v = await q(query, tMs, signal);
    return v.map((s) => ({ labels: s.metric.toMap(), value: s.f }));
  };
}
