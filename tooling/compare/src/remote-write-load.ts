// Remote Write 1.0 requests carrying the samples of the data set from a time on (floats and native
// histograms), encoded once before any is sent, and sent as Prometheus's queue manager sends: the
// series are split among WRITE_SHARDS shards, each shard sends its requests (at most
// SAMPLES_PER_REQUEST samples, in time order for each of its series) one after the other, and the
// shards send at once, so that WRITE_SHARDS requests are in flight. The same bodies go to every
// peer, through the same client (node's fetch), with the same concurrency.
import { encodeWriteRequest, type PbHistogram, type PbTimeSeries, snappyEncode } from '@tsprom/remote';
import type { DataSet, Labels } from './data-set.js';

/** Encoded requests and what they carry. */
export interface WriteLoad {
  /** Per shard, its requests in the order it sends them (a shard's series are its own). */
  readonly shards: readonly (readonly Uint8Array[])[];
  readonly requests: number;
  /**
   * Per shard, how many of its first requests are sent before the measured part (a quarter): a
   * peer just started compiles its receive path and creates its head series on them, as a running
   * one has long done.
   */
  readonly warmupRequests: readonly number[];
  /** Samples (and histograms) in the warm-up requests of all shards. */
  readonly warmupSamples: number;
  readonly floatSamples: number;
  readonly histogramSamples: number;
  readonly series: number;
}

/** At most this many samples per request (Prometheus 3's default max_samples_per_send is 2000). */
const SAMPLES_PER_REQUEST = 2000;

/** The part of each shard's requests sent as warm-up (see WriteLoad.warmupRequests). */
const WARMUP_FRACTION = 0.25;

/** Sender shards, so requests in flight at once (Prometheus's queue manager runs 1 to 50 shards). */
export const WRITE_SHARDS = 4;

interface Column {
  labels: Labels;
  firstMs: number;
  values?: Float64Array;
  histograms?: readonly PbHistogram[];
}

const pbLabels = (labels: Labels) => labels.map(([name, value]) => ({ name, value }));

/**
 * The requests carrying every sample of the data set at or after `fromMs` (and before `toMs`);
 * without native histograms when `histograms` is false. Series go to shards in turn; a shard's
 * requests hold as many steps of as many of its series as fit in SAMPLES_PER_REQUEST, its series
 * in even groups.
 */
export function buildWriteLoad(
  data: DataSet,
  fromMs: number,
  toMs = Number.POSITIVE_INFINITY,
  histograms = true,
  shards = WRITE_SHARDS,
): WriteLoad {
  const spec = data.spec;
  const columns: Column[] = [];
  for (let i = 0; i < spec.instances; i++) {
    for (const list of data.floats[i]!.values()) {
      for (const s of list) columns.push({ labels: s.labels, firstMs: s.firstMs, values: s.values });
    }
    if (!histograms) continue;
    for (const s of data.natives[i]!) {
      columns.push({ labels: s.labels, firstMs: s.firstMs, histograms: s.histograms });
    }
  }
  const steps = Math.floor(spec.durationMs / spec.intervalMs);
  const firstStep = Math.max(0, Math.floor((fromMs - spec.startMs) / spec.intervalMs) - 1);
  const out: Uint8Array[][] = [];
  const warmupRequests: number[] = [];
  let requests = 0;
  let warmupSamples = 0;
  let floatSamples = 0;
  let histogramSamples = 0;
  for (let shard = 0; shard < shards; shard++) {
    const mine = columns.filter((_, c) => c % shards === shard);
    const bodies: Uint8Array[] = [];
    out.push(bodies);
    warmupRequests.push(0);
    if (mine.length === 0) continue;
    const groups = Math.ceil(mine.length / SAMPLES_PER_REQUEST);
    const group = Math.ceil(mine.length / groups);
    const stepsPerRequest = Math.max(1, Math.floor(SAMPLES_PER_REQUEST / group));
    const warm = Math.floor(Math.ceil((steps - firstStep) / stepsPerRequest) * groups * WARMUP_FRACTION);
    warmupRequests[shard] = warm;
    for (let s0 = firstStep; s0 < steps; s0 += stepsPerRequest) {
      for (let c0 = 0; c0 < mine.length; c0 += group) {
        const timeseries: PbTimeSeries[] = [];
        let n = 0;
        for (let c = c0; c < Math.min(mine.length, c0 + group); c++) {
          const col = mine[c]!;
          const ts: PbTimeSeries = { labels: pbLabels(col.labels), samples: [], exemplars: [], histograms: [] };
          for (let s = s0; s < Math.min(steps, s0 + stepsPerRequest); s++) {
            const t = col.firstMs + s * spec.intervalMs;
            if (t < fromMs || t >= toMs) continue;
            if (col.values !== undefined) {
              ts.samples.push({ value: col.values[s]!, timestamp: t });
              floatSamples++;
            } else {
              ts.histograms.push(col.histograms![s]!);
              histogramSamples++;
            }
            n++;
          }
          if (ts.samples.length > 0 || ts.histograms.length > 0) timeseries.push(ts);
        }
        if (timeseries.length === 0) continue;
        bodies.push(snappyEncode(encodeWriteRequest({ timeseries, metadata: [] })));
        requests++;
        if (bodies.length <= warm) warmupSamples += n;
      }
    }
  }
  return {
    shards: out,
    requests,
    warmupRequests,
    warmupSamples,
    floatSamples,
    histogramSamples,
    series: columns.length,
  };
}

/** Which requests sendWriteLoad sends: the warm-up ones, the rest, or all. */
export type WritePart = 'warmup' | 'measured' | 'all';

/**
 * Posts `part` of the bodies to `<url><path>`: each shard's one after the other, the shards at once
 * (so as many requests in flight as shards). Throws on a non-2xx answer (the other shards then stop).
 */
export async function sendWriteLoad(
  url: string,
  load: WriteLoad,
  part: WritePart = 'all',
  path = '/api/v1/write',
): Promise<void> {
  const failed = new AbortController();
  const post = async (body: Uint8Array) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      body,
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      signal: AbortSignal.any([failed.signal, AbortSignal.timeout(120_000)]),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`remote write to ${url}${path}: ${res.status} ${text}`);
  };
  const shard = async (bodies: readonly Uint8Array[], warm: number) => {
    const from = part === 'measured' ? warm : 0;
    const to = part === 'warmup' ? warm : bodies.length;
    try {
      for (let i = from; i < to; i++) {
        if (failed.signal.aborted) return;
        await post(bodies[i]!);
      }
    } catch (err) {
      if (!failed.signal.aborted) failed.abort(err);
      throw err;
    }
  };
  const results = await Promise.allSettled(load.shards.map((b, i) => shard(b, load.warmupRequests[i] ?? 0)));
  // The first failure, not the aborts it caused in the other shards.
  if (failed.signal.aborted) throw failed.signal.reason;
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
