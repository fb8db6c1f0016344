// Prometheus: web/api/v1/api.go formatQuery, parseQuery, queryExemplars (parser.ExtractSelectors).
import type { Matcher } from '@tsprom/labels';
import {
  type Expr,
  formatFloatF,
  inspect,
  type ParserOptions,
  parseExpr,
  prettify,
  translateAST,
} from '@tsprom/promql';
import { APIError, invalidParamError, returnAPIError } from './api-error.js';
import type { ExemplarQueryResult } from './api-options.js';
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam } from './params.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';
import { formatTimestamp, labelsJSON } from './result-json.js';

function parse(c: RequestContext, parserOptions: ParserOptions | undefined): Expr {
  try {
    return parseExpr(c.form.get('query'), parserOptions);
  } catch (err) {
    throw invalidParamError(err, 'query');
  }
}

/** GET/POST /api/v1/format_query */
export function formatQuery(c: RequestContext, parserOptions?: ParserOptions): APIResult {
  return { data: prettify(parse(c, parserOptions)) };
}

/** GET/POST /api/v1/parse_query (experimental in Prometheus: the UI's explain view uses it). */
export function parseQuery(c: RequestContext, parserOptions?: ParserOptions): APIResult {
  return { data: translateAST(parse(c, parserOptions)) };
}

/** Prometheus parser.ExtractSelectors: the matchers of every vector selector, in order. */
export function extractSelectors(expr: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  inspect(expr, (node) => {
    if (node.type === 'VectorSelector') out.push(node.labelMatchers);
    return undefined;
  });
  return out;
}

function exemplarsJSON(results: readonly ExemplarQueryResult[]): string {
  const parts: string[] = [];
  for (const r of results) {
    const ex: string[] = [];
    for (const e of r.exemplars) {
      ex.push(
        `{"labels":${labelsJSON(e.labels)},"value":"${formatFloatF(e.value)}","timestamp":${formatTimestamp(e.ts)}}`,
      );
    }
    parts.push(`{"seriesLabels":${labelsJSON(r.seriesLabels)},"exemplars":[${ex.join(',')}]}`);
  }
  return `[${parts.join(',')}]`;
}

/** GET/POST /api/v1/query_exemplars */
export async function queryExemplars(c: RequestContext, parserOptions?: ParserOptions): Promise<APIResult> {
  const param = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw invalidParamError(err, name);
    }
  };
  const start = param('start', () => parseTimeParam(c.form.get('start'), 'start', MIN_TIME_MS));
  const end = param('end', () => parseTimeParam(c.form.get('end'), 'end', MAX_TIME_MS));
  if (end < start) throw new APIError('bad_data', 'end timestamp must not be before start timestamp');
  let expr: Expr;
  try {
    expr = parseExpr(c.form.get('query'), parserOptions);
  } catch (err) {
    throw new APIError('bad_data', (err as Error).message, { cause: err });
  }
  const selectors = extractSelectors(expr);
  // Prometheus returns no data (204) for an expression without selectors.
  if (selectors.length < 1) return {};
  const eq = c.opts.exemplars;
  if (eq === undefined) return { json: '[]' };
  let res: readonly ExemplarQueryResult[] | undefined;
  try {
    res = await eq.selectExemplars(start, end, selectors);
  } catch (err) {
    throw returnAPIError(err as Error);
  }
  // Without exemplar storage Prometheus's (no-op) storage finds none.
  return { json: exemplarsJSON(res ?? []) };
}
