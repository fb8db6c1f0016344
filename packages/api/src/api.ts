// Prometheus: web/api/v1/api.go API.Register: the routes of /api/v1, their methods, readiness
// and CORS, as a fetch-style handler that runs wherever Request and Response exist.
import * as admin from './admin-api.js';
import { APIError } from './api-error.js';
import type { APIOptions } from './api-options.js';
import * as expr from './expr-api.js';
import * as notificationsAPI from './notifications-api.js';
import { Form } from './form.js';
import { serveOpenAPI } from './openapi.js';
import { QueryGate } from './query-gate.js';
import * as queryAPI from './query-api.js';
import * as rulesAPI from './rules-api.js';
import type { RequestContext } from './request-context.js';
import { type APIResult, corsHeaders, respond, respondError } from './respond.js';
import * as scrapePoolsAPI from './scrape-pools-api.js';
import * as searchAPI from './search-api.js';
import { serveSelfMetrics } from './self-metrics.js';
import * as seriesAPI from './series-api.js';
import * as status from './status-api.js';
import * as targetsAPI from './targets-api.js';

/** An endpoint answers with data for the JSON envelope, or with its own Response (a stream). */
type Endpoint = (c: RequestContext) => APIResult | Response | Promise<APIResult | Response>;

/** One endpoint: its methods and function. */
export interface Route {
  readonly methods: readonly string[];
  readonly fn: Endpoint;
  /** Served before the server is ready (Prometheus: not wrapped in `ready`). */
  readonly beforeReady?: boolean;
}

const GET = ['GET'];
const GET_POST = ['GET', 'POST'];
const POST_PUT = ['POST', 'PUT'];

/** A fetch-style handler: a Request in, a Response out. */
export type APIHandler = (req: Request) => Promise<Response>;

/**
 * Prometheus's HTTP API v1 over `opts.queryable` and `opts.engine`: the paths, parameters, JSON
 * shapes, error types and status codes of Prometheus (see ../shared/reference/querying/api.md).
 * Requests outside `opts.prefix` (default `/api/v1`) get 404. Uses only Request, Response,
 * URL and AbortSignal: runs in Node, workers and browsers.
 */
export function createAPIHandler(opts: APIOptions): APIHandler {
  const prefix = (opts.prefix ?? '/api/v1').replace(/\/$/, '');
  const gate = new QueryGate(opts.maxConcurrency ?? 20);
  const routes = apiRoutes(opts);
  const LABEL_VALUES = /^\/label\/([^/]+)\/values$/;
  const now = opts.now ?? Date.now;

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith(`${prefix}/`)) return notFound();
    const path = url.pathname.slice(prefix.length);
    let route = routes.get(path);
    const params: Record<string, string> = {};
    if (route === undefined) {
      const m = LABEL_VALUES.exec(path);
      if (m !== null) {
        route = { methods: GET, fn: opts.isAgent === true ? unavailableWithAgent : seriesAPI.labelValues };
        params.name = decodeURIComponent(m[1]!);
      }
    }
    const headers = corsHeaders(req, opts.corsOrigin);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (method === 'OPTIONS') return new Response(null, { status: 204, headers });
    if (route === undefined) return notFound();
    if (!route.methods.includes(method)) {
      headers.set('Allow', [...route.methods, 'OPTIONS'].join(', '));
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      return new Response('Method Not Allowed\n', { status: 405, headers });
    }
    if (route.beforeReady !== true && opts.isReady !== undefined && !opts.isReady()) {
      return new Response('Service Unavailable', { status: 503, headers });
    }
    try {
      const form = await Form.read(req, url);
      const c: RequestContext = { req, url, form, params, opts, gate, signal: req.signal, now };
      const result = await route.fn(c);
      if (result instanceof Response) return result;
      return respond(result, form.get('query'), headers);
    } catch (err) {
      if (err instanceof APIError) return respondError(err, headers);
      // A bug in an endpoint: answered as Prometheus answers a panic it recovered, never a crash.
      const msg = err instanceof Error ? err.message : String(err);
      return respondError(new APIError('internal', msg, { cause: err }), headers);
    }
  };
}

/** The routes of the API by path under the prefix (`label/<name>/values` aside). */
export function apiRoutes(opts: APIOptions): Map<string, Route> {
  const parserOptions = opts.parserOptions;
  const routes = new Map<string, Route>([
    ['/query', { methods: GET_POST, fn: queryAPI.query }],
    ['/query_range', { methods: GET_POST, fn: queryAPI.queryRange }],
    ['/query_exemplars', { methods: GET_POST, fn: (c) => expr.queryExemplars(c, parserOptions) }],
    ['/format_query', { methods: GET_POST, fn: (c) => expr.formatQuery(c, parserOptions) }],
    ['/parse_query', { methods: GET_POST, fn: (c) => expr.parseQuery(c, parserOptions) }],
    ['/labels', { methods: GET_POST, fn: seriesAPI.labelNames }],
    ['/series', { methods: GET_POST, fn: seriesAPI.series }],
    ['/targets', { methods: GET, fn: targetsAPI.targets }],
    ['/targets/metadata', { methods: GET, fn: targetsAPI.targetMetadata }],
    ['/targets/relabel_steps', { methods: GET, fn: scrapePoolsAPI.targetRelabelSteps }],
    ['/scrape_pools', { methods: GET, fn: scrapePoolsAPI.scrapePools }],
    ['/scrape_pools/config', { methods: GET, fn: scrapePoolsAPI.scrapePoolConfig }],
    ['/metadata', { methods: GET, fn: targetsAPI.metricMetadata }],
    ['/alertmanagers', { methods: GET, fn: rulesAPI.alertmanagers }],
    ['/alerts', { methods: GET, fn: rulesAPI.alerts }],
    ['/rules', { methods: GET, fn: rulesAPI.rules }],
    ['/status/config', { methods: GET, fn: status.serveConfig }],
    ['/status/runtimeinfo', { methods: GET, fn: status.serveRuntimeInfo }],
    ['/status/buildinfo', { methods: GET, fn: status.serveBuildInfo }],
    ['/status/flags', { methods: GET, fn: status.serveFlags }],
    ['/status/tsdb', { methods: GET, fn: status.serveTSDBStatus }],
    ['/status/tsdb/blocks', { methods: GET, fn: status.serveTSDBBlocks }],
    ['/status/self_metrics', { methods: GET, fn: serveSelfMetrics }],
    ['/features', { methods: GET, fn: status.features }],
    // The UI shows notifications while the server starts up, so they are served before ready.
    ['/notifications', { methods: GET, fn: notificationsAPI.notifications, beforeReady: true }],
    ['/openapi.yaml', { methods: GET, fn: serveOpenAPI, beforeReady: true }],
    ['/notifications/live', { methods: GET, fn: notificationsAPI.notificationsLive, beforeReady: true }],
    ['/status/walreplay', { methods: GET, fn: status.serveWALReplayStatus, beforeReady: true }],
    ['/admin/tsdb/delete_series', { methods: POST_PUT, fn: admin.deleteSeries }],
    ['/admin/tsdb/clean_tombstones', { methods: POST_PUT, fn: admin.cleanTombstones }],
    ['/admin/tsdb/snapshot', { methods: POST_PUT, fn: admin.snapshot }],
  ]);
  if (opts.enableSearchAPI === true) {
    routes.set('/search/metric_names', { methods: GET_POST, fn: searchAPI.searchMetricNames });
    routes.set('/search/label_names', { methods: GET_POST, fn: searchAPI.searchLabelNames });
    routes.set('/search/label_values', { methods: GET_POST, fn: searchAPI.searchLabelValues });
  }
  if (opts.isAgent === true) {
    for (const path of AGENT_UNAVAILABLE) {
      const r = routes.get(path);
      if (r !== undefined) routes.set(path, { ...r, fn: unavailableWithAgent });
    }
  }
  return routes;
}

/** Prometheus: the routes API.Register wraps in wrapAgent (`label/<name>/values` too). */
const AGENT_UNAVAILABLE: readonly string[] = [
  '/query',
  '/query_range',
  '/query_exemplars',
  '/format_query',
  '/parse_query',
  '/labels',
  '/series',
  '/alertmanagers',
  '/alerts',
  '/rules',
  '/status/tsdb',
  '/status/tsdb/blocks',
  '/admin/tsdb/delete_series',
  '/admin/tsdb/clean_tombstones',
  '/admin/tsdb/snapshot',
  '/search/metric_names',
  '/search/label_names',
  '/search/label_values',
];

/** Prometheus wrapAgent: what an agent answers where a server would read its storage or rules. */
function unavailableWithAgent(): never {
  throw new APIError('execution', 'unavailable with Prometheus Agent');
}

function notFound(): Response {
  return new Response('404 page not found\n', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
