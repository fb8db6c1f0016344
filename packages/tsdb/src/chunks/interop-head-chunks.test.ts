// Prometheus 2.42 reads the head chunks we write: a data dir holding only series records in the
// WAL and the samples in chunks_head/ dumps (promtool tsdb dump) with all the chunk samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XORChunk } from '@tsprom/chunkenc';
import { Labels } from '@tsprom/labels';
import { expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import { missingPeers, parseDump, parseGoFloat, promtool } from '../wlog/testing/peers.js';
import { WL } from '../wlog/wl.js';
import { ChunkDiskMapper } from './chunk-disk-mapper.js';

const missing = missingPeers();
if (missing.length > 0 && process.env.CI) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
const test = missing.length === 0 ? it : it.skip;
const name =
  missing.length === 0
    ? 'promtool tsdb dump (Prometheus 2.42) reads the chunks_head files we write'
    : `SKIPPED: peers missing (${missing.join(', ')})`;

test(name, async () => {
  const data = await mkdtemp(join(tmpdir(), 'cdm-interop-'));
  try {
    const enc = new RecordEncoder();
    const w = await WL.open(join(data, 'wal'));
    const cdm = await ChunkDiskMapper.open(join(data, 'chunks_head'));
    const t0 = Date.now() - 3_600_000;
    const want = new Map<string, string[]>();
    const series = [];
    for (let ref = 1; ref <= 20; ref++) {
      const labels = Labels.fromStrings('__name__', 'chunked', 'ref', String(ref));
      series.push({ ref, labels });
      const lines: string[] = [];
      // Two full chunks of 120 samples each per series.
      for (let c = 0; c < 2; c++) {
        const chunk = new XORChunk();
        const app = chunk.appender();
        const mint = t0 + c * 120 * 15_000;
        for (let i = 0; i < 120; i++) {
          const t = mint + i * 15_000;
          const v = ref * 1000 + c * 120 + i + 0.25;
          app.append(t, v);
          lines.push(`${t} ${v}`);
        }
        cdm.writeChunk(ref, mint, mint + 119 * 15_000, chunk);
      }
      want.set(labels.toString(), lines);
    }
    await w.log(enc.series(series));
    await w.close();
    await cdm.close();

    const got = new Map<string, string[]>();
    for (const l of parseDump(await promtool(['tsdb', 'dump', data]))) {
      const arr = got.get(l.labels) ?? [];
      got.set(l.labels, arr);
      arr.push(`${l.t} ${parseGoFloat(l.value)}`);
    }
    expect(got).toEqual(want);
  } finally {
    await rm(data, { recursive: true, force: true });
  }
}, 120_000);
