// Remote Write 1.0 requests carrying the samples of the data set from a time on (floats and native
// histograms), encoded once before any is sent, in time order per series: requests go out a minute
// of samples at a time for a group of series, every group before the next minute. The same bodies
// go to every peer, through the same client (node's fetch).
import { encodeWriteRequest, type PbHistogram, type PbTimeSeries, snappyEncode } from '@tsprom/remote';
import type { DataSet, Labels } from './data-set.js';

/** Encoded requests and what they carry. */
export interface WriteLoad {
  /** Per minute of samples, the requests for each group of series (sent together). */
  readonly bodies: readonly (readonly Uint8Array[])[];
  readonly floatSamples: number;
  readonly histogramSamples: number;
  readonly series: number;
}

/** At most this many samples per request (Prometheus 3's default max_samples_per_send is 2000). */
const SAMPLES_PER_REQUEST = 2000;
const STEPS_PER_REQUEST = 4;

interface Column {
  labels: Labels;
  firstMs: number;
  values?: Float64Array;
  histograms?: readonly PbHistogram[];
}

const pbLabels = (labels: Labels) => labels.map(([name, value]) => ({ name, value }));

/**
 * The requests carrying every sample of the data set at or after `fromMs` (and before `toMs`);
 * without native histograms when `histograms` is false.
 */
export function buildWriteLoad(
  data: DataSet,
  fromMs: number,
  toMs = Number.POSITIVE_INFINITY,
  histograms = true,
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
  const group = Math.max(1, Math.floor(SAMPLES_PER_REQUEST / STEPS_PER_REQUEST));
  const bodies: Uint8Array[][] = [];
  let floatSamples = 0;
  let histogramSamples = 0;
  for (let s0 = firstStep; s0 < steps; s0 += STEPS_PER_REQUEST) {
    const minute: Uint8Array[] = [];
    for (let c0 = 0; c0 < columns.length; c0 += group) {
      const timeseries: PbTimeSeries[] = [];
      for (let c = c0; c < Math.min(columns.length, c0 + group); c++) {
        const col = columns[c]!;
        const ts: PbTimeSeries = { labels: pbLabels(col.labels), samples: [], exemplars: [], histograms: [] };
        for (let s = s0; s < Math.min(steps, s0 + STEPS_PER_REQUEST); s++) {
          const t = col.firstMs + s * spec.intervalMs;
          if (t < fromMs || t >= toMs) continue;
          if (col.values !== undefined) {
            ts.samples.push({ value: col.values[s]!, timestamp: t });
            floatSamples++;
          } else {
            ts.histograms.push(col.histograms![s]!);
            histogramSamples++;
          }
        }
        if (ts.samples.length > 0 || ts.histograms.length > 0) timeseries.push(ts);
      }
      if (timeseries.length > 0) minute.push(snappyEncode(encodeWriteRequest({ timeseries, metadata: [] })));
    }
    if (minute.length > 0) bodies.push(minute);
  }
  return { bodies, floatSamples, histogramSamples, series: columns.length };
}

/** Posts every body to `<url><path>`, `concurrency` at a time within a minute; throws on a non-2xx. */
export async function sendWriteLoad(
  url: string,
  load: WriteLoad,
  concurrency = 2,
  path = '/api/v1/write',
): Promise<void> {
  // Requests for the same minute go in parallel; a minute waits for the one before it, so every
  // series's samples arrive in time order.
  const post = async (body: Uint8Array) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      body,
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`remote write to ${url}${path}: ${res.status} ${text}`);
  };
  for (const minute of load.bodies) {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < minute.length; i = next++) await post(minute[i]!);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}
