// We read the chunks_head/ files real Prometheus 2.42 writes: Prometheus scrapes a tiny local
// endpoint every 20 ms until full chunks went to disk; every sample of every chunk we read back
// must be in `promtool tsdb dump`, for the series the WAL names for its ref.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ValueType } from '@tsprom/storage-interfaces';
import { expect, it } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordType } from '../record/record-type.js';
import { readAllRecords } from '../wlog/read-all.js';
import {
  freePort,
  missingPeers,
  PEERS,
  parseDump,
  promtool,
  startPeer,
  waitFirstScrape,
  waitReady,
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
  let n = 0;
  const server: Server = createServer((_req, res) => {
    n++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(
      `# TYPE fast_counter counter\nfast_counter ${n}\n# TYPE fast_gauge gauge\nfast_gauge ${Math.sin(n) * 100}\n`,
    );
  });
  const targetPort = await freePort();
  await new Promise<void>((resolve) => server.listen(targetPort, '127.0.0.1', resolve));
  const promPort = await freePort();
  const cfg = join(root, 'prometheus.yml');
  await writeFile(
    cfg,
    `global:\n  scrape_interval: 20ms\n  scrape_timeout: 20ms\nscrape_configs:\n  - job_name: fast\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`,
  );
  const data = join(root, 'data');
  const prom = startPeer(PEERS.prometheus, [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ]);
  try {
    await waitReady(`http://127.0.0.1:${promPort}/-/ready`);
    await waitFirstScrape(promPort);
    await sleep(6000); // ~300 scrapes: at least two full 120-sample chunks per series.
  } finally {
    await prom.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  try {
    const dec = new RecordDecoder();
    const labels = new Map<number, string>();
    const res = await readAllRecords(join(data, 'wal'), (rec) => {
      if (dec.type(rec) === RecordType.Series) for (const s of dec.series(rec)) labels.set(s.ref, s.labels.toString());
    });
    expect(res.corruption).toBeUndefined();
    const dumped = new Map<string, Set<string>>();
    for (const l of parseDump(await promtool(['tsdb', 'dump', data]))) {
      const set = dumped.get(l.labels) ?? new Set<string>();
      dumped.set(l.labels, set);
      set.add(`${l.t} ${l.value}`);
    }

    const cdm = await ChunkDiskMapper.open(join(data, 'chunks_head'));
    const metas: HeadChunkMeta[] = [];
    cdm.iterateAllChunks((m) => metas.push(m));
    expect(metas.length).toBeGreaterThanOrEqual(2);
    const perSeries = new Map<string, number>();
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
        // Go prints %g; for these values String(v) matches except for exponents, which compare numerically.
        const v = it.atV();
        const hit = [...(dumped.get(l!) ?? [])].some((x) => {
          const [ts, vs] = x.split(' ');
          return Number(ts) === t && Number(vs) === v;
        });
        if (!hit) expect.fail(`${l} @${t}=${v} from chunk ${m.chunkRef} is not in the dump`);
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
    await cdm.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}, 90_000);
