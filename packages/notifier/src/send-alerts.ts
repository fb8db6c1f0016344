// Prometheus: cmd/prometheus/main.go sendAlerts and util/strutil TableLinkForExpression: how the
// alerts of an alerting rule become notifier alerts.
import type { Label, Labels } from '@tsprom/labels';
import { Alert, type AnnotationsInit } from './alert.js';

/** An alert as an alerting rule hands it over (Prometheus rules.Alert); times in Unix ms. */
export interface RuleAlertLike {
  readonly labels: Labels;
  /** A record keeps annotations whose value is empty, as Prometheus sends them. */
  readonly annotations: AnnotationsInit | readonly Label[];
  /** When the alert started firing; `undefined` for Go's zero time. */
  readonly firedAt: number | undefined;
  /** When it resolved; `undefined` (Go's zero time) while it has not. */
  readonly resolvedAt: number | undefined;
  /** Until when Alertmanager should hold it firing without hearing of it again. */
  readonly validUntil: number | undefined;
}

/** Go's url.QueryEscape: unreserved bytes as they are, space as `+`, the rest as upper-case %XX. */
export function queryEscape(s: string): string {
  const wellFormed = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The expression browser link of an expression, in table view (`/graph?g0.expr=…&g0.tab=1`). */
export function tableLinkForExpression(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

/**
 * The notify function the server hands the rule manager (Prometheus sendAlerts): each rule alert
 * becomes an {@link Alert} starting at `firedAt`, ending at `resolvedAt` or else `validUntil`,
 * linking to `externalURL` + the rule's expression; they are passed to `send` in one call (none
 * when there are none).
 */
export function sendAlerts(
  send: (...alerts: Alert[]) => void,
  externalURL: string,
): (expr: string, alerts: readonly RuleAlertLike[]) => void {
  return (expr, alerts) => {
    if (alerts.length === 0) return;
    const generatorURL = externalURL + tableLinkForExpression(expr);
    send(
      ...alerts.map(
        (a) =>
          new Alert({
            labels: a.labels,
            annotations: a.annotations,
            startsAt: a.firedAt,
            endsAt: a.resolvedAt ?? a.validUntil,
            generatorURL,
          }),
      ),
    );
  };
}
