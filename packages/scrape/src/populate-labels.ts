// Prometheus: scrape/target.go PopulateDiscoveredLabels, PopulateLabels, TargetsFromGroup;
// config/config.go CheckTargetAddress. As Prometheus 3: no default port is added to the address.
import { formatDuration, parseDuration } from '@tsprom/config';
import type { LabelSet, TargetGroup } from '@tsprom/discovery';
import {
  AddressLabel,
  InstanceLabel,
  isValidUtf8,
  JobLabel,
  Labels,
  LabelsBuilder,
  MetaLabelPrefix,
  MetricsPathLabel,
  ParamLabelPrefix,
  SchemeLabel,
  ScrapeIntervalLabel,
  ScrapeTimeoutLabel,
} from '@tsprom/labels';
import { processBuilder, type RelabelConfig } from '@tsprom/relabel';
import { TargetLabelsError } from './errors.js';

import { Target } from './target.js';

/** The parts of a scrape config that make target labels. */
export interface TargetLabelsConfig {
  readonly jobName: string;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly metricsPath: string;
  readonly scheme: string;
  /** URL parameters (`params`). */
  readonly params: ReadonlyMap<string, readonly string[]>;
  readonly relabelConfigs: readonly RelabelConfig[];
}

/**
 * Prometheus PopulateDiscoveredLabels: the target's labels, then the group's where the target
 * lacks them, then job, interval, timeout, metrics path, scheme and the first value of each param
 * where still unset. Leaves `lb` holding them and returns them.
 */
export function populateDiscoveredLabels(
  lb: LabelsBuilder,
  cfg: TargetLabelsConfig,
  tLabels: LabelSet,
  tgLabels: LabelSet | undefined,
): Labels {
  lb.reset(Labels.EMPTY);
  for (const k of Object.keys(tLabels)) lb.set(k, tLabels[k]!);
  if (tgLabels !== undefined) {
    for (const k of Object.keys(tgLabels)) if (!Object.hasOwn(tLabels, k)) lb.set(k, tgLabels[k]!);
  }
  const defaults: [string, string][] = [
    [JobLabel, cfg.jobName],
    [ScrapeIntervalLabel, formatDuration(cfg.scrapeIntervalMs)],
    [ScrapeTimeoutLabel, formatDuration(cfg.scrapeTimeoutMs)],
    [MetricsPathLabel, cfg.metricsPath],
    [SchemeLabel, cfg.scheme],
  ];
  for (const [name, value] of defaults) if (lb.get(name) === '') lb.set(name, value);
  for (const [k, v] of cfg.params) {
    const name = ParamLabelPrefix + k;
    if (v.length > 0 && lb.get(name) === '') lb.set(name, v[0]!);
  }
  return lb.labels();
}

/** The result of {@link populateLabels}: `labels` is empty when relabeling dropped the target. */
export interface PopulatedLabels {
  readonly labels: Labels;
  readonly discoveredLabels: Labels;
}

/**
 * Prometheus PopulateLabels: applies relabel_configs to the discovered labels, checks what a target
 * needs (an address without `/`, an interval and a timeout that parse, are not 0, timeout not over
 * interval), deletes `__meta_*` labels and defaults `instance` to the address. Throws
 * {@link TargetLabelsError} with Prometheus's message when the labels cannot make a target.
 */
export function populateLabels(
  lb: LabelsBuilder,
  cfg: TargetLabelsConfig,
  tLabels: LabelSet,
  tgLabels: LabelSet | undefined,
): PopulatedLabels {
  const discoveredLabels = populateDiscoveredLabels(lb, cfg, tLabels, tgLabels);
  if (!processBuilder(lb, cfg.relabelConfigs)) return { labels: Labels.EMPTY, discoveredLabels };
  const addr = lb.get(AddressLabel);
  if (addr === '') throw new TargetLabelsError('no address');
  if (addr.includes('/')) throw new TargetLabelsError(`${JSON.stringify(addr)} is not a valid hostname`);

  const interval = lb.get(ScrapeIntervalLabel);
  const intervalMs = parseLabelDuration(interval, 'interval');
  if (intervalMs === 0) throw new TargetLabelsError('scrape interval cannot be 0');
  const timeout = lb.get(ScrapeTimeoutLabel);
  const timeoutMs = parseLabelDuration(timeout, 'timeout');
  if (timeoutMs === 0) throw new TargetLabelsError('scrape timeout cannot be 0');
  if (timeoutMs > intervalMs) {
    throw new TargetLabelsError(
      `scrape timeout cannot be greater than scrape interval (${JSON.stringify(timeout)} > ${JSON.stringify(interval)})`,
    );
  }

  const meta: string[] = [];
  lb.range((name) => {
    if (name.startsWith(MetaLabelPrefix)) meta.push(name);
  });
  lb.del(...meta);
  if (lb.get(InstanceLabel) === '') lb.set(InstanceLabel, addr);

  const labels = lb.labels();
  labels.forEach((name, value) => {
    if (!isValidUtf8(value)) {
      throw new TargetLabelsError(`invalid label value for ${JSON.stringify(name)}: ${JSON.stringify(value)}`);
    }
  });
  return { labels, discoveredLabels };
}

function parseLabelDuration(s: string, what: 'interval' | 'timeout'): number {
  try {
    return parseDuration(s);
  } catch (err) {
    throw new TargetLabelsError(`error parsing scrape ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** What {@link targetsFromGroup} made of a group. */
export interface TargetsFromGroupResult {
  /** Active targets and dropped ones (empty `labels`), in the group's order. */
  readonly targets: Target[];
  /** Targets that could not be made: `instance <i> in group <source>: <reason>`. */
  readonly failures: TargetLabelsError[];
}

/** Prometheus TargetsFromGroup: a Target for each target of the group, or a failure. */
export function targetsFromGroup(
  tg: TargetGroup,
  cfg: TargetLabelsConfig,
  lb: LabelsBuilder = new LabelsBuilder(),
): TargetsFromGroupResult {
  const targets: Target[] = [];
  const failures: TargetLabelsError[] = [];
  for (let i = 0; i < tg.targets.length; i++) {
    try {
      const { labels, discoveredLabels } = populateLabels(lb, cfg, tg.targets[i]!, tg.labels);
      targets.push(new Target(labels, discoveredLabels, cfg.params));
    } catch (err) {
      if (!(err instanceof TargetLabelsError)) throw err;
      failures.push(new TargetLabelsError(`instance ${i} in group ${tg.source}: ${err.message}`, { cause: err }));
    }
  }
  return { targets, failures };
}
