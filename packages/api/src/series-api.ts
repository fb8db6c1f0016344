// Prometheus: web/api/v1/api.go series, labelNames, labelValues, parseMatchersParam;
// common/model UnescapeName (the `U__` label name escaping of label/<name>/values).
import { isValidLabelName, type Labels, type Matcher } from '@tsprom/labels';
import { parseMetricSelectors } from '@tsprom/promql';
import {
  Annotations,
  chainedSeriesMerge,
  type Labeled,
  mergeSeriesSets,
  type Querier,
  type SeriesSet,
} from '@tsprom/storage-interfaces';
import { APIError, invalidParamError, returnAPIError } from './api-error.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseLimitParam, parseTimeParam } from './params.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import type { JSONWriter } from './json-writer.js';

const TRUNCATED = 'results truncated due to limit';

function param<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw invalidParamError(err, name);
  }
}

/** Prometheus parseMatchersParam: selectors, each with at least one matcher that rejects ''. */
export function parseMatchersParam(inputs: readonly string[]): Matcher[][] {
  const sets = parseMetricSelectors(inputs);
  for (const ms of sets) {
    if (!ms.some((m) => !m.matches(''))) throw new Error('match[] must contain at least one non-empty matcher');
  }
  return sets;
}

/** The `start` and `end` parameters (ms), the widest range when absent. */
export function timeRange(c: RequestContext): { start: number; end: number } {
  const start = param('start', () => parseTimeParam(c.form.get('start'), 'start', MIN_TIME_MS));
  const end = param('end', () => parseTimeParam(c.form.get('end'), 'end', MAX_TIME_MS));
  return { start, end };
}

/** Runs `fn` with a querier over [start, end] (ms), closed afterwards. */
export async function withQuerier<T>(
  c: RequestContext,
  start: number,
  end: number,
  fn: (q: Querier) => Promise<T>,
): Promise<T> {
  let q: Querier;
  try {
    q = c.opts.queryable.querier(start, end);
  } catch (err) {
    throw returnAPIError(err as Error);
  }
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

/** GET/POST /api/v1/series */
export async function series(c: RequestContext): Promise<APIResult> {
  const matches = c.form.getAll('match[]');
  if (matches.length === 0) throw new APIError('bad_data', 'no match[] parameter provided');
  const limit = param('limit', () => parseLimitParam(c.form.get('limit')));
  const { start, end } = timeRange(c);
  const sets = param('match[]', () => parseMatchersParam(matches));
  return withQuerier(c, start, end, async (q) => {
    const hints = { start, end, func: 'series', limit: limit > 0 ? limit + 1 : 0 };
    let set: SeriesSet;
    try {
      if (sets.length > 1) {
        // Sorted, so that the merge can drop series found by several selectors.
        const all: SeriesSet[] = [];
        for (const ms of sets) all.push(await q.select(true, hints, ms, c.signal));
        set = mergeSeriesSets(all, chainedSeriesMerge);
      } else {
        set = await q.select(false, hints, sets[0]!, c.signal);
      }
    } catch (err) {
      throw returnAPIError(err as Error);
    }
    const out: Labels[] = [];
    const warnings = new Annotations().merge(set.warnings());
    while (set.next()) {
      out.push((set.at() as Labeled).labels());
      if (limit > 0 && out.length > limit) {
        out.length = limit;
        warnings.add(new Error(TRUNCATED));
        return { write: (w) => writeLabelSets(w, out), warnings };
      }
    }
    const err = set.err();
    if (err !== undefined) throw returnAPIError(err);
    return { write: (w) => writeLabelSets(w, out), warnings: warnings.merge(set.warnings()) };
  });
}

// `[{…},{…}]`: label sets as JSON objects.
function writeLabelSets(w: JSONWriter, sets: readonly Labels[]): void {
  w.byte(0x5b);
  for (let i = 0; i < sets.length; i++) {
    if (i > 0) w.byte(0x2c);
    w.labels(sets[i]!);
  }
  w.byte(0x5d);
}

/** GET/POST /api/v1/labels */
export async function labelNames(c: RequestContext): Promise<APIResult> {
  const limit = param('limit', () => parseLimitParam(c.form.get('limit')));
  const { start, end } = timeRange(c);
  let sets: Matcher[][];
  try {
    sets = parseMatchersParam(c.form.getAll('match[]'));
  } catch (err) {
    throw new APIError('bad_data', (err as Error).message, { cause: err });
  }
  const hints = { limit: limit > 0 ? limit + 1 : 0 };
  return withQuerier(c, start, end, async (q) => {
    const warnings = new Annotations();
    let names: string[];
    try {
      if (sets.length > 1) {
        const all = new Set<string>();
        for (const ms of sets) {
          const r = await q.labelNames(hints, ms, c.signal);
          warnings.merge(r.warnings);
          for (const n of r.values) all.add(n);
        }
        names = [...all].sort(compareGo);
      } else {
        const r = await q.labelNames(hints, sets[0] ?? [], c.signal);
        warnings.merge(r.warnings);
        names = r.values;
      }
    } catch (err) {
      throw returnAPIError(err as Error);
    }
    if (limit > 0 && names.length > limit) {
      names = names.slice(0, limit);
      warnings.add(new Error(TRUNCATED));
    }
    return { data: names, warnings };
  });
}

/** Go's string order (bytes of UTF-8; UTF-16 order differs only past the BMP). */
export function compareGo(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const HEX_RUN = /^[0-9a-fA-F]+$/;

/** common/model UnescapeName for ValueEncodingEscaping (`U__http_2e_status_code`). */
export function unescapeName(name: string): string {
  if (!name.startsWith('U__')) return name;
  const s = name.slice(3);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '_') {
      if (!/[A-Za-z0-9:]/.test(ch)) return name;
      out += ch;
      continue;
    }
    if (s[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const close = s.indexOf('_', i + 1);
    if (close < 0) return name;
    const hex = s.slice(i + 1, close);
    if (!HEX_RUN.test(hex)) return name;
    const cp = Number.parseInt(hex, 16);
    if (cp > 0x10ffff) return name;
    out += String.fromCodePoint(cp);
    i = close;
  }
  return out;
}

/** GET /api/v1/label/<name>/values */
export async function labelValues(c: RequestContext): Promise<APIResult> {
  const name = unescapeName(c.params.name ?? '');
  if (!isValidLabelName(name)) throw new APIError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
  const limit = param('limit', () => parseLimitParam(c.form.get('limit')));
  const { start, end } = timeRange(c);
  let sets: Matcher[][];
  try {
    sets = parseMatchersParam(c.form.getAll('match[]'));
  } catch (err) {
    throw new APIError('bad_data', (err as Error).message, { cause: err });
  }
  const hints = { limit: limit > 0 ? limit + 1 : 0 };
  return withQuerier(c, start, end, async (q) => {
    const warnings = new Annotations();
    let vals: string[];
    try {
      if (sets.length > 1) {
        const all = new Set<string>();
        for (const ms of sets) {
          const r = await q.labelValues(name, hints, ms, c.signal);
          warnings.merge(r.warnings);
          for (const v of r.values) all.add(v);
        }
        vals = [...all];
      } else {
        const r = await q.labelValues(name, hints, sets[0] ?? [], c.signal);
        warnings.merge(r.warnings);
        vals = [...r.values];
      }
    } catch (err) {
      throw new APIError('execution', (err as Error).message, { cause: err });
    }
    vals.sort(compareGo);
    if (limit > 0 && vals.length > limit) {
      vals = vals.slice(0, limit);
      warnings.add(new Error(TRUNCATED));
    }
    return { data: vals, warnings };
  });
}
