// Interop of tsprom's out-of-order blocks with real Prometheus 2.42: tsprom appends in-order and
// out-of-order samples, compacts (the head into blocks, the out-of-order head into blocks with the
// `from-out-of-order` compaction hint, overlapping blocks vertically), and Prometheus, started on
// that dir with an out-of-order window, serves every sample as tsprom does; promtool dumps them too.
// Skipped with a reason when a peer is missing (fails under CI).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Labels } from '@tsprom/labels';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type BlockMeta, fromOutOfOrder, readBlockMeta } from './block/block-meta.js';
import { isULID } from './block/ulid.js';
import { DB } from './db.js';
import { readAll } from './testing/block-data.js';
import { startPrometheus } from './testing/prometheus-peer.js';
import { PEERS, parseGoFloat, sameFloat } from './wlog/testing/peers.js';

const run = promisify(execFile);
const havePeers = existsSync(PEERS.promtool) && existsSync(PEERS.prometheus);
const runIt = havePeers || process.env.CI ? it : it.skip;
const reason = havePeers ? '' : ` (skipped: ${PEERS.promtool} or ${PEERS.prometheus} is not installed)`;

const hour = 3600_000;
const numSeries = 12;

function labelsOf(i: number): Labels {
  return Labels.fromStrings('__name__', i % 2 ? 'ooo_total' : 'ooo_gauge', 'i', String(i), 'job', `j${i % 3}`);
}

async function metas(dir: string): Promise<BlockMeta[]> {
  const out: BlockMeta[] = [];
  for (const u of (await readdir(dir)).filter(isULID)) out.push((await readBlockMeta(join(dir, u))).meta);
  return out.sort((a, b) => a.minTime - b.minTime || a.maxTime - b.maxTime);
}

/** `{labels} value t` of every sample (promtool dump's form), sorted as promtool sorts. */
type Line = [labels: string, v: number, t: number];

describe('out-of-order blocks: tsprom → Prometheus 2.42', () => {
  runIt(
    `Prometheus with an out-of-order window serves tsprom's out-of-order blocks as tsprom does${reason}`,
    { timeout: 300_000 },
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'tsdb-ooo-interop-'));
      onTestFinished(() => rm(root, { recursive: true, force: true }));
      const dataDir = join(root, 'data');
      // Recent data for the default 15d retention: 8 h at 30 s in order, then samples between them
      // (15 s later) over the last 3 h, out of order (all before the newest), within a 3 h window.
      // t0 sits 4 h after a 6 h boundary whatever the time of day: the 6 h compaction range then
      // holds [t0, t0+2h) alone and the block at t0+4h starts a range of its own. (At t0 on a 6 h
      // boundary, the three 2 h blocks before t0+6h form a whole range and compact into one.)
      const now = Date.now();
      const t0 = now - (now % (6 * hour)) - 8 * hour;
      const end = t0 + 8 * hour;
      const opts = { outOfOrderTimeWindowMs: 3 * hour, autoCompaction: false, logger: () => {} };
      const db = await DB.open(dataDir, opts);
      const refs = new Array<number>(numSeries).fill(0);
      const value = (i: number, t: number): number =>
        i % 2 ? (t - t0) / 1000 + i : 20 + Math.sin((t - t0) / 600_000 + i);
      for (let t = t0; t < end; t += 30_000) {
        const app = db.appender();
        for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, labelsOf(i), t, value(i, t));
        await app.commit();
      }
      let ooo = 0;
      for (let t = end - 3 * hour + 15_000; t < end - 30_000; t += 30_000) {
        const app = db.appender();
        for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, labelsOf(i), t, value(i, t) + 0.5);
        await app.commit();
        ooo += numSeries;
      }
      await db.compact();
      const q = db.querier(-Infinity, Infinity);
      const mine: Line[] = (await readAll(q)).flatMap((s) =>
        s.samples.map((p): Line => [s.labels.toString(), p.v, p.t]),
      );
      await q.close();
      await db.close();
      // Every sample once: the in-order ones and the out-of-order ones.
      expect(mine.length).toBe((numSeries * 8 * hour) / 30_000 + ooo);
      const before = await metas(dataDir);
      // The out-of-order samples of [t0+6h, t0+8h) are a block of their own, hinted, overlapping
      // the head; those of [t0+5h, t0+6h) overlapped an in-order block and were merged into it.
      const oooBlocks = before.filter((m) => fromOutOfOrder(m.compaction));
      expect(oooBlocks.map((m) => [m.minTime - t0, m.maxTime - t0])).toEqual([[6 * hour, 8 * hour]]);
      expect(before.some((m) => m.compaction.level >= 2 && m.minTime === t0 + 4 * hour)).toBe(true);

      // promtool reads the dir (read-only, as Prometheus's DBReadOnly merges blocks and head).
      const { stdout } = await run(PEERS.promtool, ['tsdb', 'dump', dataDir], { maxBuffer: 1 << 26 });
      const dumped = stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l): Line => {
          const j = l.lastIndexOf(' ');
          const i = l.lastIndexOf(' ', j - 1);
          return [l.slice(0, i), parseGoFloat(l.slice(i + 1, j)), Number(l.slice(j + 1))];
        });
      const key = (l: Line): string => `${l[0]} ${l[2]}`;
      const mineBy = new Map(mine.map((l) => [key(l), l[1]]));
      for (const l of dumped) {
        const v = mineBy.get(key(l));
        if (v === undefined || !sameFloat(v, l[1])) throw new Error(`promtool dumps ${l.join(' ')}, tsprom has ${v}`);
      }
      // The one difference: promtool 2.42's read-only DB (DBReadOnly) replays the WAL from the end
      // of the newest block, out-of-order or not (Prometheus's own DB starts from the end of the
      // newest in-order block), so the in-order samples of the head under the out-of-order block,
      // [t0+6h, t0+8h), are not in its dump. Every other sample is, with the same value.
      const dumpedKeys = new Set(dumped.map(key));
      const notDumped = mine.filter((l) => !dumpedKeys.has(key(l)));
      const headInOrder = mine.filter((l) => l[2] >= t0 + 6 * hour && (l[2] - t0) % 30_000 === 0);
      expect(notDumped.map(key).sort()).toEqual(headInOrder.map(key).sort());
      expect(dumped.length).toBe(mine.length - headInOrder.length);

      const cfg = 'global:\n  scrape_interval: 1h\nstorage:\n  tsdb:\n    out_of_order_time_window: 3h\n';
      const peer = await startPrometheus(dataDir, root, cfg);
      try {
        const at = (end - 1) / 1000;
        const res = await fetch(
          `${peer.url}/api/v1/query?${new URLSearchParams({ query: '{job=~"j.*"}[9h]', time: String(at) })}`,
        );
        const body = (await res.json()) as {
          status: string;
          data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
        };
        expect(body.status).toBe('success');
        const theirs: Line[] = body.data.result.flatMap((r) =>
          r.values.map((p): Line => [Labels.fromMap(r.metric).toString(), parseGoFloat(p[1]), Math.round(p[0] * 1000)]),
        );
        expect(body.data.result.length).toBe(numSeries);
        expect(theirs.length).toBe(mine.length);
        for (const l of theirs) {
          const v = mineBy.get(key(l));
          if (v === undefined || !sameFloat(v, l[1])) {
            throw new Error(`Prometheus answers ${l.join(' ')}, tsprom has ${v}`);
          }
        }
        // Over the last hour PromQL sees the samples of both kinds: 120 in order, 119 out of order.
        const r = await fetch(
          `${peer.url}/api/v1/query?${new URLSearchParams({ query: 'count_over_time(ooo_gauge[1h])', time: String(at) })}`,
        );
        const c = (await r.json()) as { data: { result: { value: [number, string] }[] } };
        expect(c.data.result.map((x) => Number(x.value[1]))).toEqual(new Array(numSeries / 2).fill(239));
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
      } finally {
        await peer.stop();
      }
    },
  );
});
