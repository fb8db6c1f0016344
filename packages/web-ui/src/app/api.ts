// The HTTP API v1 of the server the UI is served by, under its path prefix.

/** The path prefix the server wrote into index.html ('' for none). */
export const pathPrefix: string = document.body.dataset.pathPrefix ?? '';

/** An API call answered with `status: "error"` (or not JSON). */
export class APIError extends Error {
  override readonly name = 'APIError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The `data` of GET `/api/v1/<path>?<params>`; POST (form) when `post`. */
export async function apiGet<T>(path: string, params?: Record<string, string>, signal?: AbortSignal): Promise<T> {
  const qs = params === undefined ? '' : `?${new URLSearchParams(params).toString()}`;
  const res = await fetch(`${pathPrefix}/api/v1/${path}${qs}`, { signal, headers: { Accept: 'application/json' } });
  let body: { status?: string; data?: T; errorType?: string; error?: string; warnings?: string[] };
  try {
    body = await res.json();
  } catch {
    throw new APIError('http', `${res.status} ${res.statusText}: the answer is not JSON`);
  }
  if (body.status !== 'success') throw new APIError(body.errorType ?? 'http', body.error ?? `${res.status}`);
  return body.data as T;
}

/** Label sets as the API gives them. */
export type Metric = Record<string, string>;
/** `[seconds, "value"]` */
export type SamplePair = [number, string];
export interface HistogramData {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}
export interface InstantSeries {
  metric: Metric;
  value?: SamplePair;
  histogram?: [number, HistogramData];
}
export interface RangeSeries {
  metric: Metric;
  values?: SamplePair[];
  histograms?: [number, HistogramData][];
}
export type QueryData =
  | { resultType: 'vector'; result: InstantSeries[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };
