// We read the chunks_head/ files real Prometheus 2.42 writes: Prometheus scrapes a tiny local
// endpoint every 20 ms until full chunks went to disk; every sample of every chunk we read back
// must be in `promtool tsdb dump`, for the series the WAL names for its ref. Scrapes that fail
// (a loaded machine misses the 20 ms timeout) write stale markers: those must be in the dump too,
// where Go prints them as `NaN`, and in the chunk with the exact stale marker bits.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStaleNaN, ValueType } from '@tsprom/storage-interfaces';
import { expect, it, onTestFinished } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordType } from '../record/record-type.js';
import { readAllRecords } from '../wlog/read-all.js';
import {
  missingPeers,
  parseDump,
  parseGoFloat,
  promtool,
  type ServerPeer,
  sameFloat,
  startPrometheus,
  waitQuery,
} from '../wlog/testing/peers.js';
import { ChunkDiskMapper, type HeadChunkMeta } from './chunk-disk-mapper.js';

const missing = missingPeers();
if (missing.length > 0 && process.env.CI) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
const test = missing.length === 0 ? it : it.skip;
const name =
  missing.length === 0
    ? 'reads the head chunks Prometheus 2.42 m-maps to chunks_head/'
    : `SKIPPED: peers missing (${missing.join(', ')})`;

test(name, async () => {
  const root = await mkdtemp(join(tmpdir(), 'cdm-prom-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  let n = 0;
  const server: Server = createServer((_req, res) => {
    n++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE fast_counter counter\nfast_counter ${n}\n# TYPE fast_gauge gauge\nfast_gauge ${Math.sin(n) * 100}\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const targetPort = (server.address() as AddressInfo).port;
  const cfg = join(root, 'prometheus.yml');
  await writeFile(
    cfg,
    `global:\n  scrape_interval: 20ms\n  scrape_timeout: 20ms\nscrape_configs:\n  - job_name: fast\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`,
  );
  const data = join(root, 'data');
  let prom: ServerPeer | undefined;
  try {
    prom = await startPrometheus(cfg, data);
    // 300 samples: at least two full 120-sample chunks of fast_counter, m-mapped to chunks_head/.
    await waitQuery(prom.url, 'count_over_time(fast_counter[1h])', 300);
  } finally {
    await prom?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  try {
    const dec = new RecordDecoder();
    const labels = new Map<number, string>();
    const res = await readAllRecords(join(data, 'wal'), (rec) => {
      if (dec.type(rec) === RecordType.Series) for (const s of dec.series(rec)) labels.set(s.ref, s.labels.toString());
    });
    expect(res.corruption).toBeUndefined();
    // Series -> timestamp -> value as promtool printed it (Go's %g; every NaN prints as `NaN`).
    const dumped = new Map<string, Map<number, number>>();
    for (const l of parseDump(await promtool(['tsdb', 'dump', data]))) {
      const byT = dumped.get(l.labels) ?? new Map<number, number>();
      dumped.set(l.labels, byT);
      byT.set(l.t, parseGoFloat(l.value));
    }

    const cdm = await ChunkDiskMapper.open(join(data, 'chunks_head'));
    const metas: HeadChunkMeta[] = [];
    cdm.iterateAllChunks((m) => metas.push(m));
    expect(metas.length).toBeGreaterThanOrEqual(2);
    const perSeries = new Map<string, number>();
    let stale = 0;
    for (const m of metas) {
      const l = labels.get(m.seriesRef);
      expect(l, `chunk of unknown series ${m.seriesRef}`).toBeDefined();
      expect(m.encoding).toBe(1);
      expect(m.isOOO).toBe(false);
      const it = cdm.chunk(m.chunkRef).iterator();
      let count = 0;
      let first = Number.NaN;
      let last = Number.NaN;
      while (it.next() === ValueType.Float) {
        const t = it.atT();
        if (count === 0) first = t;
        last = t;
        count++;
        const v = it.atV();
        const want = dumped.get(l!)?.get(t);
        if (want === undefined || !sameFloat(v, want)) {
          expect.fail(`${l} @${t}=${v} from chunk ${m.chunkRef} is not in the dump (dump: ${want})`);
        }
        // The endpoint never serves NaN: a NaN in a chunk is a stale marker, bit for bit.
        if (Number.isNaN(v) && !isStaleNaN(v)) expect.fail(`${l} @${t}: NaN that is not the stale marker`);
        if (Number.isNaN(v)) stale++;
      }
      expect(it.err()).toBeUndefined();
      expect(count).toBe(m.numSamples);
      expect(first).toBe(m.mint);
      expect(last).toBe(m.maxt);
      perSeries.set(l!, (perSeries.get(l!) ?? 0) + count);
    }
    expect(
      perSeries.get(`{__name__="fast_counter", instance="127.0.0.1:${targetPort}", job="fast"}`),
    ).toBeGreaterThanOrEqual(120);
    console.log(`${metas.length} chunks from chunks_head/ match the dump (${stale} stale markers)`);
    await cdm.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}, 300_000);
