// Real Prometheus 2.42 (`--enable-feature=native-histograms`) and tsprom (`scrape_native_histograms:
// true`) scrape the same exporter of protobuf native histograms. The exporter hands each scraper
// the same samples with their own timestamps (testing/native-histogram-exporter.ts), so both store
// the same histograms at the same times whenever they scrape, and queries evaluated at the same
// instants must agree: histogram_count, histogram_sum and histogram_quantile over the raw samples
// and over rate(x[1m]), through a counter reset and a change of bucket layout.
//
// Prometheus 2.42 interpolates linearly within an exponential bucket; Prometheus 3, and tsprom,
// exponentially. Both give the bucket's bound when the quantile's rank falls on it, so the data put
// the 0.9 quantile's rank on a bucket boundary in every window (9 of every 10 observations at or
// below 4); a second quantile in the middle of a bucket checks tsprom's exponential interpolation
// against its formula.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tsprom/config';
import { Manager as DiscoveryManager } from '@tsprom/discovery';
import { Engine } from '@tsprom/promql';
import { PEERS, requirePeer, type ServerPeer, startPrometheus } from '@tsprom/test-support';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manager } from './manager.js';
import {
  encodeFamilies,
  type NativeHistogramExporter,
  startNativeHistogramExporter,
  toDeltas,
} from './testing/native-histogram-exporter.js';
import { waitFor } from './testing/wait-for.js';
import { DefaultUserAgent } from './target-scraper.js';

const STEP_MS = 15_000;
const N = 24;
/** The sample at which the counters start over. */
const RESET_AT = 12;
/** From this sample on, observations above 4 fall into (8, 16] instead of (4, 8]. */
const NEW_BUCKET_AT = 16;
const NAME = 'nh_request_duration_seconds';

interface Step {
  ts: number;
  neg: number;
  zero: number;
  pos: number[];
  sum: number;
}

/** The cumulative histograms the exporter serves, sample `i` at `t0 + i * STEP_MS`. */
function steps(t0: number): Step[] {
  const out: Step[] = [];
  let neg = 0;
  let zero = 0;
  let pos = [0, 0, 0, 0, 0];
  let sum = 0;
  for (let i = 0; i < N; i++) {
    if (i === RESET_AT) {
      neg = 0;
      zero = 0;
      pos = [0, 0, 0, 0, 0];
      sum = 0;
    }
    // 10 observations per step: 1 in (-1, -0.5], 1 in the zero bucket, 3 in (0.5, 1], 2 in
    // (1, 2], 2 in (2, 4], 1 above 4.
    neg += 1;
    zero += 1;
    pos[0]! += 3;
    pos[1]! += 2;
    pos[2]! += 2;
    pos[i < NEW_BUCKET_AT ? 3 : 4]! += 1;
    sum += 25.25;
    out.push({ ts: t0 + i * STEP_MS, neg, zero, pos: pos.slice(), sum });
  }
  return out;
}

function body(s: Step): Uint8Array {
  const last = s.pos[4]! > 0 ? 5 : 4;
  const pos = s.pos.slice(0, last);
  const count = s.neg + s.zero + pos.reduce((a, b) => a + b, 0);
  // Classic buckets too (a histogram exposed both ways): with native histograms on, neither
  // Prometheus nor tsprom stores them (no always_scrape_classic_histograms).
  let cum = s.neg + s.zero + s.pos[0]!;
  const bucket = [{ upper_bound: 1, cumulative_count: cum }];
  for (const [i, ub] of [2, 4, 8, 16].entries()) {
    cum += s.pos[i + 1]!;
    bucket.push({ upper_bound: ub, cumulative_count: cum });
  }
  return encodeFamilies([
    {
      name: NAME,
      help: 'Request durations.',
      type: 4, // HISTOGRAM
      metric: [
        {
          label: [{ name: 'path', value: '/api' }],
          timestamp_ms: s.ts,
          histogram: {
            sample_count: count,
            sample_sum: s.sum,
            bucket,
            schema: 0,
            zero_threshold: 0.001,
            zero_count: s.zero,
            negative_span: [{ offset: 0, length: 1 }],
            negative_delta: [s.neg],
            positive_span: [{ offset: 0, length: last }],
            positive_delta: toDeltas(pos),
          },
        },
      ],
    },
  ]);
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function promQuery(url: string, q: string, tMs: number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: q, time: String(tMs / 1000) });
  const res = await fetch(`${url}/api/v1/query?${params}`, { signal: AbortSignal.timeout(10_000) });
  const b = (await res.json()) as { status: string; data: { resultType: string; result: PromSample[] } };
  if (b.status !== 'success') throw new Error(`query ${q}: ${JSON.stringify(b)}`);
  return b.data.result;
}

function labelsKey(metric: Record<string, string>): string {
  const names = Object.keys(metric).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(metric[n])}`).join(', ')}}`;
}

/** Equal, or within 1e-9 relative (rate's extrapolation may round differently). */
function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

describe.runIf(requirePeer(PEERS.prometheus))('Prometheus 2.42 and tsprom scraping protobuf native histograms', () => {
  let dir: string;
  let exporter: NativeHistogramExporter;
  let prom: ServerPeer;
  let db: DB;
  let manager: Manager;
  let discovery: DiscoveryManager;
  let running: Promise<void>;
  const sdAbort = new AbortController();
  const engine = new Engine();
  // All samples lie in the past (within the head's range), the last one 2 minutes ago.
  const t0 = Math.floor(Date.now() / STEP_MS) * STEP_MS - (N - 1) * STEP_MS - 120_000;
  const data = steps(t0);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-scrape-nh-'));
    exporter = await startNativeHistogramExporter(data.map(body));
    const job = `  - job_name: nh\n    static_configs:\n      - targets: ['${exporter.address}']\n`;
    const global = 'global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs:\n';
    writeFileSync(join(dir, 'prometheus.yml'), global + job);
    prom = await startPrometheus({
      configFile: join(dir, 'prometheus.yml'),
      dataDir: join(dir, 'data'),
      args: ['--enable-feature=native-histograms'],
    });
    db = await DB.open();
    manager = new Manager({ appendable: db, discoveryReloadIntervalMs: 0 });
    discovery = new DiscoveryManager({ updateIntervalMs: 10 });
    const cfg = loadConfig(`${global}${job}    scrape_native_histograms: true\n`);
    await manager.applyConfig(cfg);
    discovery.start();
    running = manager.run(discovery.updates(sdAbort.signal));
    await discovery.applyConfig(new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs])));
  }, 180_000);

  afterAll(async () => {
    sdAbort.abort();
    await discovery?.stop();
    await manager?.stop();
    await running;
    await prom?.stop();
    await exporter?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ours(q: string, tMs: number): Promise<PromSample[]> {
    const res = await engine.newInstantQuery(db, q, tMs).exec();
    if (res.err !== null) throw res.err;
    if (res.value?.type !== 'vector') throw new Error(`${q}: ${res.value?.type}`);
    return res.value.vector.map((s) => {
      const metric: Record<string, string> = {};
      s.metric.forEach((name, value) => {
        metric[name] = value;
      });
      if (s.h !== undefined) throw new Error(`${q}: a histogram result`);
      return { metric, value: [tMs / 1000, String(s.f)] };
    });
  }

  it('both store the same histograms and answer the same queries over them', async () => {
    // Each scrape loop scrapes sequentially: a request after the N-th means all N were appended.
    await waitFor(() => exporter.served('Prometheus/') > N && exporter.served(DefaultUserAgent) > N, 480_000);
    expect(exporter.refused()).toBe(0);

    const exprs = [
      `histogram_count(${NAME})`,
      `histogram_sum(${NAME})`,
      `histogram_quantile(0.9, ${NAME})`,
      `histogram_count(rate(${NAME}[1m]))`,
      `histogram_sum(rate(${NAME}[1m]))`,
      `histogram_quantile(0.9, rate(${NAME}[1m]))`,
      `histogram_quantile(0.9, sum(rate(${NAME}[1m])))`,
      `histogram_count(increase(${NAME}[1m]))`,
    ];
    let compared = 0;
    // 5 s after each sample: a 1m window then holds 4 samples and none on its edge (Prometheus
    // 2.42 closes the window on the left, Prometheus 3 leaves it open).
    for (const s of data) {
      const t = s.ts + 5000;
      for (const q of exprs) {
        const [a, b] = await Promise.all([promQuery(prom.url, q, t), ours(q, t)]);
        const where = `${q} at sample ${(s.ts - t0) / STEP_MS}`;
        expect(
          b.map((x) => labelsKey(x.metric)),
          where,
        ).toEqual(a.map((x) => labelsKey(x.metric)));
        for (let i = 0; i < a.length; i++) {
          const pa = Number(a[i]!.value[1]);
          const pb = Number(b[i]!.value[1]);
          expect(close(pa, pb), `${where}: Prometheus ${pa}, tsprom ${pb}`).toBe(true);
          compared++;
        }
      }
    }
    // Every expression has a result at every sample, but the 5 over a range at the first one (a
    // single sample in the window).
    expect(compared).toBe(N * exprs.length - 5);

    // Known values: the last sample holds 12 steps since the reset, 10 observations each.
    const last = data.at(-1)!;
    const count = await ours(`histogram_count(${NAME})`, last.ts);
    expect(Number(count[0]!.value[1])).toBe(120);
    const q9 = await ours(`histogram_quantile(0.9, ${NAME})`, last.ts);
    expect(close(Number(q9[0]!.value[1]), 4)).toBe(true);
    // Rank 0.35 * 120 = 42 falls in (0.5, 1], with 24 observations below it and 36 in it: 18/36
    // of the way in, exponential interpolation gives 2^(-1 + 18/36) (linear would give 0.75).
    const q35 = await ours(`histogram_quantile(0.35, ${NAME})`, last.ts);
    expect(close(Number(q35[0]!.value[1]), 2 ** (-1 + 18 / 36))).toBe(true);

    // The same series in both, the classic buckets of the native histogram stored by neither.
    const names = `group by (__name__) ({job="nh"})`;
    const nowMs = Date.now();
    const [pn, tn] = await Promise.all([promQuery(prom.url, names, nowMs), ours(names, nowMs)]);
    const sorted = (r: PromSample[]) => r.map((x) => x.metric.__name__).sort();
    expect(sorted(tn)).toEqual(sorted(pn));
    expect(sorted(tn)).toContain(NAME);
    expect(sorted(tn)).not.toContain(`${NAME}_bucket`);
    const scraped = `scrape_samples_scraped{job="nh"}`;
    const [ps, ts] = await Promise.all([promQuery(prom.url, scraped, nowMs), ours(scraped, nowMs)]);
    expect(ts[0]!.value[1]).toBe(ps[0]!.value[1]);
    expect(ts[0]!.value[1]).toBe('1');
  }, 600_000);
});
