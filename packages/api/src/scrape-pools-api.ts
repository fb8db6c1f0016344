// Prometheus: web/api/v1/api.go scrapePools, scrapePoolConfig and targetRelabelSteps, with
// model/relabel's Config JSON (snake_case keys, omitempty) and Labels.UnmarshalJSON.
import { Labels } from '@tsprom/labels';
import { type RelabelConfig, relabelSteps } from '@tsprom/relabel';
import { APIError } from './api-error.js';
import type { ScrapePoolConfig } from './api-options.js';
import { goJSON, goJSONString } from './go-json.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import { labelsJSON } from './result-json.js';

/** GET /api/v1/scrape_pools */
export function scrapePools(c: RequestContext): APIResult {
  const names = [...(c.opts.scrapePools?.scrapePools() ?? [])].sort();
  return { json: `{"scrapePools":${goJSON(names)}}` };
}

/** Prometheus scrape.Manager ScrapePoolConfig: the pool's config, or its error. */
function poolConfig(c: RequestContext, name: string): ScrapePoolConfig {
  const cfg = c.opts.scrapePools?.scrapePoolConfig(name);
  if (cfg === undefined) {
    throw new APIError('bad_data', `error retrieving scrape config: scrape pool ${JSON.stringify(name)} not found`);
  }
  return cfg;
}

/** GET /api/v1/scrape_pools/config (`scrapePool`, required) */
export function scrapePoolConfig(c: RequestContext): APIResult {
  const name = c.form.get('scrapePool');
  if (name === '') throw new APIError('bad_data', 'no scrapePool parameter provided');
  return { json: `{"yaml":${goJSONString(poolConfig(c, name).yaml())}}` };
}

/** A relabel rule as Prometheus's relabel.Config marshals to JSON (field order, omitempty). */
export function relabelConfigJSON(r: RelabelConfig): string {
  const parts: string[] = [];
  if (r.sourceLabels !== undefined && r.sourceLabels.length > 0)
    parts.push(`"source_labels":${goJSON(r.sourceLabels)}`);
  if (r.separator !== '') parts.push(`"separator":${goJSONString(r.separator)}`);
  parts.push(`"regex":${goJSONString(r.regex.source)}`);
  if (r.modulus !== 0) parts.push(`"modulus":${r.modulus}`);
  if (r.targetLabel !== '') parts.push(`"target_label":${goJSONString(r.targetLabel)}`);
  if (r.replacement !== '') parts.push(`"replacement":${goJSONString(r.replacement)}`);
  parts.push(`"action":${goJSONString(r.action)}`);
  return `{${parts.join(',')}}`;
}

/** Go's name of a JSON value's kind in json.UnmarshalTypeError messages. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Prometheus Labels.UnmarshalJSON: a JSON object of strings (null is the empty set). */
function parseLabels(text: string): Labels {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new APIError('bad_data', `error parsing labels: ${(err as Error).message}`, { cause: err });
  }
  if (v === null) return Labels.EMPTY;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new APIError(
      'bad_data',
      `error parsing labels: json: cannot unmarshal ${goKind(v)} into Go value of type map[string]string`,
    );
  }
  const m: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null) {
      m[k] = ''; // Go decodes null into a map's string element as the zero value.
      continue;
    }
    if (typeof val !== 'string') {
      throw new APIError(
        'bad_data',
        `error parsing labels: json: cannot unmarshal ${goKind(val)} into Go value of type string`,
      );
    }
    m[k] = val;
  }
  return Labels.fromMap(m);
}

/** GET /api/v1/targets/relabel_steps (`scrapePool`, `labels`: both required) */
export function targetRelabelSteps(c: RequestContext): APIResult {
  const pool = c.form.get('scrapePool');
  if (pool === '') throw new APIError('bad_data', 'no scrapePool parameter provided');
  const labelsText = c.form.get('labels');
  if (labelsText === '') throw new APIError('bad_data', 'no labels parameter provided');
  const lbls = parseLabels(labelsText);
  const cfg = poolConfig(c, pool);
  const steps = relabelSteps(lbls, cfg.relabelConfigs).map(
    (s) => `{"rule":${relabelConfigJSON(s.rule)},"output":${labelsJSON(s.output)},"keep":${s.keep}}`,
  );
  return { json: `{"steps":[${steps.join(',')}]}` };
}
