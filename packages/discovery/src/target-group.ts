// Prometheus: discovery/targetgroup/targetgroup.go Group (with its YAML and JSON forms) and
// prometheus/common model.LabelSet validation.
import { isValidLabelName, isValidUtf8 } from '@tsprom/labels';

/** A label set as discovery hands it over (Prometheus model.LabelSet): names to values. */
export type LabelSet = Readonly<Record<string, string>>;

/**
 * A set of targets with common labels (Prometheus targetgroup.Group). `source` identifies the group
 * within its provider: a later group with the same source replaces it, one with no targets removes
 * it. Every target carries at least `__address__`.
 */
export interface TargetGroup {
  readonly targets: readonly LabelSet[];
  readonly labels: LabelSet;
  readonly source: string;
}

/** A target group file or object Prometheus would refuse; the message is Prometheus's. */
export class TargetGroupError extends Error {
  override readonly name = 'TargetGroupError';
}

/**
 * Reads one target group as prometheus.yml and file_sd files write it (`{targets: [host…],
 * labels: {…}}`, Group.UnmarshalYAML / UnmarshalJSON): each target becomes `{__address__: host}`.
 * Label names must be valid (UTF-8, Prometheus 3), values valid UTF-8. Throws
 * {@link TargetGroupError}.
 */
export function parseTargetGroup(obj: unknown, source: string): TargetGroup {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new TargetGroupError(`target group must be a mapping, got ${describe(obj)}`);
  }
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'targets' && k !== 'labels') throw new TargetGroupError(`field ${k} not found in type targetgroup.Group`);
  }
  const targets: LabelSet[] = [];
  if (o.targets !== undefined && o.targets !== null) {
    if (!Array.isArray(o.targets))
      throw new TargetGroupError(`targets must be a list of strings, got ${describe(o.targets)}`);
    for (const t of o.targets) {
      if (typeof t !== 'string') throw new TargetGroupError(`target must be a string, got ${describe(t)}`);
      targets.push(labelSet({ __address__: t }));
    }
  }
  return { targets, labels: parseLabelSet(o.labels), source };
}

/** Reads a label set (`{name: value}`), checking names and values as model.LabelSet does. */
export function parseLabelSet(obj: unknown): LabelSet {
  if (obj === undefined || obj === null) return labelSet({});
  if (typeof obj !== 'object' || Array.isArray(obj))
    throw new TargetGroupError(`labels must be a mapping, got ${describe(obj)}`);
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(obj as Record<string, unknown>)) {
    if (!isValidLabelName(name, 'utf8'))
      throw new TargetGroupError(`${JSON.stringify(name)} is not a valid label name`);
    if (typeof value !== 'string') {
      throw new TargetGroupError(`label ${JSON.stringify(name)} must have a string value, got ${describe(value)}`);
    }
    if (!isValidUtf8(value)) throw new TargetGroupError(`${JSON.stringify(value)} is not a valid label value`);
    out[name] = value;
  }
  return out;
}

/** A frozen label set with no prototype (so `__proto__` is an ordinary label name). */
export function labelSet(entries: Record<string, string>): LabelSet {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(entries)) out[k] = v;
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : JSON.stringify(v);
}
