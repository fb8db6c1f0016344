// VictoriaMetrics 1.79 beside them, its caches off as far as its flags allow (-search.disableCache,
// no latency offset), retention long enough for the data set's fixed dates. It cannot bind port 0
// and names no port it bound: a port free a moment ago is tried, thrice.
import { type ServerPeer, startVictoriaMetrics } from '@tsprom/test-support';
import type { DataSet } from './data-set.js';

/** VictoriaMetrics storing in `dataDir`; `scrapeConfig` (a Prometheus-style file) when it scrapes. */
export function startVictoria(dataDir: string, scrapeConfig?: string): Promise<ServerPeer> {
  const extraArgs = ['-retentionPeriod=100y', '-search.disableCache'];
  if (scrapeConfig !== undefined) extraArgs.push(`-promscrape.config=${scrapeConfig}`);
  return startVictoriaMetrics(dataDir, { extraArgs, timeoutMs: 120_000 });
}

/** Makes what VictoriaMetrics received searchable (its in-memory parts flushed). */
export async function flushVictoria(url: string): Promise<void> {
  const res = await fetch(`${url}/internal/force_flush`, { signal: AbortSignal.timeout(60_000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}/internal/force_flush: ${res.status}`);
}

/**
 * Imports the float samples before `toMs` through VictoriaMetrics's JSON line import
 * (/api/v1/import: one line per series, its values and timestamps), `perRequest` series a request:
 * its counterpart of the others' backfill. Returns how many samples went in.
 */
export async function importToVictoria(url: string, data: DataSet, toMs: number, perRequest = 500): Promise<number> {
  let samples = 0;
  let lines: string[] = [];
  const post = async () => {
    const res = await fetch(`${url}/api/v1/import`, {
      method: 'POST',
      body: lines.join(''),
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url}/api/v1/import: ${res.status} ${text.slice(0, 500)}`);
    lines = [];
  };
  for (const families of data.floats) {
    for (const list of families.values()) {
      for (const s of list) {
        const values: number[] = [];
        const timestamps: number[] = [];
        for (let i = 0; i < s.values.length; i++) {
          const t = s.firstMs + i * data.spec.intervalMs;
          if (t >= toMs) break;
          values.push(s.values[i]!);
          timestamps.push(t);
        }
        samples += values.length;
        lines.push(`${JSON.stringify({ metric: Object.fromEntries(s.labels), values, timestamps })}\n`);
        if (lines.length >= perRequest) await post();
      }
    }
  }
  if (lines.length > 0) await post();
  return samples;
}
