// Prometheus: web/api/v1/api.go rules, alerts, alertmanagers, rulesAlertsToAPIAlerts,
// parseListRulesPaginationRequest, getRuleGroupNextToken (Prometheus 3's answers: `groupNextToken`
// and the filters `rule_name[]`, `rule_group[]`, `file[]`, `exclude_alerts`, `match[]`).
import type { Label, Labels, Matcher } from '@tsprom/labels';
import { APIError, invalidParamError } from './api-error.js';
import type { APIRule, APIRuleAlert, APIRuleGroup } from './api-options.js';
import { goJSONString } from './go-json.js';
import { formatGoTime } from './go-time.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import { labelsJSON } from './result-json.js';
import { parseMatchersParam } from './series-api.js';

/** Go's strconv.FormatFloat(v, 'e', -1, 64): `1e+00`, `1.5e-07`, `NaN`, `+Inf`. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = Object.is(v, -0) ? '-0e+0' : v.toExponential();
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** A float64 as Go's encoding/json writes it (finite values only reach here). */
function goNumber(v: number): string {
  return Number.isFinite(v) ? JSON.stringify(v) : '0';
}

/** Annotations as a JSON object; empty values kept (Prometheus's annotations are not labels). */
function annotationsJSON(as: Iterable<Label>): string {
  let out = '';
  for (const a of as) out += `${out === '' ? '' : ','}${goJSONString(a.name)}:${goJSONString(a.value)}`;
  return `{${out}}`;
}

function alertJSON(a: APIRuleAlert): string {
  let out = `{"labels":${labelsJSON(a.labels)},"annotations":${annotationsJSON(a.annotations)},"state":"${a.state}"`;
  out += `,"activeAt":"${formatGoTime(a.activeAt)}"`;
  if (a.keepFiringSince !== 0) out += `,"keepFiringSince":"${formatGoTime(a.keepFiringSince)}"`;
  return `${out},"value":"${formatFloatE(a.value)}"}`;
}

/** Prometheus rulesAlertsToAPIAlerts. */
function alertsJSON(alerts: readonly APIRuleAlert[]): string {
  return `[${alerts.map(alertJSON).join(',')}]`;
}

function lastErrorJSON(err: Error | undefined): string {
  return err === undefined || err.message === '' ? '' : `,"lastError":${goJSONString(err.message)}`;
}

function ruleJSON(r: APIRule, excludeAlerts: boolean): string {
  const evalTimes = `"evaluationTime":${goNumber(r.evaluationTimeMs / 1000)},"lastEvaluation":"${formatGoTime(r.lastEvaluationMs)}"`;
  if (r.type === 'alerting') {
    return (
      `{"state":"${r.state}","name":${goJSONString(r.name)},"query":${goJSONString(r.query)},` +
      `"duration":${goNumber(r.durationMs / 1000)},"keepFiringFor":${goNumber(r.keepFiringForMs / 1000)},` +
      `"labels":${labelsJSON(r.labels)},"annotations":${annotationsJSON(r.annotations)},` +
      `"alerts":${alertsJSON(excludeAlerts ? [] : r.activeAlerts())},"health":"${r.health}"` +
      `${lastErrorJSON(r.lastError)},${evalTimes},"type":"alerting"}`
    );
  }
  // Prometheus 2.42 leaves out empty labels of a recording rule (`omitempty`).
  const labels = r.labels.isEmpty() ? '' : `,"labels":${labelsJSON(r.labels)}`;
  return (
    `{"name":${goJSONString(r.name)},"query":${goJSONString(r.query)}${labels},"health":"${r.health}"` +
    `${lastErrorJSON(r.lastError)},${evalTimes},"type":"recording"}`
  );
}

/** Prometheus getRuleGroupNextToken: the hex SHA-1 of `file;group`. */
export async function ruleGroupNextToken(file: string, group: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(`${file};${group}`));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Prometheus parseListRulesPaginationRequest: the group limit (-1: none) and the token. */
function paginationParams(c: RequestContext): { maxGroups: number; nextToken: string } {
  const limit = c.url.searchParams.get('group_limit') ?? '';
  const nextToken = c.url.searchParams.get('group_next_token') ?? '';
  if (nextToken !== '' && limit === '') {
    throw invalidParamError(
      new Error('group_limit needs to be present in order to paginate over the groups'),
      'group_next_token',
    );
  }
  if (limit === '') return { maxGroups: -1, nextToken: '' };
  const n = Number(limit);
  if (!/^[+-]?\d+$/.test(limit) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw invalidParamError(
      new Error(
        `group_limit needs to be a valid number: strconv.ParseInt: parsing ${goJSONString(limit)}: ${/^[+-]?\d+$/.test(limit) ? 'value out of range' : 'invalid syntax'}`,
      ),
      'group_limit',
    );
  }
  if (n <= 0) throw invalidParamError(new Error('group_limit needs to be greater than 0'), 'group_limit');
  return { maxGroups: n, nextToken };
}

function matchesAny(sets: readonly Matcher[][], ls: Labels): boolean {
  if (sets.length === 0) return true;
  return sets.some((ms) => ms.every((m) => m.matches(ls.get(m.name))));
}

/** GET /api/v1/rules */
export async function rules(c: RequestContext): Promise<APIResult> {
  const type = c.form.get('type').toLowerCase();
  if (type !== '' && type !== 'alert' && type !== 'record') {
    throw new APIError('bad_data', `invalid parameter "type": not supported value ${JSON.stringify(type)}`);
  }
  const returnAlerts = type === '' || type === 'alert';
  const returnRecording = type === '' || type === 'record';
  let excludeAlerts = false;
  const ea = c.form.get('exclude_alerts');
  if (ea !== '') {
    const v = parseGoBool(ea);
    if (v === undefined) {
      throw invalidParamError(
        new Error(`strconv.ParseBool: parsing ${goJSONString(ea)}: invalid syntax`),
        'exclude_alerts',
      );
    }
    excludeAlerts = v;
  }
  let matcherSets: Matcher[][] = [];
  const match = c.form.getAll('match[]');
  if (match.length > 0) {
    try {
      matcherSets = parseMatchersParam(match);
    } catch (err) {
      throw invalidParamError(err, 'match[]');
    }
  }
  const ruleNames = new Set(c.form.getAll('rule_name[]'));
  const groupNames = new Set(c.form.getAll('rule_group[]'));
  const files = new Set(c.form.getAll('file[]'));
  const { maxGroups, nextToken } = paginationParams(c);

  const groups: readonly APIRuleGroup[] = c.opts.rules?.ruleGroups() ?? [];
  const out: string[] = [];
  let groupNextToken = '';
  let foundToken = false;
  for (const g of groups) {
    if (maxGroups > 0 && nextToken !== '' && !foundToken) {
      if (nextToken !== (await ruleGroupNextToken(g.file, g.name))) continue;
      foundToken = true;
    }
    if (maxGroups > 0 && out.length === maxGroups) {
      groupNextToken = await ruleGroupNextToken(g.file, g.name);
      break;
    }
    if (groupNames.size > 0 && !groupNames.has(g.name)) continue;
    if (files.size > 0 && !files.has(g.file)) continue;
    const rs: string[] = [];
    for (const r of g.rules) {
      if (!matchesAny(matcherSets, r.labels)) continue;
      if (ruleNames.size > 0 && !ruleNames.has(r.name)) continue;
      if (r.type === 'alerting' ? !returnAlerts : !returnRecording) continue;
      rs.push(ruleJSON(r, excludeAlerts));
    }
    // A group whose rules were all filtered out is left out.
    if (rs.length === 0) continue;
    out.push(
      `{"name":${goJSONString(g.name)},"file":${goJSONString(g.file)},"rules":[${rs.join(',')}],` +
        `"interval":${goNumber(g.intervalMs / 1000)},"limit":${g.limit},` +
        `"evaluationTime":${goNumber(g.evaluationTimeMs / 1000)},"lastEvaluation":"${formatGoTime(g.lastEvaluationMs)}"}`,
    );
  }
  if (maxGroups > 0 && nextToken !== '' && !foundToken) {
    throw invalidParamError(
      new Error(`invalid group_next_token '${nextToken}'. were rule groups changed?`),
      'group_next_token',
    );
  }
  const token = groupNextToken === '' ? '' : `,"groupNextToken":"${groupNextToken}"`;
  return { json: `{"groups":[${out.join(',')}]${token}}` };
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** GET /api/v1/alerts: the pending and firing alerts of every alerting rule. */
export function alerts(c: RequestContext): APIResult {
  const all: APIRuleAlert[] = [];
  for (const g of c.opts.rules?.ruleGroups() ?? []) {
    for (const r of g.rules) if (r.type === 'alerting') all.push(...r.activeAlerts());
  }
  return { json: `{"alerts":${alertsJSON(all)}}` };
}

/** GET /api/v1/alertmanagers */
export function alertmanagers(c: RequestContext): APIResult {
  const am = c.opts.alertmanagers;
  const list = (urls: readonly string[]) => `[${urls.map((u) => `{"url":${goJSONString(u)}}`).join(',')}]`;
  return {
    json: `{"activeAlertmanagers":${list(am?.alertmanagers() ?? [])},"droppedAlertmanagers":${list(am?.droppedAlertmanagers() ?? [])}}`,
  };
}
