// Prometheus: web/api/v1/api.go serveSelfMetrics with client_model's io.prometheus.client
// MetricFamily in ProtoJSON (../shared/reference/proto/client_model_metrics.proto): 64-bit
// integers as strings, non-finite doubles as "NaN", "Infinity", "-Infinity", lowerCamelCase names.
import { Matcher, MatchType } from '@tsprom/labels';
import { APIError } from './api-error.js';
import { goJSON, goJSONString } from './go-json.js';
import type { RequestContext } from './request-context.js';
import type { ProtoMetric, ProtoMetricFamily } from './proto-metric-family.js';
import type { APIResult } from './respond.js';

/** A double as ProtoJSON writes it. */
function double(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (v === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  return String(v);
}

/** A uint64 as ProtoJSON writes it: a decimal string. */
function uint64(v: number): string {
  return `"${Math.trunc(v)}"`;
}

function metricJSON(m: ProtoMetric): string {
  const parts: string[] = [];
  if (m.label !== undefined && m.label.length > 0) {
    parts.push(
      `"label":[${m.label.map((l) => `{"name":${goJSONString(l.name)},"value":${goJSONString(l.value)}}`).join(',')}]`,
    );
  }
  if (m.gauge !== undefined) parts.push(`"gauge":{"value":${double(m.gauge.value)}}`);
  if (m.counter !== undefined) parts.push(`"counter":{"value":${double(m.counter.value)}}`);
  if (m.summary !== undefined) {
    const s = m.summary;
    let j = `"summary":{"sampleCount":${uint64(s.sampleCount)},"sampleSum":${double(s.sampleSum)}`;
    if (s.quantile.length > 0) {
      j += `,"quantile":[${s.quantile.map((q) => `{"quantile":${double(q.quantile)},"value":${double(q.value)}}`).join(',')}]`;
    }
    parts.push(`${j}}`);
  }
  if (m.untyped !== undefined) parts.push(`"untyped":{"value":${double(m.untyped.value)}}`);
  if (m.histogram !== undefined) {
    const h = m.histogram;
    let j = `"histogram":{"sampleCount":${uint64(h.sampleCount)},"sampleSum":${double(h.sampleSum)}`;
    if (h.bucket.length > 0) {
      j += `,"bucket":[${h.bucket.map((b) => `{"cumulativeCount":${uint64(b.cumulativeCount)},"upperBound":${double(b.upperBound)}}`).join(',')}]`;
    }
    parts.push(`${j}}`);
  }
  return `{${parts.join(',')}}`;
}

/** A MetricFamily in ProtoJSON, fields in the proto's order. */
export function metricFamilyJSON(f: ProtoMetricFamily): string {
  let j = `{"name":${goJSONString(f.name)},"help":${goJSONString(f.help)},"type":${goJSON(f.type)}`;
  if (f.metric.length > 0) j += `,"metric":[${f.metric.map(metricJSON).join(',')}]`;
  if (f.unit !== undefined && f.unit !== '') j += `,"unit":${goJSONString(f.unit)}`;
  return `${j}}`;
}

/** GET /api/v1/status/self_metrics (`metric_name_pattern`, fully anchored) */
export function serveSelfMetrics(c: RequestContext): APIResult {
  const pattern = c.form.get('metric_name_pattern');
  let matcher: Matcher | undefined;
  if (pattern !== '') {
    try {
      matcher = new Matcher(MatchType.Regexp, '__name__', pattern);
    } catch (err) {
      throw new APIError('bad_data', `invalid metric_name_pattern: ${(err as Error).message}`, { cause: err });
    }
  }
  const families = [...(c.opts.status?.selfMetrics?.() ?? [])]
    .filter((f) => matcher === undefined || matcher.matches(f.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { json: `[${families.map(metricFamilyJSON).join(',')}]` };
}
