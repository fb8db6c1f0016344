// Series fetched from a tsprom or Prometheus server's HTTP API v1 into an in-memory DB: the raw
// samples of a selector over a time range (an instant query of a range selector, whose JSON
// answer is a matrix of the stored samples), or a query_range answer (values at each step). The
// server must allow the page's origin: tsprom and Prometheus do by default (`--web.cors.origin`).
import { Labels } from '@tsprom/labels';
import type { DB } from '@tsprom/tsdb';

/** What to fetch. Times in ms. */
export interface FetchOptions {
  /** The server's URL, e.g. `http://localhost:9090` (with its path prefix, if any). */
  readonly server: string;
  /** A series selector, e.g. `up{job="node"}`. */
  readonly selector: string;
  readonly startMs: number;
  readonly endMs: number;
  /** With a step: query_range's values at each step; without: the raw samples. */
  readonly stepMs?: number;
  readonly signal?: AbortSignal;
}

/** What was appended. */
export interface FetchedSeries {
  /** The API call made. */
  readonly url: string;
  readonly series: number;
  readonly samples: number;
  /** Series of native histograms, which this example leaves out. */
  readonly histogramSeriesSkipped: number;
}

/** The server answered with an error, or not with the API's JSON. */
export class FetchSeriesError extends Error {
  override readonly name = 'FetchSeriesError';
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(`${url}: ${message}`);
  }
}

interface MatrixJSON {
  status: string;
  error?: string;
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; values?: [number, string][]; histograms?: unknown[] }[];
  };
}

/** The API URL that fetches `o`. */
export function fetchURL(o: FetchOptions): string {
  const base = o.server.replace(/\/+$/, '');
  if (o.stepMs !== undefined) {
    const qs = new URLSearchParams({
      query: o.selector,
      start: String(o.startMs / 1000),
      end: String(o.endMs / 1000),
      step: String(o.stepMs / 1000),
    });
    return `${base}/api/v1/query_range?${qs}`;
  }
  // `[range]` ends at `time`; 1 ms more so that a sample at exactly `startMs` is included.
  const qs = new URLSearchParams({
    query: `${o.selector}[${o.endMs - o.startMs + 1}ms]`,
    time: String(o.endMs / 1000),
  });
  return `${base}/api/v1/query?${qs}`;
}

/** Fetches the series of `o` and appends their float samples to `db`. */
export async function fetchSeriesInto(db: DB, o: FetchOptions): Promise<FetchedSeries> {
  if (!(o.endMs >= o.startMs)) throw new RangeError(`the range ends (${o.endMs}) before it starts (${o.startMs})`);
  const url = fetchURL(o);
  const res = await fetch(url, { signal: o.signal, headers: { Accept: 'application/json' } });
  let body: MatrixJSON;
  try {
    body = (await res.json()) as MatrixJSON;
  } catch {
    throw new FetchSeriesError(url, res.status, `${res.status} ${res.statusText}: the answer is not JSON`);
  }
  if (body.status !== 'success' || body.data === undefined) {
    throw new FetchSeriesError(url, res.status, body.error ?? `status ${res.status}`);
  }
  if (body.data.resultType !== 'matrix') {
    throw new FetchSeriesError(url, res.status, `a ${body.data.resultType} came back, want a matrix`);
  }
  const app = db.appender();
  let series = 0;
  let samples = 0;
  let histogramSeriesSkipped = 0;
  for (const s of body.data.result) {
    if (s.values === undefined || s.values.length === 0) {
      if ((s.histograms?.length ?? 0) > 0) histogramSeriesSkipped++;
      continue;
    }
    const labels = Labels.fromMap(s.metric);
    let ref = 0;
    for (const [tS, v] of s.values) {
      // The API writes seconds with ms precision: round back to the ms the sample was stored at.
      ref = app.append(ref, labels, Math.round(tS * 1000), Number(v));
      samples++;
    }
    series++;
  }
  await app.commit();
  return { url, series, samples, histogramSeriesSkipped };
}
