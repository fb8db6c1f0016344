// Prometheus: notifier/alertmanager.go alertmanager, alertmanagerLabels, AlertmanagerFromGroup,
// postPath; config.CheckTargetAddress.
import type { AlertmanagerConfig } from '@tsprom/config';
import type { TargetGroup } from '@tsprom/discovery';
import { AddressLabel, Labels, LabelsBuilder, SchemeLabel } from '@tsprom/labels';
import { processBuilder } from '@tsprom/relabel';
import { AlertmanagerTargetError } from './errors.js';

/** The label holding the path alerts are posted to (Prometheus pathLabel). */
export const AlertsPathLabel = '__alerts_path__';

/** One Alertmanager: its labels after (or, when dropped, before) `relabel_configs`. */
export class Alertmanager {
  constructor(readonly labels: Labels) {}

  /** `<__scheme__>://<__address__><__alerts_path__>`, where alerts are posted. */
  url(): string {
    return `${this.labels.get(SchemeLabel)}://${this.labels.get(AddressLabel)}${this.labels.get(AlertsPathLabel)}`;
  }
}

/** Alertmanagers found in one target group: those kept by relabeling and those dropped. */
export interface AlertmanagersFromGroup {
  readonly active: Alertmanager[];
  readonly dropped: Alertmanager[];
}

/**
 * The path alerts are posted to: `/<path_prefix>/api/v2/alerts`, cleaned as Go's path.Join does.
 * Prometheus: notifier postPath.
 */
export function postPath(pathPrefix: string, apiVersion: string): string {
  return cleanPath(`/${pathPrefix}/api/${apiVersion}/alerts`);
}

/** Go's path.Clean for a rooted path: no empty, `.` or `..` elements, no trailing slash. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/**
 * The Alertmanagers of a target group (Prometheus AlertmanagerFromGroup): each target's labels,
 * then `__scheme__` from the config and `__alerts_path__` from its path prefix, then the group's
 * labels the target lacks; `relabel_configs` decide which are kept. Throws
 * {@link AlertmanagerTargetError} when a kept address holds a `/`.
 */
export function alertmanagerFromGroup(tg: TargetGroup, cfg: AlertmanagerConfig): AlertmanagersFromGroup {
  const active: Alertmanager[] = [];
  const dropped: Alertmanager[] = [];
  const lb = new LabelsBuilder();
  for (const target of tg.targets) {
    lb.reset(Labels.EMPTY);
    for (const [name, value] of Object.entries(target)) lb.set(name, value);
    lb.set(SchemeLabel, cfg.scheme);
    lb.set(AlertsPathLabel, postPath(cfg.pathPrefix, cfg.apiVersion));
    for (const [name, value] of Object.entries(tg.labels)) {
      if (!Object.hasOwn(target, name)) lb.set(name, value);
    }
    const preRelabel = lb.labels();
    if (!processBuilder(lb, cfg.relabelConfigs)) {
      dropped.push(new Alertmanager(preRelabel));
      continue;
    }
    const addr = lb.get(AddressLabel);
    if (addr.includes('/')) throw new AlertmanagerTargetError(`${JSON.stringify(addr)} is not a valid hostname`);
    active.push(new Alertmanager(lb.labels()));
  }
  return { active, dropped };
}
