// Prometheus: web/api/v1/openapi.go: /api/v1/openapi.yaml, the API described as OpenAPI 3.1 (or
// 3.2 with `openapi_version=3.2`, which adds the server-sent events of notifications/live). Built
// from one table of endpoints, so that a route without its description is caught by a test.
import { APIError } from './api-error.js';
import type { RequestContext } from './request-context.js';
import { corsHeaders } from './respond.js';

type Schema = Readonly<Record<string, unknown>>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

/** The shared schemas of the answers. */
const SCHEMAS: Record<string, Schema> = {
  Labels: { ...map(str), description: 'A label set: label names to values.' },
  SamplePair: {
    type: 'array',
    description: 'A sample: [unix time in seconds, value as a string].',
    prefixItems: [num, str],
    minItems: 2,
    maxItems: 2,
  },
  HistogramPair: {
    type: 'array',
    description: 'A native histogram sample: [unix time in seconds, histogram].',
    prefixItems: [num, ref('Histogram')],
    minItems: 2,
    maxItems: 2,
  },
  Histogram: obj(
    {
      count: str,
      sum: str,
      buckets: {
        ...arr({ type: 'array', prefixItems: [int, str, str, str] }),
        description: '[boundary rule, lower, upper, count]',
      },
    },
    ['count', 'sum'],
  ),
  QueryData: {
    type: 'object',
    description: 'The result of a query: its type and the value of that type.',
    properties: {
      resultType: { type: 'string', enum: ['matrix', 'vector', 'scalar', 'string'] },
      result: {
        oneOf: [
          arr(obj({ metric: ref('Labels'), value: ref('SamplePair'), histogram: ref('HistogramPair') }, ['metric'])),
          arr(
            obj({ metric: ref('Labels'), values: arr(ref('SamplePair')), histograms: arr(ref('HistogramPair')) }, [
              'metric',
            ]),
          ),
          ref('SamplePair'),
        ],
      },
      stats: { type: 'object', description: 'Query statistics, with `stats=all`.' },
    },
    required: ['resultType', 'result'],
  },
  Error: obj({
    status: { type: 'string', const: 'error' },
    errorType: {
      type: 'string',
      enum: ['timeout', 'canceled', 'execution', 'bad_data', 'internal', 'unavailable', 'not_found', 'not_acceptable'],
    },
    error: str,
  }),
  Target: obj(
    {
      discoveredLabels: ref('Labels'),
      labels: ref('Labels'),
      scrapePool: str,
      scrapeUrl: str,
      globalUrl: str,
      lastError: str,
      lastScrape: { type: 'string', format: 'date-time' },
      lastScrapeDuration: num,
      health: { type: 'string', enum: ['up', 'down', 'unknown'] },
      scrapeInterval: str,
      scrapeTimeout: str,
    },
    ['labels', 'scrapePool', 'scrapeUrl', 'health'],
  ),
  Metadata: obj({ type: str, help: str, unit: str }),
  TSDBStat: obj({ name: str, value: int }),
  BlockMeta: obj(
    {
      ulid: str,
      minTime: int,
      maxTime: int,
      stats: obj(
        {
          numSamples: int,
          numFloatSamples: int,
          numHistogramSamples: int,
          numSeries: int,
          numChunks: int,
          numTombstones: int,
        },
        [],
      ),
      compaction: obj(
        {
          level: int,
          sources: arr(str),
          deletable: bool,
          parents: arr(obj({ ulid: str, minTime: int, maxTime: int })),
          failed: bool,
          hints: arr(str),
        },
        ['level'],
      ),
      version: int,
    },
    ['ulid', 'minTime', 'maxTime', 'stats', 'compaction', 'version'],
  ),
  RelabelRule: obj(
    {
      source_labels: arr(str),
      separator: str,
      regex: str,
      modulus: int,
      target_label: str,
      replacement: str,
      action: str,
    },
    ['regex', 'action'],
  ),
  Notification: obj({ text: str, date: { type: 'string', format: 'date-time' }, active: bool }),
  MetricFamily: {
    type: 'object',
    description: 'io.prometheus.client.MetricFamily in ProtoJSON.',
    properties: { name: str, help: str, type: str, unit: str, metric: arr({ type: 'object' }) },
    required: ['name', 'type'],
  },
};

interface Param {
  readonly name: string;
  readonly required?: boolean;
  readonly schema: Schema;
  readonly description: string;
  /** Repeated (`match[]`). */
  readonly multi?: boolean;
}

interface Endpoint {
  readonly path: string;
  readonly methods: readonly ('get' | 'post' | 'put')[];
  readonly tag: string;
  readonly summary: string;
  readonly params?: readonly Param[];
  /** The success envelope's `data`; undefined for answers that are no envelope. */
  readonly data?: Schema;
  /** A non-JSON answer: its media type and schema. */
  readonly raw?: { readonly type: string; readonly schema: Schema; readonly description: string };
  /** Only in OpenAPI 3.2 (server-sent events need its `itemSchema`). */
  readonly since32?: boolean;
  /** Served only with the search-api feature. */
  readonly feature?: string;
}

const p = (name: string, description: string, schema: Schema = str, extra: Partial<Param> = {}): Param => ({
  name,
  description,
  schema,
  ...extra,
});
const TIME = 'A time: RFC 3339 or a Unix timestamp in seconds (fractions allowed).';
const MATCH = p('match[]', 'A series selector; repeated for several.', str, { multi: true });
const START = p('start', `Start of the time range. ${TIME}`);
const END = p('end', `End of the time range. ${TIME}`);
const LIMIT = p('limit', 'The most entries to return; 0 for no limit.', int);
const QUERY = p('query', 'A PromQL expression.', str, { required: true });
const SEARCH: Param[] = [
  MATCH,
  p('search[]', 'A string to match; repeated strings are ORed.', str, { multi: true }),
  p('fuzz_threshold', 'Lowest fuzzy score kept, 0 to 100.', num),
  p('fuzz_alg', 'Matching algorithm.', { type: 'string', enum: ['subsequence', 'jarowinkler'] }),
  p('case_sensitive', 'Match case-sensitively.', bool),
  p('sort_by', 'Sort order.', { type: 'string', enum: ['alpha', 'score'] }),
  p('sort_dir', 'Sort direction, with sort_by=alpha.', { type: 'string', enum: ['asc', 'dsc'] }),
  p('include_score', 'Add each result\u2019s score.', bool),
  START,
  END,
  p('limit', 'The most results (default 100, at most --web.search.max-limit).', int),
  p('batch_size', 'Results per NDJSON line (default 100).', int),
];
const NDJSON = {
  type: 'application/x-ndjson',
  description: 'Lines of {"results": [...]} then a trailer {"status": "success", "has_more": bool}.',
  schema: { type: 'object' },
};
const QUERY_PARAMS: Param[] = [
  p('timeout', 'Evaluation timeout (a duration); capped by --query.timeout.'),
  LIMIT,
  p('lookback_delta', 'The lookback delta of this query (a duration).'),
  p('stats', 'Query statistics: `all` for them.'),
];

const ENDPOINTS: readonly Endpoint[] = [
  {
    path: '/query',
    methods: ['get', 'post'],
    tag: 'query',
    summary: 'Evaluates an instant query.',
    params: [QUERY, p('time', `Evaluation time (default: now). ${TIME}`), ...QUERY_PARAMS],
    data: ref('QueryData'),
  },
  {
    path: '/query_range',
    methods: ['get', 'post'],
    tag: 'query',
    summary: 'Evaluates a query over a range of time.',
    params: [
      QUERY,
      { ...START, required: true },
      { ...END, required: true },
      p('step', 'Resolution: a duration or float seconds.', str, { required: true }),
      ...QUERY_PARAMS,
    ],
    data: ref('QueryData'),
  },
  {
    path: '/query_exemplars',
    methods: ['get', 'post'],
    tag: 'query',
    summary: 'The exemplars of the series a query selects.',
    params: [QUERY, START, END],
    data: arr(obj({ seriesLabels: ref('Labels'), exemplars: arr({ type: 'object' }) })),
  },
  {
    path: '/format_query',
    methods: ['get', 'post'],
    tag: 'query',
    summary: 'A PromQL expression, formatted.',
    params: [QUERY],
    data: str,
  },
  {
    path: '/parse_query',
    methods: ['get', 'post'],
    tag: 'query',
    summary: 'The abstract syntax tree of a PromQL expression.',
    params: [QUERY],
    data: { type: 'object' },
  },
  {
    path: '/series',
    methods: ['get', 'post'],
    tag: 'metadata',
    summary: 'The series that match selectors.',
    params: [{ ...MATCH, required: true }, START, END, LIMIT],
    data: arr(ref('Labels')),
  },
  {
    path: '/labels',
    methods: ['get', 'post'],
    tag: 'metadata',
    summary: 'Label names.',
    params: [MATCH, START, END, LIMIT],
    data: arr(str),
  },
  {
    path: '/label/{name}/values',
    methods: ['get'],
    tag: 'metadata',
    summary: 'The values of a label.',
    params: [MATCH, START, END, LIMIT],
    data: arr(str),
  },
  {
    path: '/metadata',
    methods: ['get'],
    tag: 'metadata',
    summary: 'Metric metadata by metric name.',
    params: [p('metric', 'Only this metric.'), LIMIT, p('limit_per_metric', 'The most entries per metric.', int)],
    data: map(arr(ref('Metadata'))),
  },
  {
    path: '/targets',
    methods: ['get'],
    tag: 'targets',
    summary: 'The scrape targets, active and dropped.',
    params: [
      p('state', 'Which targets.', { type: 'string', enum: ['active', 'dropped', 'any'] }),
      p('scrapePool', 'Only this scrape pool.'),
    ],
    data: obj({
      activeTargets: arr(ref('Target')),
      droppedTargets: arr(obj({ discoveredLabels: ref('Labels'), scrapePool: str })),
      droppedTargetCounts: map(int),
    }),
  },
  {
    path: '/targets/metadata',
    methods: ['get'],
    tag: 'targets',
    summary: 'The metadata the targets expose.',
    params: [p('match_target', 'Label selector of targets.'), p('metric', 'Only this metric.'), LIMIT],
    data: arr({ type: 'object' }),
  },
  {
    path: '/targets/relabel_steps',
    methods: ['get'],
    tag: 'targets',
    summary: 'The relabeling of a target, rule by rule (experimental).',
    params: [
      p('scrapePool', 'The scrape pool whose rules apply.', str, { required: true }),
      p('labels', 'The discovered labels, a JSON object.', str, { required: true }),
    ],
    data: obj({ steps: arr(obj({ rule: ref('RelabelRule'), output: ref('Labels'), keep: bool })) }),
  },
  {
    path: '/scrape_pools',
    methods: ['get'],
    tag: 'targets',
    summary: 'The names of the scrape pools.',
    data: obj({ scrapePools: arr(str) }),
  },
  {
    path: '/scrape_pools/config',
    methods: ['get'],
    tag: 'targets',
    summary: "A scrape pool's configuration, secrets redacted (experimental).",
    params: [p('scrapePool', 'The scrape pool.', str, { required: true })],
    data: obj({ yaml: str }),
  },
  {
    path: '/rules',
    methods: ['get'],
    tag: 'rules',
    summary: 'Recording and alerting rules.',
    params: [p('type', 'Only this type.', { type: 'string', enum: ['alert', 'record'] })],
    data: obj({ groups: arr({ type: 'object' }) }),
  },
  {
    path: '/alerts',
    methods: ['get'],
    tag: 'rules',
    summary: 'Active alerts.',
    data: obj({ alerts: arr({ type: 'object' }) }),
  },
  {
    path: '/alertmanagers',
    methods: ['get'],
    tag: 'status',
    summary: 'Alertmanagers discovered.',
    data: obj({ activeAlertmanagers: arr({ type: 'object' }), droppedAlertmanagers: arr({ type: 'object' }) }),
  },
  {
    path: '/status/config',
    methods: ['get'],
    tag: 'status',
    summary: 'The loaded configuration.',
    data: obj({ yaml: str }),
  },
  { path: '/status/flags', methods: ['get'], tag: 'status', summary: 'The command-line flags.', data: map(str) },
  {
    path: '/status/runtimeinfo',
    methods: ['get'],
    tag: 'status',
    summary: 'Runtime information.',
    data: { type: 'object' },
  },
  { path: '/status/buildinfo', methods: ['get'], tag: 'status', summary: 'Build information.', data: map(str) },
  {
    path: '/status/tsdb',
    methods: ['get'],
    tag: 'status',
    summary: 'Head statistics and cardinality lists.',
    params: [p('limit', 'Entries per list (default 10).', int)],
    data: obj({
      headStats: obj({ numSeries: int, numLabelPairs: int, chunkCount: int, minTime: int, maxTime: int }),
      seriesCountByMetricName: arr(ref('TSDBStat')),
      labelValueCountByLabelName: arr(ref('TSDBStat')),
      memoryInBytesByLabelName: arr(ref('TSDBStat')),
      seriesCountByLabelValuePair: arr(ref('TSDBStat')),
    }),
  },
  {
    path: '/status/tsdb/blocks',
    methods: ['get'],
    tag: 'status',
    summary: 'The TSDB blocks loaded (experimental).',
    data: obj({ blocks: arr(ref('BlockMeta')) }),
  },
  {
    path: '/status/walreplay',
    methods: ['get'],
    tag: 'status',
    summary: 'WAL replay progress (served before ready).',
    data: obj({ min: int, max: int, current: int }),
  },
  {
    path: '/status/self_metrics',
    methods: ['get'],
    tag: 'status',
    summary: "The server's own metrics (experimental).",
    params: [p('metric_name_pattern', 'Fully anchored regular expression of metric names.')],
    data: arr(ref('MetricFamily')),
  },
  {
    path: '/features',
    methods: ['get'],
    tag: 'status',
    summary: 'Features by category, enabled or not.',
    data: map(map(bool)),
  },
  {
    path: '/notifications',
    methods: ['get'],
    tag: 'notifications',
    summary: 'Active notifications (served before ready).',
    data: arr(ref('Notification')),
  },
  {
    path: '/notifications/live',
    methods: ['get'],
    tag: 'notifications',
    summary: 'Notification updates as server-sent events; 204 past the subscriber limit.',
    raw: { type: 'text/event-stream', description: 'One notification per event.', schema: ref('Notification') },
    since32: true,
  },
  {
    path: '/admin/tsdb/snapshot',
    methods: ['post', 'put'],
    tag: 'admin',
    summary: 'Writes a snapshot (--web.enable-admin-api).',
    params: [p('skip_head', 'Leave out the head.', bool)],
    data: obj({ name: str }),
  },
  {
    path: '/admin/tsdb/delete_series',
    methods: ['post', 'put'],
    tag: 'admin',
    summary: 'Deletes series in a time range (--web.enable-admin-api).',
    params: [{ ...MATCH, required: true }, START, END],
  },
  {
    path: '/admin/tsdb/clean_tombstones',
    methods: ['post', 'put'],
    tag: 'admin',
    summary: 'Removes deleted data from disk (--web.enable-admin-api).',
  },
  {
    path: '/search/metric_names',
    methods: ['get', 'post'],
    tag: 'search',
    summary: 'Searches metric names (--enable-feature=search-api).',
    params: [...SEARCH, p('include_metadata', 'Add type, help and unit.', bool)],
    raw: NDJSON,
    feature: 'search-api',
  },
  {
    path: '/search/label_names',
    methods: ['get', 'post'],
    tag: 'search',
    summary: 'Searches label names (--enable-feature=search-api).',
    params: SEARCH,
    raw: NDJSON,
    feature: 'search-api',
  },
  {
    path: '/search/label_values',
    methods: ['get', 'post'],
    tag: 'search',
    summary: 'Searches the values of a label (--enable-feature=search-api).',
    params: [p('label', 'The label.', str, { required: true }), ...SEARCH],
    raw: NDJSON,
    feature: 'search-api',
  },
  {
    path: '/openapi.yaml',
    methods: ['get'],
    tag: 'status',
    summary: 'This specification.',
    params: [p('openapi_version', 'OpenAPI version (default 3.1).', { type: 'string', enum: ['3.1', '3.2'] })],
    raw: { type: 'application/yaml', description: 'The OpenAPI document.', schema: str },
  },
];

function paramSchema(q: Param): Schema {
  return q.multi === true ? arr(q.schema) : q.schema;
}

function operation(e: Endpoint, method: string, v32: boolean): Record<string, unknown> {
  const op: Record<string, unknown> = {
    tags: [e.tag],
    summary: e.summary,
    operationId: `${method}${e.path.replace(/[{}]/g, '').replace(/[/_.](\w)/g, (_, c: string) => c.toUpperCase())}`,
  };
  const params: unknown[] = [];
  if (e.path.includes('{name}')) {
    params.push({ name: 'name', in: 'path', required: true, schema: str, description: 'The label name.' });
  }
  const form = method !== 'get';
  if (!form) {
    for (const q of e.params ?? []) {
      params.push({
        name: q.name,
        in: 'query',
        required: q.required === true,
        description: q.description,
        schema: paramSchema(q),
        ...(q.multi === true ? { style: 'form', explode: true } : {}),
      });
    }
  } else if ((e.params ?? []).length > 0) {
    const props: Record<string, Schema> = {};
    for (const q of e.params ?? []) props[q.name] = { ...paramSchema(q), description: q.description };
    const required = (e.params ?? []).filter((q) => q.required === true).map((q) => q.name);
    op.requestBody = {
      content: { 'application/x-www-form-urlencoded': { schema: obj(props, required) } },
    };
  }
  if (params.length > 0) op.parameters = params;
  const responses: Record<string, unknown> = {};
  if (e.raw !== undefined) {
    const media: Record<string, unknown> =
      e.raw.type === 'text/event-stream' && v32 ? { itemSchema: e.raw.schema } : { schema: e.raw.schema };
    responses['200'] = { description: e.raw.description, content: { [e.raw.type]: media } };
    if (e.raw.type === 'text/event-stream') responses['204'] = { description: 'Too many subscribers.' };
  } else if (e.data !== undefined) {
    responses['200'] = {
      description: 'Success.',
      content: {
        'application/json': {
          schema: obj(
            { status: { type: 'string', const: 'success' }, data: e.data, warnings: arr(str), infos: arr(str) },
            ['status', 'data'],
          ),
        },
      },
    };
  } else {
    responses['204'] = { description: 'Done.' };
  }
  responses['400'] = { $ref: '#/components/responses/Error' };
  responses['422'] = { $ref: '#/components/responses/Error' };
  responses['503'] = { $ref: '#/components/responses/Error' };
  op.responses = responses;
  return op;
}

/** The OpenAPI document of this API, `version` 3.1 or 3.2, with paths under `prefix`. */
export function openAPIDocument(version: '3.1' | '3.2', prefix: string): Record<string, unknown> {
  const v32 = version === '3.2';
  const paths: Record<string, unknown> = {};
  for (const e of ENDPOINTS) {
    if (e.since32 === true && !v32) continue;
    const item: Record<string, unknown> = {};
    for (const m of e.methods) item[m] = operation(e, m, v32);
    paths[e.path] = item;
  }
  return {
    openapi: v32 ? '3.2.0' : '3.1.0',
    info: {
      title: 'Prometheus HTTP API',
      version: 'v1',
      description:
        'The HTTP API v1 of a Prometheus-compatible server (see querying/api.md). Experimental endpoints may change.',
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: prefix }],
    tags: [...new Set(ENDPOINTS.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: SCHEMAS,
      responses: {
        Error: {
          description: 'An error: bad_data 400, execution 422, timeout and unavailable 503, internal 500.',
          content: { 'application/json': { schema: ref('Error') } },
        },
      },
    },
  };
}

/** The paths the document describes (without the prefix), for checking it against the routes. */
export function openAPIPaths(): { path: string; methods: readonly string[]; feature?: string }[] {
  return ENDPOINTS.map((e) => ({
    path: e.path,
    methods: e.methods,
    ...(e.feature === undefined ? {} : { feature: e.feature }),
  }));
}

const PLAIN = /^[A-Za-z_$][\w$./-]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

function scalar(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.has(v.toLowerCase()) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** Block-style YAML of plain data (objects, arrays, strings, numbers, booleans). */
export function toYAML(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v
      .map((x) => {
        const inner = toYAML(x, `${indent}  `);
        return `\n${indent}- ${isBlock(x) ? inner.replace(/^\n\s*/, '') : inner}`;
      })
      .join('');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return entries
      .map(([k, x]) => `\n${indent}${scalar(k)}:${isBlock(x) ? '' : ' '}${toYAML(x, `${indent}  `)}`)
      .join('');
  }
  return scalar(v);
}

function isBlock(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length > 0;
}

/** GET /api/v1/openapi.yaml (`openapi_version`: 3.1, the default, or 3.2) */
export function serveOpenAPI(c: RequestContext): Response {
  const v = c.form.get('openapi_version') || '3.1';
  if (v !== '3.1' && v !== '3.2') {
    throw new APIError(
      'bad_data',
      `invalid parameter "openapi_version": unsupported version ${JSON.stringify(v)} (3.1 or 3.2)`,
    );
  }
  const prefix = c.url.pathname.slice(0, -'/openapi.yaml'.length);
  const headers = corsHeaders(c.req, c.opts.corsOrigin);
  headers.set('Content-Type', 'application/yaml; charset=utf-8');
  return new Response(`${toYAML(openAPIDocument(v, prefix)).replace(/^\n/, '')}\n`, { status: 200, headers });
}
