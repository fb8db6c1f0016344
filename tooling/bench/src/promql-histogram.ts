// Native-histogram PromQL in the in-memory TestStorage: `histogram_quantile(0.9, sum(rate(x[5m])))`
// over 250 and 1k native histograms (custom buckets, as the `promql` suite's, and exponential
// ones), 2h at a 15s step (481 steps). Prints CPU time per query (process.cpuUsage: on a shared
// machine wall time also holds the other processes') and the share of wall time spent in GC
// pauses, so that a cost growing faster than the data shows up between the sizes.
import { PerformanceObserver } from 'node:perf_hooks';
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { TestStorage } from '@tsprom/promql/testing';
import { CounterResetHint, CustomBucketsSchema, type FloatHistogram } from '@tsprom/storage-interfaces';
import { RANGE_MS, SCRAPE_MS, START } from './promql.js';

const LOOKBACK_MS = 5 * 60_000;
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY = 'histogram_quantile(0.9, sum(rate(x[5m])))';
const ROUNDS = 3;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * `hists` native histograms `x{instance}` every 15s over the range and its lookback: 12 buckets,
 * custom bounds (schema -53) or exponential (schema 0, buckets 1..12, a few empty at random).
 */
export function load(storage: TestStorage, hists: number, custom: boolean): number {
  const r = lcg(2);
  const n = BOUNDS.length + 1;
  let samples = 0;
  for (let h = 0; h < hists; h++) {
    const s = storage.series(Labels.fromStrings('__name__', 'x', 'instance', `host-${h}:9100`));
    const counts = new Float64Array(n);
    for (let t = START - LOOKBACK_MS; t <= START + RANGE_MS; t += SCRAPE_MS) {
      let count = 0;
      for (let b = 0; b < n; b++) {
        counts[b] = counts[b]! + Math.floor(r() * 5);
        count += counts[b]!;
      }
      const fh: FloatHistogram = {
        counterResetHint: CounterResetHint.Unknown,
        schema: custom ? CustomBucketsSchema : 0,
        zeroThreshold: custom ? 0 : 1e-128,
        zeroCount: 0,
        count,
        sum: count * 0.5,
        positiveSpans: [{ offset: custom ? 0 : 1, length: n }],
        negativeSpans: [],
        positiveBuckets: Array.from(counts),
        negativeBuckets: [],
      };
      if (custom) fh.customValues = BOUNDS;
      s.append(t, 0, fh);
      samples++;
    }
  }
  return samples;
}

let gcMs = 0;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Round {
  cpuMs: number;
  wallMs: number;
  gcMs: number;
}

/** One query, measured: CPU ms of this process, wall ms, and GC pause ms. */
async function measure(engine: Engine, storage: TestStorage): Promise<Round> {
  const gc0 = gcMs;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const res = await engine.newRangeQuery(storage, QUERY, START, START + RANGE_MS, SCRAPE_MS).exec();
  const cpu = cpuMs() - cpu0;
  const wall = performance.now() - wall0;
  await new Promise((resolve) => setTimeout(resolve, 10)); // Lets the GC observer report.
  if (res.err !== null) throw res.err;
  return { cpuMs: cpu, wallMs: wall, gcMs: gcMs - gc0 };
}

function range(xs: number[], digits = 0): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]!.toFixed(digits)}-${s[s.length - 1]!.toFixed(digits)}`;
}

/** Runs the native-histogram PromQL benchmark and prints one line per size and bucket kind. */
export async function run(): Promise<void> {
  console.log(`\n## promql-histogram (${QUERY}, 2h at 15s step, TestStorage; ranges over ${ROUNDS} runs)`);
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const engine = new Engine({ maxSamples: 100_000_000 });
  for (const custom of [true, false]) {
    for (const hists of [250, 1_000]) {
      const storage = new TestStorage();
      const samples = load(storage, hists, custom);
      await measure(engine, storage); // Warm-up.
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) rounds.push(await measure(engine, storage));
      const cpu = rounds.map((r) => r.cpuMs);
      const gcShare = rounds.map((r) => (100 * r.gcMs) / r.wallMs);
      const perSample = rounds.map((r) => (1e6 * r.cpuMs) / 1000 / samples);
      console.log(
        `promql-histogram: ${hists} ${custom ? 'custom-bucket' : 'exponential'} histograms (${(samples / 1e6).toFixed(2)}M samples): CPU ${range(cpu)} ms (${range(perSample, 2)} µs/sample), GC ${range(gcShare)}% of wall`,
      );
    }
  }
  obs.disconnect();
}
