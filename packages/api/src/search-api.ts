// Prometheus: the experimental search API (`--enable-feature=search-api`, querying/api.md
// "Searching metric names, label names, and label values"): metric names, label names and label
// values that match search strings, streamed as newline-delimited JSON batches and a trailer.
// The documentation gives the parameters and the stream; the scores are this file's
// (see fuzzy.ts): Prometheus does not document them.
import type { Matcher } from '@tsprom/labels';
import { APIError, invalidParamError } from './api-error.js';
import type { APITarget } from './api-options.js';
import { jaroWinklerScore, subsequenceScore } from './fuzzy.js';
import { goJSON, goJSONString } from './go-json.js';
import { atoi } from './params.js';
import type { RequestContext } from './request-context.js';
import { corsHeaders } from './respond.js';
import { compareGo, parseMatchersParam, timeRange, withQuerier } from './series-api.js';

/** Default of `--web.search.max-limit`. */
export const DEFAULT_SEARCH_MAX_LIMIT = 10_000;
const DEFAULT_LIMIT = 100;
const DEFAULT_BATCH_SIZE = 100;

type Kind = 'metric_names' | 'label_names' | 'label_values';

interface SearchParams {
  readonly sets: Matcher[][];
  readonly search: readonly string[];
  readonly threshold: number;
  readonly score: (search: string, candidate: string) => number;
  readonly caseSensitive: boolean;
  readonly sortBy: 'alpha' | 'score';
  readonly descending: boolean;
  readonly includeScore: boolean;
  readonly includeMetadata: boolean;
  readonly limit: number;
  readonly batchSize: number;
  readonly start: number;
  readonly end: number;
}

/** Go strconv.ParseBool, as an invalid parameter error naming `name`. */
function boolParam(c: RequestContext, name: string): boolean {
  const s = c.form.get(name);
  if (s === '') return false;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw invalidParamError(new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`), name);
}

function positiveInt(c: RequestContext, name: string, def: number): number {
  const s = c.form.get(name);
  if (s === '') return def;
  let n: number;
  try {
    n = atoi(s);
  } catch (err) {
    throw invalidParamError(err, name);
  }
  if (n < 1) throw invalidParamError(new Error('must be a positive integer'), name);
  return n;
}

function parseParams(c: RequestContext, kind: Kind): SearchParams {
  const maxLimit = c.opts.searchMaxLimit ?? DEFAULT_SEARCH_MAX_LIMIT;
  const limitGiven = c.form.get('limit') !== '';
  let limit = positiveInt(c, 'limit', DEFAULT_LIMIT);
  if (maxLimit > 0 && limit > maxLimit) {
    // The default is clamped to the cap; a larger limit asked for is refused.
    if (limitGiven) {
      throw invalidParamError(new Error(`must not exceed ${maxLimit} (--web.search.max-limit)`), 'limit');
    }
    limit = maxLimit;
  }
  const batchSize = positiveInt(c, 'batch_size', DEFAULT_BATCH_SIZE);
  let threshold = 0;
  const ts = c.form.get('fuzz_threshold');
  if (ts !== '') {
    threshold = Number(ts);
    if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(ts) || threshold < 0 || threshold > 100) {
      throw invalidParamError(new Error('must be a number from 0 to 100'), 'fuzz_threshold');
    }
  }
  const alg = c.form.get('fuzz_alg') || 'subsequence';
  if (alg !== 'subsequence' && alg !== 'jarowinkler') {
    throw invalidParamError(
      new Error(`unknown algorithm ${JSON.stringify(alg)} (subsequence or jarowinkler)`),
      'fuzz_alg',
    );
  }
  const sortBy = c.form.get('sort_by') || 'alpha';
  if (sortBy !== 'alpha' && sortBy !== 'score') {
    throw invalidParamError(new Error(`unknown sort ${JSON.stringify(sortBy)} (alpha or score)`), 'sort_by');
  }
  const dir = c.form.get('sort_dir');
  if (dir !== '' && dir !== 'asc' && dir !== 'dsc') {
    throw invalidParamError(new Error(`unknown direction ${JSON.stringify(dir)} (asc or dsc)`), 'sort_dir');
  }
  if (dir !== '' && sortBy !== 'alpha') {
    throw invalidParamError(new Error('only valid with sort_by=alpha'), 'sort_dir');
  }
  let sets: Matcher[][];
  try {
    sets = parseMatchersParam(c.form.getAll('match[]'));
  } catch (err) {
    throw invalidParamError(err, 'match[]');
  }
  const caseSensitive = boolParam(c, 'case_sensitive');
  const search = c.form.getAll('search[]').map((s) => (caseSensitive ? s : s.toLowerCase()));
  const { start, end } = timeRange(c);
  return {
    sets,
    search,
    threshold,
    score: alg === 'jarowinkler' ? jaroWinklerScore : subsequenceScore,
    caseSensitive,
    sortBy,
    descending: dir === 'dsc',
    includeScore: boolParam(c, 'include_score'),
    includeMetadata: kind === 'metric_names' && boolParam(c, 'include_metadata'),
    limit,
    batchSize,
    start,
    end,
  };
}

/** The names (or values) to search among, over the time range and the match[] selectors. */
async function candidates(c: RequestContext, kind: Kind, p: SearchParams, label: string): Promise<string[]> {
  return withQuerier(c, p.start, p.end, async (q) => {
    const out = new Set<string>();
    const sets = p.sets.length === 0 ? [[]] : p.sets;
    try {
      for (const ms of sets) {
        const r =
          kind === 'label_names'
            ? await q.labelNames(undefined, ms, c.signal)
            : await q.labelValues(kind === 'metric_names' ? '__name__' : label, undefined, ms, c.signal);
        for (const v of r.values) out.add(v);
      }
    } catch (err) {
      throw new APIError('execution', (err as Error).message, { cause: err });
    }
    return [...out];
  });
}

/** The first metadata any active target has for `family`. */
function metadataOf(c: RequestContext, family: string): { type: string; help: string; unit: string } | undefined {
  const active = c.opts.targets?.targetsActive() ?? new Map<string, readonly APITarget[]>();
  for (const ts of active.values()) {
    for (const t of ts) {
      const md = t.getMetadata(family);
      if (md !== undefined) return md;
    }
  }
  return undefined;
}

async function search(c: RequestContext, kind: Kind): Promise<Response> {
  let label = '';
  if (kind === 'label_values') {
    label = c.form.get('label');
    if (label === '') throw new APIError('bad_data', 'no label parameter provided');
  }
  const p = parseParams(c, kind);
  const all = await candidates(c, kind, p, label);
  const hits: { name: string; score: number }[] = [];
  for (const name of all) {
    let score = p.search.length === 0 ? 1 : 0;
    const text = p.caseSensitive ? name : name.toLowerCase();
    for (const s of p.search) score = Math.max(score, p.score(s, text));
    if (score > 0 && score * 100 >= p.threshold) hits.push({ name, score });
  }
  if (p.sortBy === 'score') hits.sort((a, b) => b.score - a.score || compareGo(a.name, b.name));
  else hits.sort((a, b) => (p.descending ? compareGo(b.name, a.name) : compareGo(a.name, b.name)));
  const hasMore = hits.length > p.limit;
  const shown = hits.slice(0, p.limit);
  const key = kind === 'label_values' ? 'value' : 'name';
  const lines: string[] = [];
  for (let i = 0; i < shown.length; i += p.batchSize) {
    const batch = shown.slice(i, i + p.batchSize).map((h) => {
      let j = `{"${key}":${goJSONString(h.name)}`;
      if (p.includeMetadata) {
        const md = metadataOf(c, h.name);
        if (md !== undefined) {
          j += `,"type":${goJSONString(md.type)},"help":${goJSONString(md.help)}`;
          if (md.unit !== '') j += `,"unit":${goJSONString(md.unit)}`;
        }
      }
      if (p.includeScore) j += `,"score":${goJSON(h.score)}`;
      return `${j}}`;
    });
    lines.push(`{"results":[${batch.join(',')}]}\n`);
  }
  lines.push(`{"status":"success","has_more":${hasMore}}\n`);
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    // One batch per pull: a client reading slowly holds the rest back.
    pull(ctrl) {
      const line = lines.shift();
      if (line === undefined) ctrl.close();
      else ctrl.enqueue(enc.encode(line));
    },
  });
  const headers = corsHeaders(c.req, c.opts.corsOrigin);
  headers.set('Content-Type', 'application/x-ndjson');
  return new Response(body, { status: 200, headers });
}

/** GET/POST /api/v1/search/metric_names */
export function searchMetricNames(c: RequestContext): Promise<Response> {
  return search(c, 'metric_names');
}

/** GET/POST /api/v1/search/label_names */
export function searchLabelNames(c: RequestContext): Promise<Response> {
  return search(c, 'label_names');
}

/** GET/POST /api/v1/search/label_values (`label` required) */
export function searchLabelValues(c: RequestContext): Promise<Response> {
  return search(c, 'label_values');
}
