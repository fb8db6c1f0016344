// The deterministic data set both peers load: counters, gauges, classic histograms (`le` buckets)
// and native histograms over jobs, instances, methods, codes and handlers, one sample every 15 s.
// Every value comes from a seeded PRNG (mulberry32), so each run and each peer sees the same
// samples. Each instance is scraped at its own offset within the interval, whose millisecond part
// is never 0: no sample lies on a whole second, so a query evaluated at whole seconds never puts a
// sample on a range's left edge (left-closed in Prometheus 2.42, left-open in 3: see queries.ts).
//
// The samples before `splitMs` are backfilled (an OpenMetrics file: 2.42's promtool cannot carry
// native histograms); the tail from `splitMs` on, native histograms included, arrives by remote
// write into the running peer, above the backfilled blocks (a head refuses samples older than its
// newest block).
import type { PbHistogram } from '@tsprom/remote';

export type SizeName = 'small' | 'medium' | 'large';

/** How big a data set is. */
export interface DataSetSpec {
  readonly size: SizeName;
  readonly instances: number;
  /** First sample time (ms), before the instance's offset. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  /** Samples at or after this time come by remote write; those before it are backfilled. */
  readonly splitMs: number;
}

/** 94 float series and 2 native histograms per instance. */
export const FLOAT_SERIES_PER_INSTANCE = 94;
export const NATIVE_SERIES_PER_INSTANCE = 2;

const HOUR = 3600_000;
/** 2026-01-01T00:00:00Z: a fixed start, so the data (and every query time) is the same each run. */
export const DATA_START_MS = Date.UTC(2026, 0, 1);

/** small ≈ 500 series × 2 h, medium ≈ 10k × 6 h, large ≈ 50k × 6 h; all at 15 s. */
export function dataSetSpec(size: SizeName): DataSetSpec {
  const instances = size === 'small' ? 5 : size === 'medium' ? 105 : 525;
  const durationMs = size === 'small' ? 2 * HOUR : 6 * HOUR;
  // The tail is remote-written into a running peer: half an hour keeps medium's load time in bounds.
  const tailMs = HOUR / 2;
  const startMs = DATA_START_MS;
  return { size, instances, startMs, durationMs, intervalMs: 15_000, splitMs: startMs + durationMs - tailMs };
}

export const JOBS = ['api', 'web', 'db', 'cache', 'queue'] as const;
export const METHODS = ['GET', 'POST'] as const;
export const CODES = ['200', '500'] as const;
export const HANDLERS = ['/', '/login', '/api/v1/items', '/api/v1/orders', '/healthz'] as const;
/** Classic histogram bounds, written as Prometheus 3 normalizes them (`1.0`, not `1`). */
export const LE = [
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1.0',
  '2.5',
  '5.0',
  '10.0',
  '+Inf',
] as const;

export type Labels = readonly (readonly [string, string])[];

/** The kind of a float series's family, as its OpenMetrics TYPE line says. */
export type FamilyType = 'counter' | 'gauge' | 'histogram';

/** One float series: its family, labels (sorted, `__name__` first) and one value per step. */
export interface FloatSeries {
  readonly family: string;
  readonly type: FamilyType;
  readonly labels: Labels;
  /** Time of values[0] (ms): the start plus the instance's offset. */
  readonly firstMs: number;
  readonly values: Float64Array;
}

/** One native histogram series (integer histograms, schema 0), one histogram per step. */
export interface NativeSeries {
  readonly labels: Labels;
  readonly firstMs: number;
  readonly histograms: readonly PbHistogram[];
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Steps (samples per series) of the data set. */
export function stepCount(spec: DataSetSpec): number {
  return Math.floor(spec.durationMs / spec.intervalMs);
}

/** The instance's scrape offset within the interval (ms), never on a whole second. */
export function instanceOffsetMs(i: number, intervalMs: number): number {
  const o = (i * 7919 + 137) % intervalMs;
  return o % 1000 === 0 ? o + 1 : o;
}

function instanceLabels(i: number): { job: string; instance: string } {
  return { job: JOBS[i % JOBS.length]!, instance: `10.0.${i >> 8}.${i & 255}:9100` };
}

function sorted(name: string, extra: Record<string, string>): Labels {
  const rest = Object.entries(extra).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [['__name__', name], ...rest];
}

/** A counter: increments around `perStep`, a reset about once in 2000 steps. */
function counter(rand: () => number, n: number, perStep: number, integral: boolean): Float64Array {
  const v = new Float64Array(n);
  let x = Math.floor(rand() * 1000);
  for (let s = 0; s < n; s++) {
    const inc = perStep * (0.7 + 0.6 * rand());
    x = rand() < 0.0005 ? inc : x + inc;
    v[s] = integral ? Math.round(x) : x;
  }
  return v;
}

/** A gauge: a random walk around `mid` with a daily-like wave. */
function gauge(rand: () => number, n: number, mid: number, spread: number, decimals: number): Float64Array {
  const v = new Float64Array(n);
  let walk = 0;
  const phase = rand() * Math.PI * 2;
  const scale = 10 ** decimals;
  for (let s = 0; s < n; s++) {
    walk += (rand() - 0.5) * spread * 0.05;
    walk *= 0.99;
    const x = mid + spread * 0.5 * Math.sin(phase + s / 120) + walk;
    v[s] = Math.round(x * scale) / scale;
  }
  return v;
}

/** The float series of instance `i`, family by family (the order the OpenMetrics file needs). */
export function instanceFloatSeries(spec: DataSetSpec, i: number): Map<string, FloatSeries[]> {
  const n = stepCount(spec);
  const firstMs = spec.startMs + instanceOffsetMs(i, spec.intervalMs);
  const base = instanceLabels(i);
  const rand = mulberry32(0x5eed + i * 104_729);
  const load = 0.5 + rand() * 4; // Requests per second of this instance, per handler.
  const out = new Map<string, FloatSeries[]>();
  const add = (family: string, type: FamilyType, name: string, extra: Record<string, string>, values: Float64Array) => {
    let list = out.get(family);
    if (list === undefined) {
      list = [];
      out.set(family, list);
    }
    list.push({ family, type, labels: sorted(name, { ...base, ...extra }), firstMs, values });
  };
  for (const method of METHODS) {
    for (const code of CODES) {
      for (const handler of HANDLERS) {
        const rate = load * (code === '500' ? 0.02 : 1) * (method === 'POST' ? 0.3 : 1);
        add(
          'http_requests',
          'counter',
          'http_requests_total',
          { method, code, handler },
          counter(rand, n, rate * 15, true),
        );
      }
    }
  }
  add(
    'process_cpu_seconds',
    'counter',
    'process_cpu_seconds_total',
    {},
    counter(rand, n, 15 * (0.05 + load * 0.05), false),
  );
  add('memory_usage_bytes', 'gauge', 'memory_usage_bytes', {}, gauge(rand, n, 2e8 + rand() * 3e8, 5e7, 0));
  add('temperature_celsius', 'gauge', 'temperature_celsius', {}, gauge(rand, n, 15, 40, 2));
  const up = new Float64Array(n);
  for (let s = 0; s < n; s++) up[s] = rand() < 0.01 ? 0 : 1;
  add('up', 'gauge', 'up', {}, up);
  for (const handler of HANDLERS) {
    const mean = 0.02 + rand() * 0.4; // Mean latency (s) of this handler: exponential distribution.
    const buckets = LE.map(() => new Float64Array(n));
    const sum = new Float64Array(n);
    const count = new Float64Array(n);
    const cum = new Float64Array(LE.length);
    let total = 0;
    let s0 = 0;
    for (let s = 0; s < n; s++) {
      const obs = Math.round(load * 15 * (0.7 + 0.6 * rand()));
      for (let b = 0; b < LE.length; b++) {
        const le = Number(LE[b]);
        cum[b]! += Math.round(obs * (le === Infinity ? 1 : 1 - Math.exp(-le / mean)));
        buckets[b]![s] = cum[b]!;
      }
      total += obs;
      s0 += obs * mean * (0.8 + 0.4 * rand());
      sum[s] = Math.round(s0 * 1000) / 1000;
      count[s] = total;
    }
    for (let b = 0; b < LE.length; b++) {
      const fam = 'http_request_duration_seconds';
      add(fam, 'histogram', `${fam}_bucket`, { handler, le: LE[b]! }, buckets[b]!);
    }
    add('http_request_duration_seconds', 'histogram', 'http_request_duration_seconds_sum', { handler }, sum);
    add('http_request_duration_seconds', 'histogram', 'http_request_duration_seconds_count', { handler }, count);
  }
  return out;
}

/** The families of the float series, in file order. */
export const FLOAT_FAMILIES = [
  'http_requests',
  'process_cpu_seconds',
  'memory_usage_bytes',
  'temperature_celsius',
  'up',
  'http_request_duration_seconds',
] as const;

/** Native histogram buckets (schema 0, indexes -6…3: bounds 1/64 … 8 s). */
const NATIVE_OFFSET = -6;
const NATIVE_BUCKETS = 10;

/** The native histogram series of instance `i`: `rpc_latency_seconds` per method. */
export function instanceNativeSeries(spec: DataSetSpec, i: number): NativeSeries[] {
  const n = stepCount(spec);
  const firstMs = spec.startMs + instanceOffsetMs(i, spec.intervalMs);
  const base = instanceLabels(i);
  const rand = mulberry32(0xb10c + i * 15_485_863);
  const out: NativeSeries[] = [];
  for (const method of METHODS) {
    const weights = Array.from({ length: NATIVE_BUCKETS }, (_, b) => Math.exp(-((b - 4 - rand()) ** 2) / 4));
    const wsum = weights.reduce((a, b) => a + b, 0);
    const counts = new Array<number>(NATIVE_BUCKETS).fill(0);
    let zero = 0;
    let sum = 0;
    const histograms: PbHistogram[] = [];
    for (let s = 0; s < n; s++) {
      const obs = 10 + Math.floor(rand() * 40);
      for (let b = 0; b < NATIVE_BUCKETS; b++) counts[b]! += Math.round((obs * weights[b]!) / wsum);
      if (rand() < 0.1) zero++;
      sum += obs * 0.3 * (0.8 + 0.4 * rand());
      const deltas = counts.map((c, b) => (b === 0 ? c : c - counts[b - 1]!));
      const count = zero + counts.reduce((a, b) => a + b, 0);
      histograms.push({
        countInt: count,
        countFloat: undefined,
        sum: Math.round(sum * 1000) / 1000,
        schema: 0,
        zeroThreshold: 2.938735877055719e-39,
        zeroCountInt: zero,
        zeroCountFloat: undefined,
        negativeSpans: [],
        negativeDeltas: [],
        negativeCounts: [],
        positiveSpans: [{ offset: NATIVE_OFFSET, length: NATIVE_BUCKETS }],
        positiveDeltas: deltas,
        positiveCounts: [],
        resetHint: 0,
        timestamp: firstMs + s * spec.intervalMs,
        customValues: [],
        startTimestamp: 0,
      });
    }
    out.push({ labels: sorted('rpc_latency_seconds', { ...base, method }), firstMs, histograms });
  }
  return out;
}

/** The whole data set in memory, generated once: float series and native histograms per instance. */
export interface DataSet {
  readonly spec: DataSetSpec;
  /** Per instance, its float series by family. */
  readonly floats: readonly Map<string, FloatSeries[]>[];
  readonly natives: readonly (readonly NativeSeries[])[];
}

/** Generates the data set of `spec`. */
export function generateDataSet(spec: DataSetSpec): DataSet {
  const floats: Map<string, FloatSeries[]>[] = [];
  const natives: NativeSeries[][] = [];
  for (let i = 0; i < spec.instances; i++) {
    floats.push(instanceFloatSeries(spec, i));
    natives.push(instanceNativeSeries(spec, i));
  }
  return { spec, floats, natives };
}
