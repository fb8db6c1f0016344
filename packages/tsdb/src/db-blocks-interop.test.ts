// Interop of whole data dirs (blocks, WAL, chunks_head/) with real Prometheus 2.42:
//  - tsprom opens the data dir of a Prometheus that ran with a short block range (so it cut and
//    compacted blocks) and reads every sample promtool dumps from it, blocks and head;
//  - Prometheus started on a data dir tsprom wrote, compacted and kept appending to answers a set
//    of queries exactly as tsprom's data says.
// Skipped with a reason when a peer is missing (fails under CI).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Labels } from '@tsprom/labels';
import { isStaleNaN } from '@tsprom/storage-interfaces';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readBlockMeta } from './block/block-meta.js';
import { isULID } from './block/ulid.js';
import { DB } from './db.js';
import { readAll } from './testing/block-data.js';
import { startPrometheus } from './testing/prometheus-peer.js';
import { PEERS, parseGoFloat, sameFloat } from './wlog/testing/peers.js';

const run = promisify(execFile);
const havePeers = existsSync(PEERS.promtool) && existsSync(PEERS.prometheus);
const runIt = havePeers || process.env.CI ? it : it.skip;
const reason = havePeers ? '' : ` (skipped: ${PEERS.promtool} or ${PEERS.prometheus} is not installed)`;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsdb-dir-interop-'));
  onTestFinished(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** `{labels} value t` lines of promtool's dump, sorted, values as parsed floats. */
function parseDump(out: string): [string, number, number][] {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l): [string, number, number] => {
      const j = l.lastIndexOf(' ');
      const i = l.lastIndexOf(' ', j - 1);
      return [l.slice(0, i), parseGoFloat(l.slice(i + 1, j)), Number(l.slice(j + 1))];
    });
}

describe('data dirs: tsprom ⇄ Prometheus 2.42', () => {
  runIt(
    `tsprom opens a Prometheus data dir with blocks and head, and reads what promtool dumps${reason}`,
    {
      timeout: 300_000,
    },
    async () => {
      const root = await tmp();
      const dataDir = join(root, 'data');
      let n = 0;
      const target = createServer((_req, res) => {
        n++;
        res.end(
          `# TYPE x_total counter\nx_total{a="1"} ${n}\nx_total{a="2"} ${n * 2.5}\n# TYPE g gauge\ng ${Math.sin(n)}\n`,
        );
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      onTestFinished(() => new Promise<void>((resolve) => target.close(() => resolve())));
      const port = (target.address() as AddressInfo).port;
      const cfg = `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: t\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
      const peer = await startPrometheus(dataDir, root, cfg, [
        '--storage.tsdb.min-block-duration=5s',
        '--storage.tsdb.max-block-duration=20s',
      ]);
      try {
        const deadline = Date.now() + 240_000;
        for (;;) {
          const levels: number[] = [];
          for (const u of (await readdir(dataDir)).filter(isULID)) {
            levels.push((await readBlockMeta(join(dataDir, u)).catch(() => undefined))?.meta.compaction.level ?? 0);
          }
          if (levels.some((l) => l >= 2) && levels.length >= 3) break;
          if (Date.now() > deadline) throw new Error(`no compacted block yet: levels ${levels}`);
          await sleep(500);
        }
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
      } finally {
        await peer.stop();
      }
      const { stdout } = await run(PEERS.promtool, ['tsdb', 'dump', dataDir], { maxBuffer: 1 << 26 });
      const want = parseDump(stdout);
      // Read-only, as promtool: nothing on disk changes.
      const before = (await readdir(dataDir)).sort();
      const ro = await DB.open(dataDir, { readOnly: true, logger: () => {} });
      expect(ro.blocks().length).toBeGreaterThanOrEqual(3);
      const q = ro.querier(-Infinity, Infinity);
      const got = (await readAll(q)).flatMap((s) =>
        s.samples.map((p): [string, number, number] => [s.labels.toString(), p.v, p.t]),
      );
      await q.close();
      await ro.close();
      expect((await readdir(dataDir)).sort()).toEqual(before);
      expect(got.length).toBe(want.length);
      expect(got.length).toBeGreaterThan(100);
      for (let i = 0; i < want.length; i++) {
        const [gl, gv, gt] = got[i]!;
        const [wl, wv, wt] = want[i]!;
        if (gl !== wl || gt !== wt || !sameFloat(gv, wv))
          throw new Error(`sample ${i}: got ${gl} ${gv} ${gt}, want ${wl} ${wv} ${wt}`);
      }
      // And writable: tsprom takes the dir over, compacts, and still holds every sample.
      const db = await DB.open(dataDir, { chunkRangeMs: 5000, autoCompaction: false, logger: () => {} });
      await db.compact();
      const q2 = db.querier(-Infinity, Infinity);
      const after = (await readAll(q2)).reduce((k, s) => k + s.samples.length, 0);
      await q2.close();
      await db.close();
      expect(after).toBe(want.length);
    },
  );

  runIt(
    `Prometheus serves a tsprom data dir (blocks and WAL) as tsprom does${reason}`,
    { timeout: 300_000 },
    async () => {
      const root = await tmp();
      const dataDir = join(root, 'data');
      // Recent data for the default 15d retention: 8 h at 15 s, 30 series, in 2 h blocks.
      const now = Date.now();
      const t0 = now - (now % 7_200_000) - 4 * 7_200_000;
      const db = await DB.open(dataDir, { autoCompaction: false, logger: () => {} });
      const refs = new Array<number>(30).fill(0);
      for (let t = t0; t < t0 + 8 * 3600_000; t += 15_000) {
        const app = db.appender();
        for (let i = 0; i < 30; i++) {
          const l = Labels.fromStrings('__name__', i % 2 ? 'req_total' : 'temp', 'i', String(i), 'job', `j${i % 3}`);
          const v = i % 2 ? (t - t0) / 1000 + i : 20 + Math.sin((t - t0) / 600_000 + i);
          refs[i] = app.append(refs[i]!, l, t, v);
        }
        await app.commit();
      }
      await db.compact();
      expect(db.blocks().length).toBeGreaterThanOrEqual(2);
      const queries = [
        'sum by (job) (rate(req_total[5m]))',
        'max_over_time(temp[1h])',
        'count(temp > 20)',
        'req_total',
      ];
      await db.close();

      const peer = await startPrometheus(dataDir, root, 'global:\n  scrape_interval: 1h\n');
      try {
        // Raw samples of every series over the whole range, through Prometheus's API.
        const end = (t0 + 8 * 3600_000) / 1000;
        const res = await fetch(
          `${peer.url}/api/v1/query?${new URLSearchParams({ query: '{job=~"j.*"}[8h]', time: String(end) })}`,
        );
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
        };
        const fromProm = new Map(body.data.result.map((r) => [Labels.fromMap(r.metric).toString(), r.values]));
        const ro = await DB.open(dataDir, { readOnly: true, logger: () => {} });
        const q = ro.querier(-Infinity, Infinity);
        const mine = await readAll(q);
        await q.close();
        await ro.close();
        expect(fromProm.size).toBe(30);
        for (const s of mine) {
          const theirs = fromProm.get(s.labels.toString())!;
          // Prometheus 2.x range selectors include both ends.
          const want = s.samples.filter((p) => p.t >= end * 1000 - 8 * 3600_000 && !isStaleNaN(p.v));
          expect(theirs.length).toBe(want.length);
          for (let i = 0; i < want.length; i++) {
            expect(Math.round(theirs[i]![0] * 1000)).toBe(want[i]!.t);
            expect(sameFloat(parseGoFloat(theirs[i]![1]), want[i]!.v)).toBe(true);
          }
        }
        // PromQL answers over blocks and head are well-formed and non-empty.
        for (const query of queries) {
          const r = await fetch(`${peer.url}/api/v1/query?${new URLSearchParams({ query, time: String(end - 60) })}`);
          const b = (await r.json()) as { status: string; data: { result: unknown[] } };
          expect(b.status, query).toBe('success');
          expect(b.data.result.length, query).toBeGreaterThan(0);
        }
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
      } finally {
        await peer.stop();
      }
    },
  );
});
