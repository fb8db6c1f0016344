// `storage.exemplars.max_exemplars` on reload: the exemplar storage is resized (keeping the newest
// exemplars), as Prometheus's db_storage reloader does; prometheus_tsdb_exemplar_max_exemplars
// follows.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWriteRequest, snappyEncode } from '@tsprom/remote';
import { describe, expect, it } from 'vitest';
import { getJSON, startTsprom } from './testing/tsprom-process.js';

const config = (max: number): string =>
  `global:\n  scrape_interval: 1h\nstorage:\n  exemplars:\n    max_exemplars: ${max}\n`;

async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} not exported`);
  return Number(line.slice(name.length + 1));
}

describe('exemplar storage size on reload', () => {
  it('resizes the exemplar storage when max_exemplars changes, keeping the newest', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-exreload-'));
    const cfg = join(dir, 'tsprom.yml');
    await writeFile(cfg, config(5));
    const tsprom = await startTsprom(
      [
        `--config.file=${cfg}`,
        '--storage.tsdb.path=data',
        '--enable-feature=exemplar-storage',
        '--web.enable-remote-write-receiver',
        '--web.enable-lifecycle',
      ],
      dir,
    );
    try {
      expect(await metricValue(tsprom.url, 'prometheus_tsdb_exemplar_max_exemplars')).toBe(5);
      const t0 = Date.now() - 60_000;
      const body = encodeWriteRequest({
        timeseries: [
          {
            labels: [
              { name: '__name__', value: 'requests_total' },
              { name: 'job', value: 'x' },
            ],
            samples: [0, 1, 2, 3, 4].map((i) => ({ timestamp: t0 + i * 1000, value: i })),
            exemplars: [0, 1, 2, 3, 4].map((i) => ({
              labels: [{ name: 'trace_id', value: `t${i}` }],
              value: i,
              timestamp: t0 + i * 1000,
            })),
            histograms: [],
          },
        ],
        metadata: [],
      });
      const w = await fetch(`${tsprom.url}/api/v1/write`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        body: snappyEncode(body),
      });
      expect(w.status).toBe(204);
      const traces = async (): Promise<string[]> => {
        const q = new URLSearchParams({
          query: 'requests_total',
          start: String((t0 - 1000) / 1000),
          end: String((t0 + 10_000) / 1000),
        });
        const r = await getJSON(`${tsprom.url}/api/v1/query_exemplars?${q}`);
        const data = (r.body as { data: { exemplars: { labels: { trace_id: string } }[] }[] }).data;
        return data.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
      };
      expect(await traces()).toEqual(['t0', 't1', 't2', 't3', 't4']);

      await writeFile(cfg, config(2));
      expect((await fetch(`${tsprom.url}/-/reload`, { method: 'POST' })).status).toBe(200);
      expect(await metricValue(tsprom.url, 'prometheus_tsdb_exemplar_max_exemplars')).toBe(2);
      expect(await traces()).toEqual(['t3', 't4']);

      // The same size again: nothing changes.
      expect((await fetch(`${tsprom.url}/-/reload`, { method: 'POST' })).status).toBe(200);
      expect(await traces()).toEqual(['t3', 't4']);
    } finally {
      expect(await tsprom.stop()).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
