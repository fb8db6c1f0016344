// Prometheus: client_golang api/client.go and api/prometheus/v1/api.go (the HTTP client promtool
// queries with), and the printing of common/model values (Vector, Matrix, Scalar, String,
// LabelSet). Requests are made as client_golang makes them: query, query_range and series POST a
// form (GET when the server answers 405 or 501), label values is a GET. Errors read as its
// *Error: `bad_data: <msg>`, `server_error: server error: 503` with the body as detail.

/** A failed API call, as client_golang's v1.Error: the type, the message, the body as detail. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  readonly type: string;
  readonly detail: string;

  constructor(type: string, msg: string, detail = '') {
    super(type === '' ? msg : `${type}: ${msg}`);
    this.type = type;
    this.detail = detail;
  }
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64). */
export function goFormatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return Object.is(v, -0) ? '-0' : s;
  // Shortest digits with an exponent: move the decimal point.
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const [int, frac = ''] = mant.split('.');
  const digits = `${int}${frac}`;
  const point = int!.length + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`;
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

/** Go's ParseFloat of a sample value as the API writes it (`+Inf`, `NaN`). */
export function parseSampleValue(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Go's strconv.Quote (`%q`): escapes quotes, backslashes and control characters. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u00${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

type LabelSet = Record<string, string>;

/** common/model LabelSet.String: `{a="1", b="2"}`, names sorted. */
export function labelSetString(ls: LabelSet): string {
  const names = Object.keys(ls).sort();
  return `{${names.map((n) => `${n}=${goQuote(ls[n]!)}`).join(', ')}}`;
}

/** common/model Metric.String: `name{a="1"}`, `name`, `{}`. */
export function metricString(m: LabelSet): string {
  const name = m.__name__;
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${goQuote(m[k]!)}`);
  if (rest.length === 0) return name ?? '{}';
  return `${name ?? ''}{${rest.join(', ')}}`;
}

/** common/model LabelSet.Before as a comparison: fewer labels first, then by sorted names and values. */
function labelSetCompare(a: LabelSet, b: LabelSet): number {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length - bn.length;
  for (const n of [...an, ...bn].sort()) {
    const av = a[n];
    const bv = b[n];
    if (av === undefined) return -1;
    if (bv === undefined) return 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return 0;
}

/** model.Time.String: seconds, 'f' -1. */
function timeString(t: number): string {
  return goFormatFloat(t);
}

type Pair = [number, string];
interface Histogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}
type HistPair = [number, Histogram];

/** common/model SampleHistogram.String. */
function histogramString(h: Histogram): string {
  const buckets = (h.buckets ?? []).map(([b, lo, hi, count]) => {
    const left = b === 3 || b === 2 ? '[' : '(';
    const right = b === 3 || b === 0 ? ']' : ')';
    return `${left}${goFormatFloat(parseSampleValue(lo))},${goFormatFloat(parseSampleValue(hi))}${right}:${goFormatFloat(parseSampleValue(count))}`;
  });
  return `Count: ${goFormatFloat(parseSampleValue(h.count))}, Sum: ${goFormatFloat(parseSampleValue(h.sum))}, Buckets: [${buckets.join(',')}]`;
}

function pairString([t, v]: Pair): string {
  return `${goFormatFloat(parseSampleValue(v))} @[${timeString(t)}]`;
}

/** A query result (`data` of query and query_range) as promtool's promql printer writes it. */
export function valueString(data: { resultType: string; result: unknown }): string {
  switch (data.resultType) {
    case 'vector':
      return (data.result as { metric: LabelSet; value?: Pair; histogram?: HistPair }[])
        .map((s) =>
          s.histogram !== undefined
            ? `${metricString(s.metric)} => ${histogramString(s.histogram[1])} @[${timeString(s.histogram[0])}]`
            : `${metricString(s.metric)} => ${pairString(s.value!)}`,
        )
        .join('\n');
    case 'matrix':
      // common/model Matrix.String sorts a copy by LabelSet.Before.
      return [...(data.result as { metric: LabelSet; values?: Pair[]; histograms?: HistPair[] }[])]
        .sort((x, y) => labelSetCompare(x.metric, y.metric))
        .map((ss) => {
          const vals = (ss.values ?? []).map(pairString);
          for (const [t, h] of ss.histograms ?? []) vals.push(`${histogramString(h)} @[${timeString(t)}]`);
          return `${metricString(ss.metric)} =>\n${vals.join('\n')}`;
        })
        .join('\n');
    case 'scalar': {
      const [t, v] = data.result as Pair;
      return `scalar: ${goFormatFloat(parseSampleValue(v))} @[${timeString(t)}]`;
    }
    case 'string':
      return (data.result as Pair)[1];
    default:
      throw new QueryError('bad_response', `unexpected value type "${data.resultType}"`);
  }
}

/** A `[t, "v"]` pair with the value written again as Go's SampleValue.MarshalJSON ('f' -1). */
function goPair([t, v]: Pair): Pair {
  return [t, goFormatFloat(parseSampleValue(v))];
}

/** A query result as Go's json.Encoder writes the decoded common/model value. */
export function valueJSON(data: { resultType: string; result: unknown }): unknown {
  switch (data.resultType) {
    case 'vector':
      return (data.result as { metric: LabelSet; value?: Pair }[]).map((s) =>
        s.value === undefined ? s : { ...s, value: goPair(s.value) },
      );
    case 'matrix':
      return (data.result as { metric: LabelSet; values?: Pair[] }[]).map((ss) =>
        ss.values === undefined ? ss : { ...ss, values: ss.values.map(goPair) },
      );
    case 'scalar':
      return goPair(data.result as Pair);
    default:
      return data.result;
  }
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** Go's json.Encoder output (HTML characters escaped, keys of maps sorted), with a newline. */
export function goJSONLine(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sorted(o[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sorted(value)).replace(/[<>&]/g, (c) => JSON_ESCAPES[c]!)}\n`;
}

/** Go's error text for a failed HTTP round trip: `Post "url": dial tcp …: connection refused`. */
function transportError(method: string, url: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string; address?: string; port?: number } }).cause;
  const verb = method === 'POST' ? 'Post' : 'Get';
  if (cause?.code === 'ECONNREFUSED') {
    return `${verb} ${goQuote(url)}: dial tcp ${cause.address}:${cause.port}: connect: connection refused`;
  }
  return `${verb} ${goQuote(url)}: ${(cause as Error | undefined)?.message ?? (err as Error).message}`;
}

/** client_golang formatTime: seconds with 'f' -1. */
export function formatTime(ms: number): string {
  return goFormatFloat(ms / 1000);
}

/** An API client on `server` (a URL; its path is a prefix of the API's). */
export class QueryClient {
  readonly #base: URL;
  readonly #headers: Record<string, string>;

  constructor(server: string, headers: Record<string, string> = {}) {
    this.#base = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `http://${server}`);
    this.#headers = headers;
  }

  #url(ep: string): string {
    const u = new URL(this.#base.href);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}${ep}`;
    return u.href;
  }

  /** POSTs a form, or GETs with it when the server does not take POST (client_golang DoGetFallback). */
  async #getFallback(ep: string, form: URLSearchParams): Promise<{ data: unknown; warnings: string[] }> {
    const url = this.#url(ep);
    const post = await this.#do('POST', url, form);
    if (post.status !== 405 && post.status !== 501) return this.#decode(post);
    return this.#decode(await this.#do('GET', `${url}?${form}`, undefined));
  }

  async #do(method: string, url: string, form: URLSearchParams | undefined): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers:
          form === undefined
            ? this.#headers
            : { ...this.#headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form?.toString(),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new QueryError('', transportError(method, url, err));
    }
  }

  async #decode(res: Response): Promise<{ data: unknown; warnings: string[] }> {
    const body = await res.text();
    const code = res.status;
    const apiError = code === 400 || code === 422;
    if (Math.floor(code / 100) !== 2 && !apiError) {
      const [type, msg] =
        Math.floor(code / 100) === 4
          ? ['client_error', `client error: ${code}`]
          : Math.floor(code / 100) === 5
            ? ['server_error', `server error: ${code}`]
            : ['bad_response', `bad response code ${code}`];
      throw new QueryError(type, msg, body);
    }
    let result: { status?: string; data?: unknown; errorType?: string; error?: string; warnings?: string[] };
    try {
      result = code === 204 ? {} : JSON.parse(body);
    } catch (err) {
      throw new QueryError('bad_response', (err as Error).message);
    }
    if (apiError && result.status === 'success')
      throw new QueryError('bad_response', 'inconsistent body for response code');
    if (result.status === 'error') throw new QueryError(result.errorType ?? '', result.error ?? '');
    return { data: result.data, warnings: result.warnings ?? [] };
  }

  async query(query: string, timeMs: number): Promise<{ resultType: string; result: unknown }> {
    const form = new URLSearchParams({ query, time: formatTime(timeMs) });
    return (await this.#getFallback('/api/v1/query', form)).data as { resultType: string; result: unknown };
  }

  async queryRange(
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
  ): Promise<{ resultType: string; result: unknown }> {
    const form = new URLSearchParams({
      query,
      start: formatTime(startMs),
      end: formatTime(endMs),
      step: goFormatFloat(stepMs / 1000),
    });
    return (await this.#getFallback('/api/v1/query_range', form)).data as { resultType: string; result: unknown };
  }

  async series(matches: readonly string[], startMs: number, endMs: number): Promise<LabelSet[]> {
    const form = new URLSearchParams();
    for (const m of matches) form.append('match[]', m);
    form.set('start', formatTime(startMs));
    form.set('end', formatTime(endMs));
    return ((await this.#getFallback('/api/v1/series', form)).data ?? []) as LabelSet[];
  }

  async labelValues(
    name: string,
    matches: readonly string[],
    startMs: number,
    endMs: number,
  ): Promise<{ values: string[]; warnings: string[] }> {
    const q = new URLSearchParams();
    for (const m of matches) q.append('match[]', m);
    q.set('start', formatTime(startMs));
    q.set('end', formatTime(endMs));
    // Go's url.Values.Encode: keys sorted.
    q.sort();
    const res = await this.#do(
      'GET',
      `${this.#url(`/api/v1/label/${encodeURIComponent(name)}/values`)}?${q}`,
      undefined,
    );
    const { data, warnings } = await this.#decode(res);
    return { values: (data ?? []) as string[], warnings };
  }
}
