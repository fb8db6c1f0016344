// Interop: a real Prometheus 2.42 started on a data dir tsprom wrote (blocks of several compaction
// levels, tombstones in blocks and in the WAL, a head in wal/ and chunks_head/) answers instant
// and range queries exactly as @tsprom/promql's engine does over tsprom's DB on the same dir.
// Prometheus runs on a copy of the dir (it compacts and writes there), on 127.0.0.1 port 0,
// stopped by PID. Fails when Prometheus is missing and CI is set; skipped with a reason otherwise.
//
// Where Prometheus 2.42 and 3 differ (the engine follows 3), the test says so:
//  - Range and lookback windows: closed [t-r, t] in 2.x, left-open (t-r, t] in 3. Samples sit 7 ms
//    off the 15 s grid and queries run at whole seconds, so no window edge falls on a sample.
//  - Sums: 3 adds floats with Kahan compensation (sum, avg, avg_over_time among those here);
//    2.42 adds them plainly, and the last bits differ. Queries marked `sums` compare within a
//    relative 1e-12; every other value is compared by its float bits.
//  - rate/increase extrapolation: when a window starts well before the first sample it holds
//    (before the series begins, or in a deleted range), 2.42 first limits the extrapolation to the
//    counter's zero point and then compares it with the 1.1 × average interval threshold; 3 takes
//    the threshold first (half an interval), then the zero point. Range queries start an hour
//    after the data does, so no window of an hour or less starts before a series.
//  - Head tombstones: 2.42 shows deleted head samples to an instant query whose window starts
//    before a deleted range and ends inside it (a window trimmed at the query's end; checked
//    with 2.42's own delete_series API, so not a property of tsprom's files). No instant query
//    here ends inside the deleted head range.
//  - Ties: where topk/bottomk meet equal values, 2.42 and @tsprom/promql may keep different series
//    (seen: topk(3, temp) in a range query, 2.42 kept the later of two equal series by labels,
//    tsprom the earlier; not checked against 3). The data has no ties: each series' values carry
//    a fraction of their own.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { Engine, parseGoFloat } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const prometheus = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const have = existsSync(prometheus);
const twoHours = 7_200_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % twoHours);
const HOURS = 15;
const END = T0 + HOURS * 3600_000;
const STEP = 15_000;

/** xorshift32: the same data on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/**
 * Writes HOURS of 15 s scrapes (7 ms off the grid) into a DB at `dir`: counters with resets,
 * gauges, classic histograms; compacts (blocks at levels 1 and 2, a head of the last hours), and
 * deletes ranges in a block and in the head.
 */
async function writeDataDir(dir: string): Promise<void> {
  const db = await DB.open(dir, { autoCompaction: false, retentionMs: 0, logger: () => {} });
  const r = rng(7);
  const series: Labels[] = [];
  for (let i = 0; i < 12; i++) {
    const job = `j${i % 3}`;
    series.push(
      Labels.fromStrings('__name__', 'req_total', 'code', i % 4 === 0 ? '500' : '200', 'inst', `i${i}`, 'job', job),
    );
    series.push(Labels.fromStrings('__name__', 'temp', 'inst', `i${i}`, 'job', job));
  }
  const les = ['0.1', '0.5', '1', '5', '+Inf'];
  for (let h = 0; h < 4; h++) {
    for (const le of les) series.push(Labels.fromStrings('__name__', 'lat_bucket', 'inst', `h${h}`, 'le', le));
  }
  const vals = new Float64Array(series.length);
  const refs = new Array<number>(series.length).fill(0);
  for (let t = T0 + 7; t < END; t += STEP) {
    const app = db.appender();
    let cum = 0;
    for (let i = 0; i < series.length; i++) {
      const name = series[i]!.get('__name__');
      // No two series tie (a tie in topk/bottomk: see the top): a fraction of its own per series.
      const k = i >> 1;
      if (name === 'req_total') vals[i] = r() < 0.01 ? 0 : vals[i]! + Math.floor(r() * 50) + (k + 1) / 1024;
      else if (name === 'temp')
        vals[i] = Math.round((20 + 10 * Math.sin(t / 600_000 + i) + r()) * 100) / 100 + k / 8192;
      else {
        if (series[i]!.get('le') === '0.1') cum = 0;
        cum += Math.floor(r() * 4);
        vals[i]! += cum;
      }
      refs[i] = app.append(refs[i]!, series[i]!, t, vals[i]!);
    }
    await app.commit();
  }
  await db.compact();
  const levels = db.blocks().map((b) => b.compaction.level);
  if (!levels.some((l) => l >= 2) || !levels.includes(1))
    throw new Error(`expected compacted blocks and blocks of level 1, got levels ${levels}`);
  // Tombstones: in a compacted block, in a block of level 1, and in the head (WAL).
  await db.delete(T0 + 3 * 3600_000, T0 + 3.5 * 3600_000, new Matcher(MatchType.Equal, 'inst', 'i3'));
  await db.delete(T0 + 9 * 3600_000, T0 + 9.5 * 3600_000, new Matcher(MatchType.Equal, 'inst', 'h1'));
  await db.delete(END - 3600_000, END - 3000_000, new Matcher(MatchType.Equal, 'inst', 'i5'));
  await db.close();
}

interface Case {
  query: string;
  /** Sums whose 2.42 (plain) and 3 (Kahan) results may differ in the last bits (see the top). */
  sums?: boolean;
}

const cases: Case[] = [
  { query: 'req_total' },
  { query: 'temp offset 47m' },
  { query: 'rate(req_total[5m])' },
  { query: 'increase(req_total[1h])' },
  { query: 'irate(req_total[2m])' },
  { query: 'resets(req_total[2h])' },
  { query: 'sum by (job) (rate(req_total[5m]))', sums: true },
  { query: 'sum(rate(req_total[5m])) by (code) / ignoring(code) group_left sum(rate(req_total[5m]))', sums: true },
  { query: 'avg by (job) (temp)', sums: true },
  { query: 'max_over_time(temp[30m]) - min_over_time(temp[30m])' },
  { query: 'avg_over_time(temp[10m])', sums: true },
  { query: 'quantile_over_time(0.9, temp[20m])' },
  { query: 'count_over_time(temp[1h])' },
  { query: 'last_over_time(temp[10m] offset 1h)' },
  { query: 'changes(temp[30m])' },
  { query: 'delta(temp[10m])' },
  { query: 'deriv(temp[10m])' },
  { query: 'topk(3, temp)' },
  { query: 'bottomk(2, rate(req_total[10m]))' },
  { query: 'count(temp > 25)' },
  { query: 'max by (job) (temp)' },
  { query: 'histogram_quantile(0.9, sum by (le) (rate(lat_bucket[5m])))' },
  { query: 'histogram_quantile(0.5, rate(lat_bucket[10m]))' },
  { query: 'absent(nope{job="x"})' },
  { query: 'absent(temp{inst="i3"})' },
  { query: 'timestamp(temp{inst="i5"})' },
  { query: 'temp / on(inst) group_left(code) (req_total > bool 0)' },
  { query: 'label_replace(temp, "n", "$1", "inst", "i(.*)")' },
  { query: 'clamp(temp, 15, 25) * 2 + 1' },
];

/** Instant queries: raw samples of ranges (tombstones show), across block and head boundaries. */
const instantOnly: Case[] = [
  { query: '{inst=~"i3|i5|h1"}[40m]' },
  { query: 'lat_bucket{inst="h1"}[1h]' },
  { query: 'count_over_time({__name__=~".+"}[3h])' },
];

const instantTimes = [
  T0 + 3600_000, // In the level-2 block.
  T0 + 3 * 3600_000 + 20 * 60_000, // In a deleted range of a block.
  T0 + 6 * 3600_000 + 60_000, // Just after a block boundary.
  T0 + 9.25 * 3600_000, // In a deleted range of a block of level 1.
  T0 + 12 * 3600_000, // On a block boundary.
  END - 2700_000, // In the head, just after a deleted range.
  END - 60_000,
];

/** A Prometheus answer: series as labels → [t, value] pairs (an instant vector is one pair). */
type Answer = Map<string, [number, number][]>;

interface PromBody {
  status: string;
  error?: string;
  data: {
    resultType: string;
    result:
      | { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]
      | [number, string];
  };
}

/** A float as Prometheus prints it in JSON. */
function float(s: string): number {
  const v = parseGoFloat(s);
  if (v === null) throw new Error(`prometheus: not a float: ${s}`);
  return v;
}

function fromPrometheus(body: PromBody, query: string): Answer {
  if (body.status !== 'success') throw new Error(`prometheus: ${query}: ${body.error}`);
  const out: Answer = new Map();
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [t, v] = result as [number, string];
    out.set('scalar', [[Math.round(t * 1000), float(v)]]);
    return out;
  }
  for (const s of result as {
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
  }[]) {
    const pts = s.values ?? [s.value!];
    out.set(
      Labels.fromMap(s.metric).toString(),
      pts.map(([t, v]) => [Math.round(t * 1000), float(v)]),
    );
  }
  return out;
}

async function fromEngine(db: DB, query: string, start: number, end: number, step: number): Promise<Answer> {
  const engine = new Engine();
  const q =
    start === end ? engine.newInstantQuery(db, query, start) : engine.newRangeQuery(db, query, start, end, step);
  const res = await q.exec();
  if (res.err !== null) throw new Error(`tsprom: ${query}: ${res.err.message}`);
  const out: Answer = new Map();
  const v = res.value!;
  if (v.type === 'scalar') out.set('scalar', [[v.scalar.t, v.scalar.v]]);
  else if (v.type === 'vector') for (const s of v.vector) out.set(s.metric.toString(), [[s.t, s.f]]);
  else if (v.type === 'matrix') {
    for (const s of v.matrix) {
      const pts: [number, number][] = [];
      for (const p of s.floats()) pts.push([p.t, p.f]);
      out.set(s.metric.toString(), pts);
    }
  } else throw new Error(`tsprom: ${query}: unexpected ${v.type}`);
  return out;
}

const bits = new DataView(new ArrayBuffer(16));

/** Equal float bits (any NaN equals any NaN: Prometheus prints every NaN as "NaN"). */
function sameBits(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  bits.setFloat64(0, a);
  bits.setFloat64(8, b);
  return bits.getBigUint64(0) === bits.getBigUint64(8);
}

/** Differences between the two answers, as lines; `sums` allows a relative 1e-12. */
function diff(want: Answer, got: Answer, sums: boolean): string[] {
  const out: string[] = [];
  for (const k of want.keys()) if (!got.has(k)) out.push(`missing in tsprom: ${k}`);
  for (const k of got.keys()) if (!want.has(k)) out.push(`only in tsprom: ${k}`);
  for (const [k, w] of want) {
    const g = got.get(k);
    if (g === undefined) continue;
    if (g.length !== w.length) {
      out.push(`${k}: ${g.length} points in tsprom, ${w.length} in Prometheus`);
      continue;
    }
    for (let i = 0; i < w.length; i++) {
      const [wt, wv] = w[i]!;
      const [gt, gv] = g[i]!;
      const ok = sameBits(wv, gv) || (sums && Math.abs(wv - gv) <= 1e-12 * Math.max(Math.abs(wv), Math.abs(gv)));
      if (gt !== wt || !ok) out.push(`${k} @${wt}: Prometheus ${wv}, tsprom ${gv} @${gt}`);
    }
  }
  return out;
}

describe.runIf(have || process.env.CI)('Prometheus 2.42 serves a tsprom data dir as tsprom does', () => {
  let root = '';
  let db: DB | undefined;
  let proc: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let base = '';
  let log = '';

  beforeAll(async () => {
    if (!have) throw new Error(`${prometheus} is not installed (required when CI is set)`);
    root = await mkdtemp(join(tmpdir(), 'tsdb-queries-interop-'));
    const dir = join(root, 'tsprom');
    await writeDataDir(dir);
    const copy = join(root, 'prometheus');
    await cp(dir, copy, { recursive: true });
    await rm(join(copy, 'lock'), { force: true });
    await writeFile(join(root, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    // Port 0: Prometheus picks a free port and logs it.
    const p = spawn(
      prometheus,
      [
        `--config.file=${join(root, 'prometheus.yml')}`,
        `--storage.tsdb.path=${copy}`,
        '--storage.tsdb.retention.time=100y',
        '--web.listen-address=127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc = p;
    exited = new Promise((resolve) => p.once('exit', resolve));
    p.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    db = await DB.open(dir, { readOnly: true, logger: () => {} });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const port = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log)?.[1];
      if (port !== undefined) {
        base = `http://127.0.0.1:${port}`;
        try {
          if ((await fetch(`${base}/-/ready`)).ok) break;
        } catch {
          // Not ready yet.
        }
      }
      if (p.exitCode !== null) throw new Error(`prometheus exited early:\n${log}`);
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 90 s:\n${log}`);
      await sleep(200);
    }
  }, 240_000);

  afterAll(async () => {
    const p = proc;
    if (p?.pid !== undefined && p.exitCode === null && p.signalCode === null) {
      process.kill(p.pid, 'SIGTERM');
      await exited;
    }
    await db?.close();
    if (root !== '') await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('opens the same blocks, with tombstones and a head', async () => {
    const blocks = db!.blocks();
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const tombstoned = blocks.filter((b) => (b.stats.numTombstones ?? 0) > 0).length;
    expect(tombstoned).toBeGreaterThanOrEqual(2);
    expect(db!.stats().numSeries).toBeGreaterThan(0);
    // Prometheus replayed the same head (WAL checkpoint, segments, chunks_head/).
    const res = (await (await fetch(`${base}/api/v1/status/tsdb`)).json()) as {
      data: { headStats: { numSeries: number; minTime: number; maxTime: number } };
    };
    expect(res.data.headStats.numSeries).toBe(db!.stats().numSeries);
    expect(res.data.headStats.maxTime).toBe(END - STEP + 7);
  });

  for (const c of [...cases, ...instantOnly]) {
    it(`instant: ${c.query}`, async () => {
      const problems: string[] = [];
      for (const t of instantTimes) {
        const url = `${base}/api/v1/query?${new URLSearchParams({ query: c.query, time: String(t / 1000) })}`;
        const want = fromPrometheus((await (await fetch(url)).json()) as PromBody, c.query);
        const got = await fromEngine(db!, c.query, t, t, 0);
        for (const d of diff(want, got, c.sums === true)) problems.push(`@${t}: ${d}`);
      }
      expect(problems.slice(0, 20)).toEqual([]);
    });
  }

  for (const c of cases) {
    it(`range: ${c.query}`, async () => {
      const start = T0 + 70 * 60_000;
      const end = END;
      const step = 60_000;
      const url = `${base}/api/v1/query_range?${new URLSearchParams({
        query: c.query,
        start: String(start / 1000),
        end: String(end / 1000),
        step: String(step / 1000),
      })}`;
      const want = fromPrometheus((await (await fetch(url)).json()) as PromBody, c.query);
      expect(want.size).toBeGreaterThan(0);
      const got = await fromEngine(db!, c.query, start, end, step);
      expect(diff(want, got, c.sums === true).slice(0, 20)).toEqual([]);
    });
  }
});

if (!have && !process.env.CI) {
  describe('Prometheus 2.42 serves a tsprom data dir', () => {
    it.skip(`skipped: ${prometheus} is not installed`, () => {});
  });
}
