// Interop both ways with real Prometheus 2.42 (Debian's promtool and prometheus): promtool reads
// blocks tsprom wrote (dump, analyze, list), Prometheus serves queries over them, and tsprom reads
// blocks promtool wrote (create-blocks-from openmetrics), rewriting them byte for byte. Skipped with
// a reason when a peer is missing (fails under CI).
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { isStaleNaN, StaleNaN } from '@tsprom/storage-interfaces';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startPrometheus } from '../testing/prometheus-peer.js';
import { chunkSeriesSetOf, readAll, type TestSeries } from '../testing/block-data.js';
import { PEERS, parseGoFloat, sameFloat } from '../wlog/testing/peers.js';
import { Block } from './block.js';
import { readBlockMeta } from './block-meta.js';
import { isULID } from './ulid.js';
import { BlockChunkSeriesSet } from './block-series.js';
import { writeBlock } from './block-writer.js';

const run = promisify(execFile);
const havePeers = existsSync(PEERS.promtool) && existsSync(PEERS.prometheus);
const runIt = havePeers || process.env.CI ? it : it.skip;
const reason = havePeers ? '' : ` (skipped: ${PEERS.promtool} or ${PEERS.prometheus} is not installed)`;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsdb-block-interop-'));
  onTestFinished(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** Scrape-like data: counters, gauges with awkward floats, a series that goes stale, jitter. */
function scrapeData(t0: number, nSeries: number, nSamples: number): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < nSeries; i++) {
    const kind = i % 4;
    const labels = Labels.fromStrings(
      '__name__',
      ['node_cpu_seconds_total', 'node_memory_free_bytes', 'up', 'http_request_duration_seconds'][kind]!,
      'instance',
      `10.0.${i % 7}.${i}:9100`,
      'job',
      i % 2 ? 'node' : 'api',
      'mode',
      kind === 0 ? ['idle', 'user', 'system'][i % 3]! : '',
    );
    const samples = [];
    let c = i * 13.25;
    for (let k = 0; k < nSamples; k++) {
      const t = t0 + k * 15_000 + ((k * 7 + i) % 5);
      let v: number;
      if (kind === 0) v = c += (k % 3) * 0.01 + 0.1;
      else if (kind === 1) v = 8e9 - ((k * 7919) % 1000) * 4096;
      else if (kind === 2) v = k % 50 === 7 ? 0 : 1;
      else v = [0.1, 1 / 3, -0, 1e-300, 12345.678, Number.POSITIVE_INFINITY][k % 6]!;
      samples.push({ t, v });
    }
    if (i % 5 === 1) samples.push({ t: t0 + nSamples * 15_000, v: StaleNaN });
    out.push({ labels, samples });
  }
  return out;
}

interface DumpLine {
  labels: string;
  v: number;
  t: number;
}

/** Parses `promtool tsdb dump` output: `{labels} value timestamp` per line. */
function parseDump(out: string): DumpLine[] {
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const j = l.lastIndexOf(' ');
      const i = l.lastIndexOf(' ', j - 1);
      return { labels: l.slice(0, i), v: parseGoFloat(l.slice(i + 1, j)), t: Number(l.slice(j + 1)) };
    });
}

function toLines(series: readonly TestSeries[]): DumpLine[] {
  const out: DumpLine[] = [];
  for (const s of series) for (const p of s.samples) out.push({ labels: s.labels.toString(), v: p.v, t: p.t });
  return out;
}

function expectSameLines(got: DumpLine[], want: DumpLine[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g.labels !== w.labels || g.t !== w.t || !sameFloat(g.v, w.v)) {
      throw new Error(`line ${i}: got ${g.labels} ${g.v} ${g.t}, want ${w.labels} ${w.v} ${w.t}`);
    }
  }
}

describe('blocks: tsprom ⇄ Prometheus 2.42', () => {
  runIt(
    `promtool tsdb dump prints the samples of a tsprom block; analyze and list run clean${reason}`,
    {
      timeout: 120_000,
    },
    async () => {
      const dataDir = await tmp();
      const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 7_200_000);
      const series = scrapeData(t0, 60, 400);
      const meta = await writeBlock(dataDir, chunkSeriesSetOf(series), { mint: t0, maxt: t0 + 7_200_000 });
      await mkdir(join(dataDir, 'wal')); // promtool's read-only DB wants one.
      const dump = await run(PEERS.promtool, ['tsdb', 'dump', dataDir], { maxBuffer: 1 << 28 });
      const sorted = [...series].sort((a, b) => Labels.compare(a.labels, b.labels));
      expectSameLines(parseDump(dump.stdout), toLines(sorted));
      // Stale markers keep their exact bits: read back through tsprom.
      const b = await Block.open(join(dataDir, meta!.ulid));
      const q = b.querier(-Infinity, Infinity);
      const back = await readAll(q);
      await q.close();
      await b.close();
      expect(back.filter((s) => isStaleNaN(s.samples[s.samples.length - 1]!.v)).length).toBe(12);

      const analyze = await run(PEERS.promtool, ['tsdb', 'analyze', dataDir]);
      expect(analyze.stdout).toContain(`Block ID: ${meta!.ulid}`);
      expect(analyze.stdout).toContain('Series: 60');
      expect(analyze.stdout).toContain('Label names: 4');
      const list = await run(PEERS.promtool, ['tsdb', 'list', dataDir]);
      expect(list.stdout).toMatch(
        new RegExp(`${meta!.ulid}\\s+${t0}\\s+${t0 + 7_200_000}\\s+2h0m0s\\s+${60 * 400 + 12}\\s`),
      );
    },
  );

  runIt(`Prometheus serves queries over a tsprom block${reason}`, { timeout: 180_000 }, async () => {
    const root = await tmp();
    const dataDir = join(root, 'data');
    // Recent enough for the default 15d retention, in a past 2h range.
    const now = Date.now();
    const t0 = now - (now % 7_200_000) - 4 * 7_200_000;
    const series = scrapeData(t0, 20, 470);
    await writeBlock(dataDir, chunkSeriesSetOf(series), { mint: t0, maxt: t0 + 7_200_000 });
    const peer = await startPrometheus(dataDir, root, 'global:\n  scrape_interval: 1h\n');
    try {
      const end = (t0 + 7_200_000) / 1000;
      const query = '{job=~"node|api"}[7201s]';
      const res = await fetch(`${peer.url}/api/v1/query?${new URLSearchParams({ query, time: String(end) })}`);
      const body = (await res.json()) as {
        status: string;
        data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
      };
      expect(body.status).toBe('success');
      const got = new Map<string, [number, number][]>();
      for (const r of body.data.result) {
        got.set(
          Labels.fromMap(r.metric).toString(),
          r.values.map(([t, v]) => [Math.round(t * 1000), parseGoFloat(v)]),
        );
      }
      expect([...got.keys()].sort()).toEqual(series.map((s) => s.labels.toString()).sort());
      for (const s of series) {
        // Range selections leave stale markers out.
        const want = s.samples.filter((p) => !isStaleNaN(p.v) && p.t <= end * 1000);
        const g = got.get(s.labels.toString())!;
        expect(g.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          expect(g[i]![0]).toBe(want[i]!.t);
          expect(sameFloat(g[i]![1], want[i]!.v), `${s.labels} @${want[i]!.t}`).toBe(true);
        }
      }
      const sum = await fetch(
        `${peer.url}/api/v1/query?${new URLSearchParams({ query: 'count(up == 1)', time: String(t0 / 1000 + 3600) })}`,
      );
      expect(((await sum.json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]!.value[1]).toBe(
        '5',
      );
      expect(peer.log()).not.toMatch(/level=(warn|error).*(block|corrupt)/i);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- prometheus log ---\n${peer.log()}`, {
        cause: err,
      });
    } finally {
      await peer.stop();
    }
  });

  runIt(
    `tsprom reads blocks promtool created from OpenMetrics, and rewrites them byte for byte${reason}`,
    {
      timeout: 120_000,
    },
    async () => {
      const root = await tmp();
      const om: string[] = ['# HELP http_requests_total Requests.', '# TYPE http_requests_total counter'];
      // Three hours: promtool cuts 2h-aligned blocks.
      for (let k = 0; k < 720; k++) {
        for (const code of ['200', '404', '500']) {
          om.push(
            `http_requests_total{code="${code}",path="/p${k % 3}"} ${k * (code === '200' ? 3 : 1) + 0.5} ${1_700_000_000 + k * 15}`,
          );
        }
      }
      om.push('# TYPE temperature gauge');
      for (let k = 0; k < 720; k++)
        om.push(`temperature{room="a"} ${(20 + Math.sin(k / 10)).toFixed(6)} ${1_700_000_000 + k * 15}`);
      om.push('# EOF');
      const file = join(root, 'in.om');
      await writeFile(file, `${om.join('\n')}\n`);
      const out = join(root, 'blocks');
      await run(PEERS.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, out]);
      const ulids = (await readdir(out)).sort();
      expect(ulids.length).toBeGreaterThanOrEqual(2);
      await mkdir(join(out, 'wal'));
      const dump = parseDump((await run(PEERS.promtool, ['tsdb', 'dump', out], { maxBuffer: 1 << 26 })).stdout);

      const mine: DumpLine[] = [];
      for (const u of ulids) {
        const b = await Block.open(join(out, u));
        const q = b.querier(-Infinity, Infinity);
        mine.push(...toLines(await readAll(q)));
        await q.close();
        // The same series through tsprom's writer: identical index and chunk files.
        const re = join(root, 're', u);
        b.startRead();
        const set = new BlockChunkSeriesSet(b.source, b.index.allPostings(), b.minTime, b.maxTime - 1, false, 0);
        const meta = await writeBlock(re, set, { mint: b.minTime, maxt: b.maxTime, symbols: b.index.symbols() });
        b.endRead();
        for (const f of ['index', 'chunks/000001']) {
          const a = await readFile(join(out, u, f));
          const c = await readFile(join(re, meta!.ulid, f));
          expect(Buffer.compare(a, c), `${u}/${f}`).toBe(0);
        }
        expect(meta!.stats).toEqual(b.meta.stats);
        await b.close();
      }
      // promtool dump merges blocks in a querier; with disjoint blocks that is their concatenation by series.
      const key = (l: DumpLine): string => `${l.labels}\u0000${String(l.t).padStart(16, '0')}`;
      mine.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      dump.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      expectSameLines(mine, dump);
      expect(mine.length).toBe(720 * 4);
      // A matcher on a promtool-written index.
      const b = await Block.open(join(out, ulids[0]!));
      const q = b.querier(-Infinity, Infinity);
      const sel = await readAll(q, [
        new Matcher(MatchType.Regexp, 'code', '4..|5..'),
        new Matcher(MatchType.NotEqual, 'path', '/p1'),
      ]);
      expect(sel.map((s) => s.labels.toString())).toEqual([
        '{__name__="http_requests_total", code="404", path="/p0"}',
        '{__name__="http_requests_total", code="404", path="/p2"}',
        '{__name__="http_requests_total", code="500", path="/p0"}',
        '{__name__="http_requests_total", code="500", path="/p2"}',
      ]);
      await q.close();
      await b.close();
    },
  );

  runIt(
    `tsprom reads the blocks a running Prometheus cut and compacted (short block range)${reason}`,
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
      // Wait (on what is on disk, not on time) for a compacted block (level 2) and a few level 1.
      const deadline = Date.now() + 240_000;
      let levels: number[] = [];
      try {
        for (;;) {
          levels = [];
          for (const u of (await readdir(dataDir)).filter(isULID)) {
            levels.push((await readBlockMeta(join(dataDir, u)).catch(() => undefined))?.meta.compaction.level ?? 0);
          }
          if (levels.some((l) => l >= 2) && levels.filter((l) => l === 1).length >= 2) break;
          if (Date.now() > deadline) throw new Error(`no compacted block yet: levels ${levels}`);
          await sleep(500);
        }
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
      } finally {
        await peer.stop();
      }
      const ulids = (await readdir(dataDir)).filter(isULID).sort();
      for (const u of ulids) {
        const b = await Block.open(join(dataDir, u));
        const q = b.querier(-Infinity, Infinity);
        const mine = toLines(await readAll(q));
        await q.close();
        await b.close();
        // promtool over the block's range: the head starts after the newest block, so this is the block.
        const { stdout } = await run(
          PEERS.promtool,
          ['tsdb', 'dump', `--min-time=${b.minTime}`, `--max-time=${b.maxTime - 1}`, dataDir],
          { maxBuffer: 1 << 26 },
        );
        expectSameLines(mine, parseDump(stdout));
        expect(mine.length).toBe(b.meta.stats.numSamples);
      }
    },
  );
});
