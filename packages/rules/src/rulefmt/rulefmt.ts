// Rule files: YAML groups of recording and alerting rules, decoded and validated as Prometheus's
// rulefmt does, with its messages.
// Prometheus: model/rulefmt/rulefmt.go
import { DurationError, parseDuration } from '@tsprom/config';
import { isValidLabelName, isValidMetricName, isValidUtf8, MetricName, type ValidationScheme } from '@tsprom/labels';
import { parseExpr } from '@tsprom/promql';
import type { Node } from 'yaml';
import { checkRuleTemplates } from './template-check.js';
import { RuleFileError, RuleFileErrors, RuleFileSyntaxError, RuleValidationError } from './errors.js';
import { NO_POS, type NodePos, YamlTree } from './yaml-tree.js';

/** A rule as written: exactly one of `record` and `alert` is set in a valid file. */
// Prometheus: model/rulefmt/rulefmt.go Rule
export interface RuleNode {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  /** `for` in ms (alerts only; 0 when absent). */
  readonly forMs: number;
  /** `keep_firing_for` in ms (alerts only; 0 when absent). */
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Where the rule's `record`/`alert`/`expr` values are (0:0 when absent). */
  readonly pos: { readonly record: NodePos; readonly alert: NodePos; readonly expr: NodePos };
}

/** A group of rules evaluated together. */
// Prometheus: model/rulefmt/rulefmt.go RuleGroup
export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval in ms; 0 when absent (the global evaluation_interval applies). */
  readonly intervalMs: number;
  /** `query_offset` in ms; undefined when absent (the global rule_query_offset applies). */
  readonly queryOffsetMs: number | undefined;
  /** Most series (recording) or alerts (alerting) a rule may produce; 0 = no limit. */
  readonly limit: number;
  /** Labels added to every rule of the group (a rule's own labels override them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly RuleNode[];
  /** Where the group starts. */
  readonly pos: NodePos;
}

/** A decoded rule file. */
export interface RuleGroups {
  readonly groups: readonly RuleGroup[];
}

/** Options of rule parsing. */
export interface ParseRulesOptions {
  /** Metric and label name validation (default `utf8`, Prometheus 3; `legacy` as Prometheus 2). */
  nameValidationScheme?: ValidationScheme;
}

const GROUPS_KEYS = ['groups'];
const GROUP_KEYS = ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

/**
 * Decodes and validates rule file text. Returns the groups and every problem found, as
 * rulefmt.Parse does: decoding errors come alone (no groups); validation errors come with the
 * groups. Errors carry no file name (see {@link parseRuleFile}).
 */
// Prometheus: model/rulefmt/rulefmt.go Parse
export function parseRules(
  content: string,
  opts: ParseRulesOptions = {},
): { groups: RuleGroups | undefined; errors: RuleFileError[] } {
  let tree: YamlTree;
  try {
    tree = YamlTree.parse(content);
  } catch (err) {
    if (err instanceof RuleFileError) return { groups: undefined, errors: [err] };
    throw err;
  }
  const durationErrors: RuleFileError[] = [];
  const duration = (n: Node | null): number | undefined => {
    const s = tree.string(n);
    if (s === undefined) return undefined;
    try {
      return parseDuration(s);
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      // model.Duration's UnmarshalYAML returns ParseDuration's error as it is.
      durationErrors.push(new RuleFileSyntaxError(err.message, tree.pos(n).line, { cause: err }));
      return undefined;
    }
  };
  const root = tree.struct(tree.root, 'rulefmt.RuleGroups', GROUPS_KEYS);
  const groups: RuleGroup[] = [];
  for (const gn of tree.seq(root?.get('groups')?.value ?? null, '[]rulefmt.RuleGroup')) {
    const g = tree.struct(gn, 'rulefmt.RuleGroup', GROUP_KEYS);
    if (g === undefined) continue;
    const rules: RuleNode[] = [];
    for (const rn of tree.seq(g.get('rules')?.value ?? null, '[]rulefmt.Rule')) {
      const r = tree.struct(rn, 'rulefmt.Rule', RULE_KEYS);
      if (r === undefined) continue;
      const recordNode = r.get('record')?.value ?? null;
      const alertNode = r.get('alert')?.value ?? null;
      const exprNode = r.get('expr')?.value ?? null;
      rules.push({
        record: tree.string(recordNode) || undefined,
        alert: tree.string(alertNode) || undefined,
        expr: tree.string(exprNode) ?? '',
        forMs: duration(r.get('for')?.value ?? null) ?? 0,
        keepFiringForMs: duration(r.get('keep_firing_for')?.value ?? null) ?? 0,
        labels: Object.fromEntries(tree.stringMap(r.get('labels')?.value ?? null)),
        annotations: Object.fromEntries(tree.stringMap(r.get('annotations')?.value ?? null)),
        pos: {
          record: r.has('record') ? tree.pos(recordNode ?? r.get('record')!.key) : NO_POS,
          alert: r.has('alert') ? tree.pos(alertNode ?? r.get('alert')!.key) : NO_POS,
          expr: r.has('expr') ? tree.pos(exprNode ?? r.get('expr')!.key) : NO_POS,
        },
      });
    }
    groups.push({
      name: tree.string(g.get('name')?.value ?? null) ?? '',
      intervalMs: duration(g.get('interval')?.value ?? null) ?? 0,
      queryOffsetMs: duration(g.get('query_offset')?.value ?? null),
      limit: tree.int(g.get('limit')?.value ?? null) ?? 0,
      labels: Object.fromEntries(tree.stringMap(g.get('labels')?.value ?? null)),
      rules,
      pos: tree.pos(gn),
    });
  }
  if (tree.errors.length > 0) {
    const firstLine = Number(/^line (\d+)/.exec(tree.errors[0]!)?.[1] ?? 0);
    return {
      groups: undefined,
      errors: [new RuleFileSyntaxError(`yaml: unmarshal errors:\n  ${tree.errors.join('\n  ')}`, firstLine)],
    };
  }
  if (durationErrors.length > 0) return { groups: undefined, errors: durationErrors.slice(0, 1) };
  const parsed = { groups };
  return { groups: parsed, errors: validateRuleGroups(parsed, opts.nameValidationScheme ?? 'utf8') };
}

/**
 * Validates decoded groups as rulefmt's RuleGroups.Validate does: group names present and unique,
 * group labels valid, and each rule valid (see {@link validateRule}).
 */
// Prometheus: model/rulefmt/rulefmt.go RuleGroups.Validate
export function validateRuleGroups(rgs: RuleGroups, scheme: ValidationScheme = 'utf8'): RuleFileError[] {
  const errs: RuleFileError[] = [];
  const seen = new Set<string>();
  for (const g of rgs.groups) {
    const at = `${g.pos.line}:${g.pos.column}: `;
    if (g.name === '') errs.push(new RuleFileError(`${at}Groupname must not be empty`, g.pos.line));
    if (seen.has(g.name)) {
      errs.push(new RuleFileError(`${at}groupname: "${g.name}" is repeated in the same file`, g.pos.line));
    }
    seen.add(g.name);
    for (const [k, v] of Object.entries(g.labels)) {
      if (!isValidLabelName(k, scheme) || k === MetricName) {
        errs.push(new RuleFileError(`invalid label name: ${k}`, g.pos.line));
      }
      if (!isValidUtf8(v)) errs.push(new RuleFileError(`invalid label value: ${v}`, g.pos.line));
    }
    g.rules.forEach((r, i) => {
      const name = r.alert ?? r.record ?? '';
      for (const e of validateRule(r, scheme)) {
        errs.push(new RuleValidationError(g.name, i + 1, name, e.reason, e.pos, { cause: e.cause }));
      }
    });
  }
  return errs;
}

/** One problem of a rule: the reason and the nodes it points at (none, one or two). */
export interface RuleProblem {
  readonly reason: string;
  readonly pos: readonly NodePos[];
  readonly cause?: unknown;
}

/** Checks one rule as rulefmt's Rule.Validate does. */
// Prometheus: model/rulefmt/rulefmt.go Rule.Validate
export function validateRule(r: RuleNode, scheme: ValidationScheme = 'utf8'): RuleProblem[] {
  const out: RuleProblem[] = [];
  const record = r.record ?? '';
  const alert = r.alert ?? '';
  if (record !== '' && alert !== '') {
    out.push({ reason: "only one of 'record' and 'alert' must be set", pos: [r.pos.record, r.pos.alert] });
  }
  if (record === '' && alert === '') {
    out.push({ reason: "one of 'record' or 'alert' must be set", pos: [r.pos.record] });
  }
  if (r.expr === '') {
    out.push({ reason: "field 'expr' must be set in rule", pos: [r.pos.expr] });
  } else {
    try {
      parseExpr(r.expr);
    } catch (err) {
      out.push({ reason: `could not parse expression: ${(err as Error).message}`, pos: [r.pos.expr], cause: err });
    }
  }
  if (record !== '') {
    if (Object.keys(r.annotations).length > 0) {
      out.push({ reason: "invalid field 'annotations' in recording rule", pos: [r.pos.record] });
    }
    if (r.forMs !== 0) out.push({ reason: "invalid field 'for' in recording rule", pos: [r.pos.record] });
    if (r.keepFiringForMs !== 0) {
      out.push({ reason: "invalid field 'keep_firing_for' in recording rule", pos: [r.pos.record] });
    }
    if (!isValidMetricName(record, scheme)) {
      out.push({ reason: `invalid recording rule name: ${record}`, pos: [r.pos.record] });
    }
    // A PromQL selector put in the name by mistake is a valid UTF-8 name; Prometheus 3 refuses braces.
    if (record.includes('{') || record.includes('}')) {
      out.push({
        reason: `braces present in the recording rule name; should it be in expr?: ${record}`,
        pos: [r.pos.record],
      });
    }
  }
  for (const [k, v] of Object.entries(r.labels)) {
    if (!isValidLabelName(k, scheme) || k === MetricName) out.push({ reason: `invalid label name: ${k}`, pos: [] });
    if (!isValidUtf8(v)) out.push({ reason: `invalid label value: ${v}`, pos: [] });
  }
  for (const k of Object.keys(r.annotations)) {
    if (!isValidLabelName(k, scheme)) out.push({ reason: `invalid annotation name: ${k}`, pos: [] });
  }
  if (alert !== '') {
    for (const p of checkRuleTemplates(alert, r.labels, r.annotations)) out.push({ ...p, pos: [] });
  }
  return out;
}

/**
 * Parses a rule file's text. Throws {@link RuleFileErrors} listing every problem, each message
 * prefixed with `filename` as rulefmt.ParseFile does.
 */
// Prometheus: model/rulefmt/rulefmt.go ParseFile
export function parseRuleFile(content: string, filename: string, opts: ParseRulesOptions = {}): RuleGroups {
  const { groups, errors } = parseRules(content, opts);
  if (errors.length > 0) throw new RuleFileErrors(errors.map((e) => e.inFile(filename)));
  return groups ?? { groups: [] };
}
