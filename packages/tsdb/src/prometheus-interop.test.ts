// Interop: real Prometheus 2.42 started on a data dir that tsprom wrote (WAL only, with DB.open's
// default options, so snappy-compressed records) serves the samples tsprom wrote. Skipped with a
// reason when Prometheus is not installed (fails under CI).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DB } from './db.js';
import { havePrometheus, prometheusBin, startPrometheus } from './testing/prometheus-peer.js';
import { PAGE_SIZE, RECORD_HEADER_SIZE, SNAPPY_MASK } from './wlog/wlog-constants.js';

/** How many fragments of a WAL segment file are snappy-compressed, out of how many. */
async function snappyFragments(segment: string): Promise<{ snappy: number; total: number }> {
  const buf = await readFile(segment);
  let snappy = 0;
  let total = 0;
  for (let page = 0; page < buf.length; page += PAGE_SIZE) {
    const end = Math.min(page + PAGE_SIZE, buf.length);
    for (let off = page; off + RECORD_HEADER_SIZE <= end; ) {
      const type = buf[off]!;
      if (type === 0) break; // The rest of the page is padding.
      total++;
      if ((type & SNAPPY_MASK) !== 0) snappy++;
      off += RECORD_HEADER_SIZE + buf.readUInt16BE(off + 1);
    }
  }
  return { snappy, total };
}

const runIt = havePrometheus || process.env.CI ? it : it.skip;
const reason = havePrometheus ? '' : ` (skipped: ${prometheusBin} is not installed)`;

describe('Prometheus 2.42 reads a tsprom WAL', () => {
  runIt(`serves the series and samples tsprom wrote${reason}`, { timeout: 180_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'tsdb-interop-'));
    onTestFinished(() => rm(root, { recursive: true, force: true }));
    const dataDir = join(root, 'data');
    const now = Math.floor(Date.now() / 1000) * 1000;
    const t0 = now - 600_000;
    const want = new Map<string, [number, number][]>();
    const db = await DB.open(dataDir);
    const refs: number[] = [0, 0, 0];
    for (let j = 0; j < 200; j++) {
      const app = db.appender();
      for (let i = 0; i < 3; i++) {
        const l = Labels.fromStrings('__name__', 'tsprom_interop', 'i', String(i), 'job', 'w');
        const t = t0 + j * 1000;
        const v = i === 2 ? j * 0.25 : i * 1000 + j;
        refs[i] = app.append(refs[i]!, l, t, v);
        const k = String(i);
        if (!want.has(k)) want.set(k, []);
        want.get(k)!.push([t, v]);
      }
      if (j === 0) {
        app.updateMetadata(refs[0]!, Labels.EMPTY, { type: 'gauge', unit: '', help: 'interop' });
        app.appendExemplar(refs[0]!, Labels.EMPTY, {
          labels: Labels.fromStrings('trace_id', 'x1'),
          value: 0,
          ts: t0,
          hasTs: true,
        });
      }
      await app.commit();
    }
    await db.close();
    // The default is snappy, as in Prometheus since 2.20: most records here shrink with it.
    const frags = await snappyFragments(join(dataDir, 'wal', '00000000'));
    expect(frags.total).toBeGreaterThan(100);
    expect(frags.snappy).toBeGreaterThan(frags.total / 2);

    const peer = await startPrometheus(dataDir, root, 'global:\n  scrape_interval: 1h\n');
    try {
      const q = encodeURIComponent('tsprom_interop[15m]');
      const res = await fetch(`${peer.url}/api/v1/query?query=${q}&time=${(now / 1000).toFixed(3)}`);
      const body = (await res.json()) as {
        status: string;
        data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
      };
      expect(body.status).toBe('success');
      const got = new Map<string, [number, number][]>();
      for (const r of body.data.result) {
        expect(r.metric).toMatchObject({ __name__: 'tsprom_interop', job: 'w' });
        got.set(
          r.metric.i!,
          r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]),
        );
      }
      expect(got).toEqual(want);
      expect(peer.log()).not.toMatch(/level=(warn|error).*(WAL|wal|corrupt)/);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- prometheus log ---\n${peer.log()}`, {
        cause: err,
      });
    } finally {
      await peer.stop();
    }
  });
});
