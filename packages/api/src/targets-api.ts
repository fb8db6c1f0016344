// Prometheus: web/api/v1/api.go targets, getGlobalURL, targetMetadata, metricMetadata.
import { parseMetricSelector } from '@tsprom/promql';
import { APIError, invalidParamError } from './api-error.js';
import type { APITarget, GlobalURLOptions } from './api-options.js';
import { goJSONString } from './go-json.js';
import { formatGoTime } from './go-time.js';
import { atoi } from './params.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import { labelsJSON } from './result-json.js';

const LOCALHOST = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Splits `host:port` (IPv6 in brackets) as Go's net.SplitHostPort; undefined when it has no port. */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let host = hostport.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port: hostport.slice(i + 1) };
}

/**
 * Prometheus getGlobalURL: a scrape URL on localhost made reachable from elsewhere: our own
 * address becomes the external URL's; another localhost port keeps its port on the external host.
 */
export function globalURL(scrapeURL: string, opts: GlobalURLOptions | undefined): string {
  if (opts === undefined) return scrapeURL;
  let u: URL;
  try {
    u = new URL(scrapeURL);
  } catch {
    return scrapeURL;
  }
  const defaultPort = u.protocol === 'http:' ? '80' : u.protocol === 'https:' ? '443' : '';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port === '' ? defaultPort : u.port;
  if (!LOCALHOST.has(host)) return scrapeURL;
  const own = splitHostPort(opts.listenAddress);
  if (own !== undefined && port === own.port) {
    u.protocol = `${opts.scheme}:`;
    u.host = opts.host;
  } else {
    const ext = splitHostPort(opts.host);
    u.host = `${ext?.host ?? opts.host}:${port}`;
  }
  return u.toString();
}

function sortedKeys<T>(m: ReadonlyMap<string, T>): string[] {
  return [...m.keys()].sort();
}

function activeTargetJSON(t: APITarget, pool: string, g: GlobalURLOptions | undefined): string {
  const url = t.url();
  return (
    `{"discoveredLabels":${labelsJSON(t.discoveredLabels)},"labels":${labelsJSON(t.publicLabels())},` +
    `"scrapePool":${goJSONString(pool)},"scrapeUrl":${goJSONString(url)},` +
    `"globalUrl":${goJSONString(globalURL(url, g))},"lastError":${goJSONString(t.lastError?.message ?? '')},` +
    `"lastScrape":"${formatGoTime(t.lastScrape)}","lastScrapeDuration":${t.lastScrapeDurationMs / 1000},` +
    `"health":"${t.health}","scrapeInterval":${goJSONString(t.labels.get('__scrape_interval__'))},` +
    `"scrapeTimeout":${goJSONString(t.labels.get('__scrape_timeout__'))}}`
  );
}

/** GET /api/v1/targets (`state`, `scrapePool`) */
export function targets(c: RequestContext): APIResult {
  const tr = c.opts.targets;
  const pool = c.url.searchParams.get('scrapePool') ?? '';
  const state = (c.url.searchParams.get('state') ?? '').toLowerCase();
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const active: string[] = [];
  const dropped: string[] = [];
  let counts: string | undefined;
  if (showActive && tr !== undefined) {
    const m = tr.targetsActive();
    for (const key of sortedKeys(m)) {
      if (pool !== '' && key !== pool) continue;
      for (const t of m.get(key)!) active.push(activeTargetJSON(t, key, c.opts.globalURL));
    }
  }
  if (showDropped) {
    const cm: Record<string, number> = {};
    if (tr !== undefined) {
      const m = tr.targetsDropped();
      for (const key of sortedKeys(m)) {
        if (pool !== '' && key !== pool) continue;
        for (const t of m.get(key)!) {
          dropped.push(`{"discoveredLabels":${labelsJSON(t.discoveredLabels)},"scrapePool":${goJSONString(key)}}`);
        }
      }
      for (const [k, n] of tr.targetsDroppedCounts()) cm[k] = n;
    }
    const keys = Object.keys(cm).sort();
    counts = `{${keys.map((k) => `${goJSONString(k)}:${cm[k]}`).join(',')}}`;
  }
  let json = `{"activeTargets":[${active.join(',')}],"droppedTargets":[${dropped.join(',')}]`;
  json += `,"droppedTargetCounts":${counts ?? 'null'}}`;
  return { json };
}

function limitParam(c: RequestContext): number {
  const s = c.form.get('limit');
  if (s === '') return -1;
  try {
    return atoi(s);
  } catch {
    throw new APIError('bad_data', 'limit must be a number');
  }
}

function metadataJSON(type: string, help: string, unit: string): string {
  return `"type":${goJSONString(type)},"help":${goJSONString(help)},"unit":${goJSONString(unit)}`;
}

/** GET /api/v1/targets/metadata (`match_target`, `metric`, `limit`) */
export function targetMetadata(c: RequestContext): APIResult {
  const limit = limitParam(c);
  const matchTarget = c.form.get('match_target');
  let matchers: ReturnType<typeof parseMetricSelector> = [];
  if (matchTarget !== '') {
    try {
      matchers = parseMetricSelector(matchTarget);
    } catch (err) {
      throw invalidParamError(err, 'match_target');
    }
  }
  const metric = c.form.get('metric');
  const out: string[] = [];
  const active = c.opts.targets?.targetsActive() ?? new Map<string, readonly APITarget[]>();
  for (const [, ts] of active) {
    for (const t of ts) {
      if (limit >= 0 && out.length >= limit) break;
      const tl = t.publicLabels();
      if (matchTarget !== '' && !matchers.every((m) => m.matches(tl.get(m.name)))) continue;
      const target = labelsJSON(tl);
      if (metric === '') {
        for (const md of t.listMetadata()) {
          out.push(
            `{"target":${target},"metric":${goJSONString(md.metricFamily)},${metadataJSON(md.type, md.help, md.unit)}}`,
          );
        }
        continue;
      }
      const md = t.getMetadata(metric);
      if (md !== undefined) out.push(`{"target":${target},${metadataJSON(md.type, md.help, md.unit)}}`);
    }
  }
  return { json: `[${out.join(',')}]` };
}

/** GET /api/v1/metadata (`limit`, `limit_per_metric`, `metric`) */
export function metricMetadata(c: RequestContext): APIResult {
  const limit = limitParam(c);
  let limitPerMetric = -1;
  const lpm = c.form.get('limit_per_metric');
  if (lpm !== '') {
    try {
      limitPerMetric = atoi(lpm);
    } catch {
      throw new APIError('bad_data', 'limit_per_metric must be a number');
    }
  }
  const metric = c.form.get('metric');
  // Family -> distinct metadata (keyed by type, help and unit).
  const families = new Map<string, Map<string, string>>();
  const add = (family: string, type: string, help: string, unit: string): void => {
    let ms = families.get(family);
    if (limitPerMetric > 0 && ms !== undefined && ms.size >= limitPerMetric) return;
    if (ms === undefined) {
      ms = new Map();
      families.set(family, ms);
    }
    ms.set(`${type}\0${help}\0${unit}`, `{${metadataJSON(type, help, unit)}}`);
  };
  const active = c.opts.targets?.targetsActive() ?? new Map<string, readonly APITarget[]>();
  for (const [, ts] of active) {
    for (const t of ts) {
      if (metric === '') {
        for (const md of t.listMetadata()) add(md.metricFamily, md.type, md.help, md.unit);
      } else {
        const md = t.getMetadata(metric);
        if (md !== undefined) add(md.metricFamily, md.type, md.help, md.unit);
      }
    }
  }
  const parts: string[] = [];
  let n = 0;
  // Go iterates the map in random order before the limit; sorted names are one such order.
  for (const name of [...families.keys()].sort()) {
    if (limit >= 0 && n >= limit) break;
    parts.push(`${goJSONString(name)}:[${[...families.get(name)!.values()].join(',')}]`);
    n++;
  }
  return { json: `{${parts.join(',')}}` };
}
