// Benchmarks for @tsprom/promql: range queries over generated data in the in-memory TestStorage,
// the two shapes of the PromQL issue (#4): a counter rate summed by job over 10k series, and a
// 0.9 quantile over 1k classic histograms of 12 buckets; then the same quantile over the same
// observations as native histograms with custom buckets (#14); 2h at a 15s step (481 steps).
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { TestStorage } from '@tsprom/promql/testing';
import { CounterResetHint, CustomBucketsSchema, type FloatHistogram } from '@tsprom/storage-interfaces';

export const SCRAPE_MS = 15_000;
export const RANGE_MS = 2 * 3600_000;
const LOOKBACK_MS = 5 * 60_000;
export const START = 1_700_000_000_000;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Counters `http_requests_total{job, instance}`: `series` of them, scraped every 15s. */
export function counters(storage: TestStorage, series: number): number {
  const r = lcg(1);
  let samples = 0;
  for (let i = 0; i < series; i++) {
    const s = storage.series(
      Labels.fromStrings('__name__', 'http_requests_total', 'job', `job-${i % 10}`, 'instance', `host-${i}:9100`),
    );
    let v = 0;
    for (let t = START - LOOKBACK_MS; t <= START + RANGE_MS; t += SCRAPE_MS) {
      v += Math.floor(r() * 100);
      s.append(t, v);
      samples++;
    }
  }
  return samples;
}

const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

/** Classic histograms `x_bucket{le, instance}`: `hists` of them with 12 buckets each. */
function histograms(storage: TestStorage, hists: number): number {
  const r = lcg(2);
  let samples = 0;
  for (let h = 0; h < hists; h++) {
    const series = BOUNDS.map((le) =>
      storage.series(Labels.fromStrings('__name__', 'x_bucket', 'le', le, 'instance', `host-${h}:9100`)),
    );
    const counts = new Float64Array(BOUNDS.length);
    for (let t = START - LOOKBACK_MS; t <= START + RANGE_MS; t += SCRAPE_MS) {
      let cum = 0;
      for (let b = 0; b < BOUNDS.length; b++) {
        cum += Math.floor(r() * 5);
        counts[b] = counts[b]! + cum;
        series[b]!.append(t, counts[b]!);
        samples++;
      }
    }
  }
  return samples;
}

/**
 * The observations of {@link histograms} (same seed, same counts) as native histograms with custom
 * buckets `x{instance}` (schema -53, the 11 finite bounds): one histogram sample where the classic
 * form has 12 series samples.
 */
function nativeHistograms(storage: TestStorage, hists: number): number {
  const r = lcg(2);
  const bounds = BOUNDS.slice(0, -1).map(Number);
  let samples = 0;
  for (let h = 0; h < hists; h++) {
    const s = storage.series(Labels.fromStrings('__name__', 'x', 'instance', `host-${h}:9100`));
    const counts = new Float64Array(BOUNDS.length);
    for (let t = START - LOOKBACK_MS; t <= START + RANGE_MS; t += SCRAPE_MS) {
      let cum = 0;
      for (let b = 0; b < BOUNDS.length; b++) {
        cum += Math.floor(r() * 5);
        counts[b] = counts[b]! + cum;
      }
      // Classic buckets are cumulative; a native histogram's buckets hold each bucket's own count.
      const buckets = Array.from(counts, (c, b) => (b === 0 ? c : c - counts[b - 1]!));
      const fh: FloatHistogram = {
        counterResetHint: CounterResetHint.Unknown,
        schema: CustomBucketsSchema,
        zeroThreshold: 0,
        zeroCount: 0,
        count: counts[BOUNDS.length - 1]!,
        sum: 0,
        positiveSpans: [{ offset: 0, length: BOUNDS.length }],
        negativeSpans: [],
        positiveBuckets: buckets,
        negativeBuckets: [],
        customValues: bounds,
      };
      s.append(t, 0, fh);
      samples++;
    }
  }
  return samples;
}

async function time(engine: Engine, storage: TestStorage, q: string, rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const res = await engine.newRangeQuery(storage, q, START, START + RANGE_MS, SCRAPE_MS).exec();
    const dt = performance.now() - t0;
    if (res.err !== null) throw res.err;
    out.push(dt);
  }
  return out.sort((a, b) => a - b);
}

function report(name: string, samples: number, times: number[]): void {
  const best = times[0]!;
  const median = times[Math.floor(times.length / 2)]!;
  const rate = samples / (best / 1000);
  console.log(
    `promql: ${name}: best ${best.toFixed(0)} ms, median ${median.toFixed(0)} ms (${(rate / 1e6).toFixed(2)}M samples/s over ${(samples / 1e6).toFixed(2)}M samples)`,
  );
}

/** Runs the PromQL benchmarks and prints one line per query. */
export async function run(): Promise<void> {
  console.log('\n## promql (range queries, 2h at 15s step, TestStorage)');
  const engine = new Engine({ maxSamples: 100_000_000 });
  {
    const storage = new TestStorage();
    const samples = counters(storage, 10_000);
    const times = await time(engine, storage, 'sum by (job) (rate(http_requests_total[5m]))', 3);
    report('sum by (job) (rate(http_requests_total[5m])) over 10k series', samples, times);
  }
  {
    const storage = new TestStorage();
    const samples = histograms(storage, 1_000);
    const times = await time(engine, storage, 'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))', 3);
    report('histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m]))) over 1k histograms x 12 buckets', samples, times);
  }
  {
    const storage = new TestStorage();
    const samples = nativeHistograms(storage, 1_000);
    const times = await time(engine, storage, 'histogram_quantile(0.9, sum(rate(x[5m])))', 3);
    report(
      'histogram_quantile(0.9, sum(rate(x[5m]))) over the same 1k histograms, native with custom buckets (histogram samples)',
      samples,
      times,
    );
  }
}
