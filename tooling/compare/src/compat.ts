// `pnpm test:compat`: the data set loaded into tsprom and Prometheus 2.42, every query of the list
// asked of both over HTTP (instant at two times, range over an hour across the backfilled blocks
// and the remote-written head), the answers compared as the PromQL compliance tester compares them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PEERS, requirePeer } from '@tsprom/test-support';
import { type APIAnswer, answerDiff } from './compare-results.js';
import { type DataSetSpec, dataSetSpec, generateDataSet, type SizeName } from './data-set.js';
import { type LoadedPeer, loadPeer } from './load.js';
import { writeOpenMetricsFile } from './openmetrics-file.js';
import { writeEmptyConfig } from './peers.js';
import { COMPAT_QUERIES, type CompatQuery } from './queries.js';
import { buildWriteLoad } from './remote-write-load.js';

/** One comparison that failed: the query, how it was asked, and what differed. */
export interface CompatFailure {
  readonly query: string;
  readonly kind: string;
  readonly diff: string;
}

export interface CompatResult {
  readonly passed: number;
  readonly failed: number;
  /** Comparisons where Prometheus answered with data (a non-empty result or a scalar). */
  readonly withData: number;
  readonly failures: readonly CompatFailure[];
}

/** Thrown when Prometheus is not installed (and CI is not set): there is nothing to compare with. */
export class PeerMissingError extends Error {
  override readonly name = 'PeerMissingError';
  constructor(readonly bin: string) {
    super(`${bin} is not installed: tsprom cannot be compared with Prometheus`);
  }
}

/**
 * The times (s) and range each query is asked at, for `spec`: 7 s past a whole minute, so that no
 * subquery step (a multiple of 30 s) puts a point on the subquery's left edge (left-open in
 * Prometheus 3, left-closed in 2.42).
 */
export function queryTimes(spec: DataSetSpec): { instants: number[]; start: number; end: number; step: number } {
  const split = spec.splitMs / 1000 + 7;
  return { instants: [split + 1200, split - 60], start: split - 1800, end: split + 1500, step: 60 };
}

async function ask(url: string, path: string, params: Record<string, string>): Promise<APIAnswer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as APIAnswer;
  } catch {
    return { status: 'error', errorType: `http ${res.status}`, error: text.slice(0, 200) };
  }
}

/** Asks every query of `queries` of both peers; `log` gets each failure as it is found. */
export async function compareQueries(
  tsprom: string,
  prom: string,
  spec: DataSetSpec,
  queries: readonly CompatQuery[],
  log: (f: CompatFailure) => void = () => {},
): Promise<CompatResult> {
  const { instants, start, end, step } = queryTimes(spec);
  const failures: CompatFailure[] = [];
  let passed = 0;
  let withData = 0;
  const check = async (q: CompatQuery, kind: string, path: string, params: Record<string, string>) => {
    const [a, b] = await Promise.all([
      ask(tsprom, path, { ...params, query: q.q }),
      ask(prom, path, { ...params, query: q.prom ?? q.q }),
    ]);
    const result = b.data?.result;
    if (result !== undefined && (!Array.isArray(result) || result.length > 0)) withData++;
    const diff = answerDiff(a, b);
    if (diff === undefined) {
      passed++;
      return;
    }
    const f = { query: q.q, kind, diff };
    failures.push(f);
    log(f);
  };
  for (const q of queries) {
    for (const t of instants) await check(q, `instant at ${t}`, '/api/v1/query', { time: String(t) });
    if (!q.instantOnly) {
      const range = { start: String(start), end: String(end), step: String(step) };
      await check(q, `range ${start}..${end} step ${step}`, '/api/v1/query_range', range);
    }
  }
  return { passed, failed: failures.length, withData, failures };
}

/** Loads the data set of `size` into both peers (in a temp dir, removed after) and compares. */
export async function runCompat(
  size: SizeName,
  log: (line: string) => void = () => {},
  onFailure?: (f: CompatFailure) => void,
): Promise<CompatResult> {
  if (!requirePeer(PEERS.prometheus) || !requirePeer(PEERS.promtool)) {
    throw new PeerMissingError(PEERS.prometheus);
  }
  const spec = dataSetSpec(size);
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-compat-'));
  const peers: LoadedPeer[] = [];
  try {
    const om = join(dir, 'data.om');
    const data = generateDataSet(spec);
    const file = await writeOpenMetricsFile(data, om);
    const tail = buildWriteLoad(data, spec.splitMs);
    log(
      `data set ${size}: ${file.series} float series, ${file.samples} backfilled samples; remote write ` +
        `${tail.floatSamples} float and ${tail.histogramSamples} native histogram samples`,
    );
    const config = await writeEmptyConfig(dir);
    for (const name of ['prometheus', 'tsprom'] as const) {
      peers.push(await loadPeer(name, om, tail, dir, config));
      log(`${name} loaded`);
    }
    const [prom, tsprom] = peers;
    return await compareQueries(tsprom!.server.url, prom!.server.url, spec, COMPAT_QUERIES, onFailure);
  } finally {
    for (const p of peers) await p.server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
