// Prometheus: web/api/v1/api.go Response, respond, respondError; util/httputil SetCORS.
import type { Annotations } from '@tsprom/storage-interfaces';
import { type APIError, errorStatus } from './api-error.js';
import { goJSON, goJSONString } from './go-json.js';
import { JSONWriter } from './json-writer.js';

/**
 * What an endpoint returns: JSON data (written into the response's buffer, already encoded, or a
 * value to encode) and warnings.
 */
export interface APIResult {
  /**
   * Writes the `data` member into `w` (large results: no intermediate string). Called once, by
   * {@link respond}, synchronously; `json` and `data` are ignored when it is set.
   */
  readonly write?: (w: JSONWriter) => void;
  /** The `data` member as JSON text. */
  readonly json?: string;
  /** The `data` member as a value (encoded as Go would). Ignored when `json` is set. */
  readonly data?: unknown;
  readonly warnings?: Annotations | undefined;
}

/** Prometheus answers with no body (204) when an endpoint returns no data. */
export const NO_CONTENT: APIResult = {};

const MAX_ANNOTATIONS = 10;

// One writer for all responses: each is written and copied into its Response in one synchronous
// run (a Response copies a byte body), so no two responses ever share it.
const writer = new JSONWriter();

/** The success envelope (`status`, `data`, `warnings`, `infos`), 200. */
export function respond(result: APIResult, query: string, headers: Headers): Response {
  if (result.write !== undefined) {
    const w = writer;
    w.reset();
    w.ascii('{"status":"success","data":');
    result.write(w);
    w.utf8(annotationsJSON(result.warnings, query));
    w.byte(0x7d);
    headers.set('Content-Type', 'application/json');
    const res = new Response(w.bytes(), { status: 200, headers });
    w.reset();
    return res;
  }
  const data = result.json ?? (result.data === undefined ? undefined : goJSON(result.data));
  if (data === undefined) return new Response(null, { status: 204, headers });
  headers.set('Content-Type', 'application/json');
  return new Response(`{"status":"success","data":${data}${annotationsJSON(result.warnings, query)}}`, {
    status: 200,
    headers,
  });
}

// `,"warnings":[…],"infos":[…]`, each when not empty.
function annotationsJSON(annotations: Annotations | undefined, query: string): string {
  if (annotations === undefined || annotations.size === 0) return '';
  const { warnings, infos } = annotations.asStrings(query, MAX_ANNOTATIONS, MAX_ANNOTATIONS);
  let out = '';
  if (warnings.length > 0) out += `,"warnings":${goJSON(warnings)}`;
  if (infos.length > 0) out += `,"infos":${goJSON(infos)}`;
  return out;
}

/** The error envelope (`status`, `errorType`, `error`) with the type's status code. */
export function respondError(err: APIError, headers: Headers): Response {
  headers.set('Content-Type', 'application/json');
  const body = `{"status":"error","errorType":${goJSONString(err.type)},"error":${goJSONString(err.message)}}`;
  return new Response(body, { status: errorStatus[err.type], headers });
}

const CORS_HEADERS: readonly [string, string][] = [
  ['Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin'],
  ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
  ['Access-Control-Expose-Headers', 'Date'],
  ['Vary', 'Origin'],
];

/** Prometheus SetCORS: CORS headers for a request with an Origin that `allowed` matches. */
export function corsHeaders(req: Request, allowed: RegExp | undefined): Headers {
  const h = new Headers();
  const origin = req.headers.get('origin');
  if (origin === null || origin === '') return h;
  for (const [k, v] of CORS_HEADERS) h.set(k, v);
  if (allowed === undefined || allowed.source === '.*' || allowed.source === '^(?:.*)$') {
    h.set('Access-Control-Allow-Origin', '*');
  } else if (allowed.test(origin)) {
    h.set('Access-Control-Allow-Origin', origin);
  }
  return h;
}
