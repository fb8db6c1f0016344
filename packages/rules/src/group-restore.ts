// Restoring the `for` state of alerts after a restart, from the ALERTS_FOR_STATE series the
// previous run wrote.
// Prometheus: rules/group.go Group.RestoreForState
import { AlertName, Matcher, MatchType, MetricName } from '@tsprom/labels';
import { isStaleNaN, ValueType } from '@tsprom/storage-interfaces';
import { ALERTS_FOR_STATE_METRIC, type AlertingRule } from './alerting-rule.js';
import type { GroupContext } from './group-context.js';

/**
 * For each of `rules` (the alerting rules of group `groupName`): finds the ALERTS_FOR_STATE series of its active alerts
 * within the outage tolerance before `tsMs` and moves their `activeAt` so that the time spent
 * pending before the outage counts (and at least the grace period remains). Rules with a `for`
 * shorter than the grace period are not restored. Marks every alerting rule restored (their
 * ALERTS samples are written from then on). Never rejects: failures are logged.
 */
export async function restoreForState(
  groupName: string,
  rules: readonly AlertingRule[],
  ctx: GroupContext,
  tsMs: number,
): Promise<void> {
  const q = ctx.queryable.querier(tsMs - ctx.outageToleranceMs, tsMs);
  try {
    for (const rule of rules) {
      const hold = rule.holdDurationMs;
      if (hold < ctx.forGracePeriodMs) {
        // It would wait the grace period, longer than its own `for`: let it wait `for` instead.
        rule.restored = true;
        continue;
      }
      const matchers = [
        new Matcher(MatchType.Equal, MetricName, ALERTS_FOR_STATE_METRIC),
        new Matcher(MatchType.Equal, AlertName, rule.name),
      ];
      const bySeries = new Map<string, { t: number; v: number }>();
      try {
        const set = await q.select(false, undefined, matchers);
        while (set.next()) {
          const s = set.at();
          const it = s.iterator();
          let t = 0;
          let v = Number.NaN;
          let any = false;
          while (it.next() === ValueType.Float) {
            t = it.atT();
            v = it.atV();
            any = true;
          }
          const iterErr = it.err();
          if (iterErr !== undefined) throw iterErr;
          if (any) bySeries.set(s.labels().withoutMetricName().key(), { t, v });
        }
        const setErr = set.err();
        if (setErr !== undefined) throw setErr;
      } catch (err) {
        ctx.logger?.('error', "Failed to restore 'for' state", {
          group: groupName,
          alert: rule.name,
          err: String(err),
        });
        return;
      }
      // Restored from here on, whatever is found (as Prometheus 2): the rule writes ALERTS again.
      rule.restored = true;
      if (bySeries.size === 0) continue;
      for (const a of rule.active.values()) {
        const last = bySeries.get(a.labels.key());
        // No series, or the alert was not active when the last sample was written.
        if (last === undefined || isStaleNaN(last.v)) continue;
        const downAt = Math.floor(last.t / 1000) * 1000;
        let restoredActiveAt = Math.trunc(last.v) * 1000;
        const remaining = hold - (downAt - restoredActiveAt);
        if (remaining <= 0) {
          // It was firing when the previous run stopped; the next evaluation fires it again.
        } else if (remaining < ctx.forGracePeriodMs) {
          // Fires exactly a grace period from now.
          restoredActiveAt = tsMs + ctx.forGracePeriodMs - hold;
        } else {
          // The outage does not count as time spent pending.
          restoredActiveAt += tsMs - downAt;
        }
        a.activeAt = restoredActiveAt;
        ctx.logger?.('debug', "'for' state restored", { alertname: rule.name, restored_time: restoredActiveAt });
      }
    }
  } finally {
    await q.close();
  }
}
