// Prometheus: model/relabel/relabel.go Config, DefaultRelabelConfig, Action, Config.Validate and
// Config.UnmarshalYAML (applied here to the object a YAML parser produces).
import { isValidLabelName, type ValidationScheme } from '@tsprom/labels';
import { Regexp } from './regexp.js';

/** Prometheus: relabel.Action. */
export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

const ACTIONS: ReadonlySet<string> = new Set<RelabelAction>([
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
]);

/** One relabeling step (Prometheus relabel.Config), validated. Immutable once loaded. */
export interface RelabelConfig {
  /** Labels whose values are joined with `separator`; `undefined` when not configured. */
  readonly sourceLabels: readonly string[] | undefined;
  readonly separator: string;
  readonly regex: Regexp;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
  /** How target label names are validated (Prometheus 3 default: `utf8`). */
  readonly nameValidationScheme: ValidationScheme;
}

/** The default regex, `(.*)`: one object, so that a configured `(.*)` is told apart as Prometheus does. */
export const DefaultRegexp: Regexp = new Regexp('(.*)');

/** Prometheus: relabel.DefaultRelabelConfig. */
export const DefaultRelabelConfig: RelabelConfig = {
  sourceLabels: undefined,
  separator: ';',
  regex: DefaultRegexp,
  modulus: 0,
  targetLabel: '',
  replacement: '$1',
  action: 'replace',
  nameValidationScheme: 'utf8',
};

/** A relabel configuration Prometheus would reject; the message is Prometheus's. */
export class RelabelConfigError extends Error {
  override readonly name = 'RelabelConfigError';
}

/** Prometheus relabelTargetLegacy: a legacy label name that may contain `$1`/`${1}` references. */
const RELABEL_TARGET_LEGACY = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** The YAML shape of a relabel config (prometheus.yml's `relabel_configs` entries). */
export interface RelabelConfigYaml {
  source_labels?: string[] | null;
  separator?: string | null;
  regex?: string | null;
  modulus?: number | null;
  target_label?: string | null;
  replacement?: string | null;
  action?: string | null;
}

const KEYS = new Set(['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action']);

/**
 * Loads one relabel config from the object YAML parsing produced, as Prometheus's UnmarshalYAML:
 * defaults first, unknown keys rejected, the action lowercased, source label names and the regex
 * checked, then {@link validateRelabelConfig}. Throws {@link RelabelConfigError} (or labels'
 * RegexSyntaxError for a bad regex).
 */
export function loadRelabelConfig(obj: unknown, nameValidationScheme: ValidationScheme = 'utf8'): RelabelConfig {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new RelabelConfigError('relabel config must be a mapping');
  }
  for (const k of Object.keys(obj)) {
    if (!KEYS.has(k)) throw new RelabelConfigError(`field ${k} not found in type relabel.plain`);
  }
  const y = obj as Record<string, unknown>;
  const str = (k: string, def: string): string => {
    const v = y[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string') throw new RelabelConfigError(`${k} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  let sourceLabels: string[] | undefined;
  if (y.source_labels !== undefined && y.source_labels !== null) {
    if (!Array.isArray(y.source_labels)) throw new RelabelConfigError('source_labels must be a list of label names');
    sourceLabels = y.source_labels.map((n) => {
      if (typeof n !== 'string' || !isValidLabelName(n, nameValidationScheme)) {
        throw new RelabelConfigError(`${JSON.stringify(n)} is not a valid label name`);
      }
      return n;
    });
  }
  let modulus = 0;
  if (y.modulus !== undefined && y.modulus !== null) {
    if (typeof y.modulus !== 'number' || !Number.isSafeInteger(y.modulus) || y.modulus < 0) {
      throw new RelabelConfigError(`modulus must be a non-negative integer, got ${JSON.stringify(y.modulus)}`);
    }
    modulus = y.modulus;
  }
  const rawAction = str('action', 'replace');
  const action = rawAction.toLowerCase();
  if (!ACTIONS.has(action)) throw new RelabelConfigError(`unknown relabel action ${JSON.stringify(rawAction)}`);
  const cfg: RelabelConfig = {
    sourceLabels,
    separator: str('separator', DefaultRelabelConfig.separator),
    // A `regex:` key without value is the empty regex, as in Prometheus.
    regex: 'regex' in y ? new Regexp(str('regex', '')) : DefaultRegexp,
    modulus,
    targetLabel: str('target_label', ''),
    replacement: str('replacement', DefaultRelabelConfig.replacement),
    action: action as RelabelAction,
    nameValidationScheme,
  };
  validateRelabelConfig(cfg);
  return cfg;
}

/** Loads a list of relabel configs (`relabel_configs`, `metric_relabel_configs`). */
export function loadRelabelConfigs(list: unknown, nameValidationScheme: ValidationScheme = 'utf8'): RelabelConfig[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new RelabelConfigError('relabel configs must be a list');
  return list.map((c) => loadRelabelConfig(c, nameValidationScheme));
}

function varInRegexTemplate(template: string): boolean {
  return template.includes('$');
}

/** Prometheus: relabel.Config.Validate, with its messages. */
export function validateRelabelConfig(c: RelabelConfig): void {
  const a = c.action;
  const fail = (msg: string): never => {
    throw new RelabelConfigError(msg);
  };
  const scheme = c.nameValidationScheme;
  const valid = (n: string) => isValidLabelName(n, scheme);
  const validWithVars = scheme === 'legacy' ? (v: string) => RELABEL_TARGET_LEGACY.test(v) : valid;
  if (c.modulus === 0 && a === 'hashmod') fail('relabel configuration for hashmod requires non-zero modulus');
  const needsTarget =
    a === 'replace' ||
    a === 'hashmod' ||
    a === 'lowercase' ||
    a === 'uppercase' ||
    a === 'keepequal' ||
    a === 'dropequal';
  if (needsTarget && c.targetLabel === '') fail(`relabel configuration for ${a} action requires 'target_label' value`);
  const invalidTarget = `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  if (a === 'replace' && !varInRegexTemplate(c.targetLabel) && !valid(c.targetLabel)) fail(invalidTarget);
  if (a === 'replace' && varInRegexTemplate(c.targetLabel) && !validWithVars(c.targetLabel)) fail(invalidTarget);
  const caseOrEqual = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (caseOrEqual && !valid(c.targetLabel)) fail(invalidTarget);
  if (caseOrEqual && c.replacement !== DefaultRelabelConfig.replacement)
    fail(`'replacement' can not be set for ${a} action`);
  if (a === 'labelmap' && !validWithVars(c.replacement)) {
    fail(`${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`);
  }
  if (a === 'hashmod' && !valid(c.targetLabel)) fail(invalidTarget);
  if (
    (a === 'dropequal' || a === 'keepequal') &&
    (c.regex !== DefaultRegexp ||
      c.modulus !== DefaultRelabelConfig.modulus ||
      c.separator !== DefaultRelabelConfig.separator ||
      c.replacement !== DefaultRelabelConfig.replacement)
  ) {
    fail(`${a} action requires only 'source_labels' and \`target_label\`, and no other fields`);
  }
  if (
    (a === 'labeldrop' || a === 'labelkeep') &&
    (c.sourceLabels !== undefined ||
      c.targetLabel !== DefaultRelabelConfig.targetLabel ||
      c.modulus !== DefaultRelabelConfig.modulus ||
      c.separator !== DefaultRelabelConfig.separator ||
      c.replacement !== DefaultRelabelConfig.replacement)
  ) {
    fail(`${a} action requires only 'regex', and no other fields`);
  }
}
