// Prometheus: web/api/v1/api.go serveConfig, serveFlags, serveRuntimeInfo, serveBuildInfo,
// serveTSDBStatus, serveWALReplayStatus.
import { APIError, returnAPIError } from './api-error.js';
import type { APIBlockMeta } from './api-options.js';
import { goJSON, goJSONString } from './go-json.js';
import { formatGoTime } from './go-time.js';
import { atoi, MAX_TIME_MS, MIN_TIME_MS } from './params.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import { cardinalityStats } from './tsdb-status.js';

const EMPTY_STATS = {
  numLabelPairs: 0,
  seriesCountByMetricName: [],
  labelValueCountByLabelName: [],
  memoryInBytesByLabelName: [],
  seriesCountByLabelValuePair: [],
};

/** Prometheus maxTSDBLimit. */
const MAX_TSDB_LIMIT = 10_000;

/** GET /api/v1/status/config */
export function serveConfig(c: RequestContext): APIResult {
  return { data: { yaml: c.opts.status?.config?.() ?? '' } };
}

/** GET /api/v1/status/flags */
export function serveFlags(c: RequestContext): APIResult {
  const flags = c.opts.status?.flags?.() ?? {};
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(flags).sort()) sorted[k] = flags[k]!;
  return { data: sorted };
}

/** GET /api/v1/status/runtimeinfo */
export async function serveRuntimeInfo(c: RequestContext): Promise<APIResult> {
  const ri = await c.opts.status?.runtimeInfo?.();
  if (ri === undefined) throw new APIError('internal', 'runtime information is not available');
  return {
    data: {
      startTime: formatGoTime(ri.startTime),
      CWD: ri.CWD,
      hostname: ri.hostname,
      serverTime: formatGoTime(ri.serverTime),
      reloadConfigSuccess: ri.reloadConfigSuccess,
      lastConfigTime: formatGoTime(Math.floor(ri.lastConfigTime / 1000) * 1000),
      corruptionCount: ri.corruptionCount,
      goroutineCount: ri.goroutineCount,
      GOMAXPROCS: ri.GOMAXPROCS,
      GOMEMLIMIT: ri.GOMEMLIMIT,
      GOGC: ri.GOGC,
      GODEBUG: ri.GODEBUG,
      storageRetention: ri.storageRetention,
    },
  };
}

/** GET /api/v1/status/buildinfo */
export function serveBuildInfo(c: RequestContext): APIResult {
  const b = c.opts.status?.buildInfo?.();
  if (b === undefined) throw new APIError('internal', 'build information is not available');
  return {
    data: {
      version: b.version,
      revision: b.revision,
      branch: b.branch,
      buildUser: b.buildUser,
      buildDate: b.buildDate,
      goVersion: b.goVersion,
    },
  };
}

/** GET /api/v1/status/tsdb (`limit`, default 10) */
export async function serveTSDBStatus(c: RequestContext): Promise<APIResult> {
  let limit = 10;
  const s = c.form.get('limit');
  if (s !== '') {
    try {
      limit = atoi(s);
    } catch {
      limit = 0;
    }
    if (limit < 1) throw new APIError('bad_data', 'limit must be a positive number');
    if (limit > MAX_TSDB_LIMIT) throw new APIError('bad_data', `limit must not exceed ${MAX_TSDB_LIMIT}`);
  }
  const head = c.opts.status?.headStats?.();
  const headEmpty = head !== undefined && (head.numSeries === 0 || !Number.isFinite(head.minTime));
  // Prometheus's lists are the head's: none for an empty head; everything without head stats.
  const mint = head !== undefined && Number.isFinite(head.minTime) ? head.minTime : MIN_TIME_MS;
  const maxt = head !== undefined && Number.isFinite(head.maxTime) ? head.maxTime : MAX_TIME_MS;
  let stats: Awaited<ReturnType<typeof cardinalityStats>> = EMPTY_STATS;
  if (!headEmpty) {
    const q = c.opts.queryable.querier(mint, maxt);
    try {
      stats = await cardinalityStats(q, limit, c.signal);
    } catch (err) {
      throw returnAPIError(err as Error);
    } finally {
      await q.close();
    }
  }
  // An empty head reports Prometheus's sentinels, MaxInt64 and MinInt64, beyond a double's exact range.
  const minTime = head === undefined || !Number.isFinite(head.minTime) ? '9223372036854775807' : String(head.minTime);
  const maxTime = head === undefined || !Number.isFinite(head.maxTime) ? '-9223372036854775808' : String(head.maxTime);
  const headStats =
    `{"numSeries":${head?.numSeries ?? 0},"numLabelPairs":${head?.numLabelPairs ?? stats.numLabelPairs},` +
    `"chunkCount":${head?.chunkCount ?? 0},"minTime":${minTime},"maxTime":${maxTime}}`;
  const lists = goJSON({
    seriesCountByMetricName: stats.seriesCountByMetricName,
    labelValueCountByLabelName: stats.labelValueCountByLabelName,
    memoryInBytesByLabelName: stats.memoryInBytesByLabelName,
    seriesCountByLabelValuePair: stats.seriesCountByLabelValuePair,
  });
  return { json: `{"headStats":${headStats},${lists.slice(1)}` };
}

/** GET /api/v1/status/tsdb/blocks: the metas of the blocks served, as Prometheus's BlockMeta JSON. */
export function serveTSDBBlocks(c: RequestContext): APIResult {
  const metas = c.opts.status?.blockMetas?.() ?? [];
  return { json: `{"blocks":[${metas.map(blockMetaJSON).join(',')}]}` };
}

/** Prometheus tsdb.BlockMeta's JSON: field order and omitempty of its struct tags. */
export function blockMetaJSON(m: APIBlockMeta): string {
  const st = m.stats;
  const stats: string[] = [];
  const count = (k: keyof APIBlockMeta['stats']): void => {
    const v = st[k];
    if (v !== undefined && v !== 0) stats.push(`"${k}":${v}`);
  };
  count('numSamples');
  count('numFloatSamples');
  count('numHistogramSamples');
  count('numSeries');
  count('numChunks');
  count('numTombstones');
  const cp = m.compaction;
  const comp = [`"level":${cp.level}`];
  if (cp.sources !== undefined && cp.sources.length > 0) comp.push(`"sources":${goJSON(cp.sources)}`);
  if (cp.deletable === true) comp.push('"deletable":true');
  if (cp.parents !== undefined && cp.parents.length > 0) {
    const ps = cp.parents.map((p) => `{"ulid":${goJSONString(p.ulid)},"minTime":${p.minTime},"maxTime":${p.maxTime}}`);
    comp.push(`"parents":[${ps.join(',')}]`);
  }
  if (cp.failed === true) comp.push('"failed":true');
  if (cp.hints !== undefined && cp.hints.length > 0) comp.push(`"hints":${goJSON(cp.hints)}`);
  return (
    `{"ulid":${goJSONString(m.ulid)},"minTime":${m.minTime},"maxTime":${m.maxTime},` +
    `"stats":{${stats.join(',')}},"compaction":{${comp.join(',')}},"version":${m.version}}`
  );
}

/** GET /api/v1/features: categories and feature names sorted, as Go marshals maps. */
export function features(c: RequestContext): APIResult {
  const fs = c.opts.status?.features?.() ?? {};
  const cats = Object.keys(fs).sort();
  const parts = cats.map((cat) => {
    const f = fs[cat]!;
    const names = Object.keys(f).sort();
    return `${goJSONString(cat)}:{${names.map((n) => `${goJSONString(n)}:${f[n] === true}`).join(',')}}`;
  });
  return { json: `{${parts.join(',')}}` };
}

/** GET /api/v1/status/walreplay (served before the server is ready) */
export function serveWALReplayStatus(c: RequestContext): APIResult {
  const s = c.opts.status?.walReplay?.() ?? { min: 0, max: 0, current: 0 };
  return { data: { min: s.min, max: s.max, current: s.current } };
}
