// Prometheus: web/api/v1/api.go deleteSeries, cleanTombstones, snapshot (`--web.enable-admin-api`).
import { parseMetricSelector } from '@tsprom/promql';
import { APIError, invalidParamError } from './api-error.js';
import type { AdminDB } from './api-options.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam } from './params.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';

function adminDB(c: RequestContext): AdminDB {
  const db = c.opts.admin;
  if (c.opts.enableAdmin !== true || db === undefined) throw new APIError('unavailable', 'admin APIs disabled');
  return db;
}

/** POST/PUT /api/v1/admin/tsdb/delete_series: 204 when done. */
export async function deleteSeries(c: RequestContext): Promise<APIResult> {
  const db = adminDB(c);
  const matches = c.form.getAll('match[]');
  if (matches.length === 0) throw new APIError('bad_data', 'no match[] parameter provided');
  let start: number;
  let end: number;
  try {
    start = parseTimeParam(c.form.get('start'), 'start', MIN_TIME_MS);
  } catch (err) {
    throw invalidParamError(err, 'start');
  }
  try {
    end = parseTimeParam(c.form.get('end'), 'end', MAX_TIME_MS);
  } catch (err) {
    throw invalidParamError(err, 'end');
  }
  for (const s of matches) {
    let matchers: ReturnType<typeof parseMetricSelector>;
    try {
      matchers = parseMetricSelector(s);
    } catch (err) {
      throw invalidParamError(err, 'match[]');
    }
    try {
      await db.delete(start, end, ...matchers);
    } catch (err) {
      throw new APIError('internal', (err as Error).message, { cause: err });
    }
  }
  return {};
}

/** POST/PUT /api/v1/admin/tsdb/clean_tombstones: 204 when done. */
export async function cleanTombstones(c: RequestContext): Promise<APIResult> {
  const db = adminDB(c);
  try {
    await db.cleanTombstones();
  } catch (err) {
    throw new APIError('internal', (err as Error).message, { cause: err });
  }
  return {};
}

/** Go strconv.ParseBool. */
function parseBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new Error(`unable to parse boolean: strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** POST/PUT /api/v1/admin/tsdb/snapshot (`skip_head`): the snapshot's name. */
export async function snapshot(c: RequestContext): Promise<APIResult> {
  const db = adminDB(c);
  let skipHead = false;
  const sh = c.form.get('skip_head');
  if (sh !== '') {
    try {
      skipHead = parseBool(sh);
    } catch (err) {
      throw invalidParamError(err, 'skip_head');
    }
  }
  let name: string;
  try {
    name = await db.snapshot(skipHead);
  } catch (err) {
    throw new APIError('internal', `create snapshot: ${(err as Error).message}`, { cause: err });
  }
  return { data: { name } };
}
