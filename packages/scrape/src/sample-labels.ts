// Prometheus: scrape/scrape.go mutateSampleLabels, resolveConflictingExposedLabels,
// mutateReportSampleLabels, verifyLabelLimits, labelLimits.
import { type Labels, LabelsBuilder, MetricName, quoteString } from '@tsprom/labels';
import { type RelabelConfig, relabel } from '@tsprom/relabel';
import { LabelLimitError } from './errors.js';
import type { Target } from './target.js';

/** Prefix an exposed label gets when it collides with a target label (`exported_instance`). */
export const ExportedLabelPrefix = 'exported_';

/** Prometheus labelLimits: 0 means no limit. Lengths are in UTF-8 bytes, as Go's `len`. */
export interface LabelLimits {
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
}

/**
 * Prometheus mutateSampleLabels: adds the target's labels to a scraped series. With
 * `honorLabels` the series' own labels win; otherwise the target's do, and each clashing exposed
 * label is kept as `exported_<name>` (more `exported_` prefixes while that name is taken, shorter
 * names first). Then metric relabeling; an empty result means the series is dropped.
 */
export function mutateSampleLabels(
  lset: Labels,
  target: Target,
  honorLabels: boolean,
  rc: readonly RelabelConfig[],
): Labels {
  const lb = new LabelsBuilder(lset);
  const tl = target.publicLabels();
  if (honorLabels) {
    tl.forEach((name, value) => {
      if (!lset.has(name)) lb.set(name, value);
    });
  } else {
    const conflicts: { name: string; value: string }[] = [];
    tl.forEach((name, value) => {
      const existing = lset.get(name);
      if (existing !== '') conflicts.push({ name, value: existing });
      lb.set(name, value);
    });
    if (conflicts.length > 0) {
      conflicts.sort((a, b) => a.name.length - b.name.length); // Stable, as Go's SortStableFunc.
      for (const c of conflicts) {
        let newName = c.name;
        for (;;) {
          newName = ExportedLabelPrefix + newName;
          if (lb.get(newName) === '') {
            lb.set(newName, c.value);
            break;
          }
        }
      }
    }
  }
  const res = lb.labels();
  if (rc.length === 0) return res;
  return relabel(res, rc) ?? EMPTY;
}

const EMPTY = new LabelsBuilder().labels();

/**
 * Prometheus mutateReportSampleLabels: the target's labels on a report series (`up`…); a clashing
 * name of the report series moves to `exported_<name>`.
 */
export function mutateReportSampleLabels(lset: Labels, target: Target): Labels {
  const lb = new LabelsBuilder(lset);
  target.publicLabels().forEach((name, value) => {
    lb.set(ExportedLabelPrefix + name, lset.get(name));
    lb.set(name, value);
  });
  return lb.labels();
}

const utf8 = new TextEncoder();

/** Go's `%.<n>s`: the first `n` code points of `s`. */
function truncateRunes(s: string, n: number): string {
  if (s.length <= n) return s;
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (count++ === n) break;
    out += ch;
  }
  return out;
}

function byteLength(s: string): number {
  // ASCII is the common case: its length is its byte count.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return utf8.encode(s).length;
  return s.length;
}

/**
 * Prometheus verifyLabelLimits: throws {@link LabelLimitError} with Prometheus's message when
 * `lset` has more labels than `label_limit`, or a name or value longer than its length limit.
 */
export function verifyLabelLimits(lset: Labels, limits: LabelLimits): void {
  const met = lset.get(MetricName);
  if (limits.labelLimit > 0 && lset.length > limits.labelLimit) {
    throw new LabelLimitError(
      'label_limit',
      `label_limit exceeded (metric: ${truncateRunes(met, 50)}, number of labels: ${lset.length}, limit: ${limits.labelLimit})`,
    );
  }
  if (limits.labelNameLengthLimit === 0 && limits.labelValueLengthLimit === 0) return;
  lset.forEach((name, value) => {
    if (limits.labelNameLengthLimit > 0) {
      const n = byteLength(name);
      if (n > limits.labelNameLengthLimit) {
        throw new LabelLimitError(
          'label_name_length_limit',
          `label_name_length_limit exceeded (metric: ${truncateRunes(met, 50)}, label name: ${truncateRunes(name, 50)}, length: ${n}, limit: ${limits.labelNameLengthLimit})`,
        );
      }
    }
    if (limits.labelValueLengthLimit > 0) {
      const n = byteLength(value);
      if (n > limits.labelValueLengthLimit) {
        throw new LabelLimitError(
          'label_value_length_limit',
          `label_value_length_limit exceeded (metric: ${truncateRunes(met, 50)}, label name: ${truncateRunes(name, 50)}, value: ${quoteString(truncateRunes(value, 50))}, length: ${n}, limit: ${limits.labelValueLengthLimit})`,
        );
      }
    }
  });
}
