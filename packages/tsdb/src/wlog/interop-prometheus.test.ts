// Interop with real Prometheus 2.42: its WAL read by our reader and decoder, and our WAL read by
// its promtool. Needs Prometheus, promtool and prometheus-node-exporter (Debian's packages).
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { RecordType } from '../record/record-type.js';
import type { Stone } from '../record/ref-types.js';
import { checkpoint } from './checkpoint.js';
import { readAllRecords } from './read-all.js';
import { snappyDecode } from './snappy.js';
import { SnappyEncoder } from './snappy-encoder.js';
import {
  missingPeers,
  parseDump,
  parseGoFloat,
  promtool,
  sameFloat,
  scrapeNodeExporter,
  startPrometheus,
} from './testing/peers.js';
import { WL } from './wl.js';
import { FRAGMENT_TYPE_MASK, FragmentType, PAGE_SIZE, RECORD_HEADER_SIZE, SNAPPY_MASK } from './wlog-constants.js';

const missing = missingPeers();
if (missing.length > 0 && process.env.CI) {
  throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
}
const suite = missing.length === 0 ? describe : describe.skip;
const suiteName =
  missing.length === 0 ? 'interop with Prometheus 2.42' : `SKIPPED: peers missing (${missing.join(', ')})`;

async function emptyConfig(root: string): Promise<string> {
  const p = join(root, 'empty.yml');
  await writeFile(p, 'global:\n  scrape_interval: 1m\n');
  return p;
}

type Series = Map<string, Array<[number, number]>>;

/** Reads the WAL of `dataDir` with our reader: series labels (as Prometheus prints them) to samples. */
async function readWal(
  dataDir: string,
): Promise<{ series: Series; fragmentTypes: Set<number>; recordTypes: Set<number>; stones: Stone[] }> {
  const dec = new RecordDecoder();
  const labelsByRef = new Map<number, string>();
  const series: Series = new Map();
  const recordTypes = new Set<number>();
  const pending: Array<{ ref: number; t: number; v: number }> = [];
  const stones: Stone[] = [];
  const res = await readAllRecords(join(dataDir, 'wal'), (rec) => {
    const t = dec.type(rec);
    recordTypes.add(t);
    if (t === RecordType.Series) {
      for (const s of dec.series(rec)) labelsByRef.set(s.ref, s.labels.toString());
    } else if (t === RecordType.Samples) {
      pending.push(...dec.samples(rec));
    } else if (t === RecordType.Tombstones) {
      dec.tombstones(rec, stones);
    }
  });
  expect(res.corruption).toBeUndefined();
  for (const s of pending) {
    // Deleted samples are not dumped: apply the tombstones as Prometheus's head does.
    if (stones.some((st) => st.ref === s.ref && st.intervals.some((iv) => s.t >= iv.mint && s.t <= iv.maxt))) continue;
    const l = labelsByRef.get(s.ref);
    expect(l, `sample of unknown series ${s.ref}`).toBeDefined();
    const arr = series.get(l!) ?? [];
    series.set(l!, arr);
    arr.push([s.t, s.v]);
  }
  const fragmentTypes = new Set<number>();
  for (const f of await readdir(join(dataDir, 'wal'))) {
    if (!/^\d+$/.test(f)) continue;
    const b = await readFile(join(dataDir, 'wal', f));
    if (b.length > 0) fragmentTypes.add(b[0]!);
  }
  return { series, fragmentTypes, recordTypes, stones };
}

/** The snappy-compressed records of a segment as stored (fragments joined, not decompressed). */
function compressedRecords(seg: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let parts: Uint8Array[] = [];
  for (let page = 0; page < seg.length; page += PAGE_SIZE) {
    let off = page;
    const end = Math.min(page + PAGE_SIZE, seg.length);
    while (end - off >= RECORD_HEADER_SIZE && seg[off] !== FragmentType.PageTerm) {
      const typ = seg[off]!;
      const len = (seg[off + 1]! << 8) | seg[off + 2]!;
      const data = seg.subarray(off + RECORD_HEADER_SIZE, off + RECORD_HEADER_SIZE + len);
      off += RECORD_HEADER_SIZE + len;
      if ((typ & SNAPPY_MASK) === 0) continue;
      const t = typ & FRAGMENT_TYPE_MASK;
      if (t === FragmentType.Full || t === FragmentType.First) parts = [];
      parts.push(data);
      if (t === FragmentType.Full || t === FragmentType.Last) out.push(Buffer.concat(parts));
    }
  }
  return out;
}

/** `promtool tsdb dump` of `dataDir`, grouped like {@link readWal}. */
async function dump(dataDir: string): Promise<Series> {
  const out: Series = new Map();
  for (const l of parseDump(await promtool(['tsdb', 'dump', dataDir]))) {
    const arr = out.get(l.labels) ?? [];
    out.set(l.labels, arr);
    arr.push([l.t, parseGoFloat(l.value)]);
  }
  return out;
}

function expectSameSeries(got: Series, want: Series): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, w] of want) {
    const g = [...got.get(k)!].sort((a, b) => a[0] - b[0]);
    const ws = [...w].sort((a, b) => a[0] - b[0]);
    expect(g.length, k).toBe(ws.length);
    for (let i = 0; i < g.length; i++) {
      expect(g[i]![0], k).toBe(ws[i]![0]);
      if (!sameFloat(g[i]![1], ws[i]![1])) expect.fail(`${k} @${g[i]![0]}: ${g[i]![1]} != ${ws[i]![1]}`);
    }
  }
}

suite(suiteName, () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'wal-interop-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['snappy-compressed (the 2.42 default)', true],
    ['uncompressed', false],
  ])(
    'reads a %s WAL written by Prometheus exactly as promtool tsdb dump does',
    async (_name, compressed) => {
      const data = join(root, compressed ? 'prom-snappy' : 'prom-plain');
      await mkdir(data, { recursive: true });
      await scrapeNodeExporter(data, 5, compressed);
      const ours = await readWal(data);
      const theirs = await dump(data);
      expect(ours.series.size).toBeGreaterThan(100);
      let total = 0;
      for (const v of ours.series.values()) total += v.length;
      expect(total).toBeGreaterThan(ours.series.size * 2); // At least a few scrapes made it.
      expect(ours.recordTypes.has(RecordType.Series)).toBe(true);
      expect(ours.recordTypes.has(RecordType.Samples)).toBe(true);
      // The first fragment of each segment tells whether Prometheus compressed what it wrote.
      const snappy = [...ours.fragmentTypes].some((b) => (b & SNAPPY_MASK) !== 0);
      expect(snappy).toBe(compressed);
      expectSameSeries(ours.series, theirs);
      if (compressed) {
        // Our encoder gives the very bytes Prometheus's (golang/snappy) wrote for each record.
        const enc = new SnappyEncoder();
        let n = 0;
        for (const f of await readdir(join(data, 'wal'))) {
          if (!/^\d+$/.test(f)) continue;
          for (const block of compressedRecords(await readFile(join(data, 'wal', f)))) {
            expect(Buffer.from(enc.encode(snappyDecode(block))).equals(block)).toBe(true);
            n++;
          }
        }
        expect(n).toBeGreaterThan(2);
      }
    },
    300_000,
  );

  it('promtool reads a WAL whose start is in a checkpoint we wrote', async () => {
    const data = join(root, 'ours-checkpoint');
    const walDir = join(data, 'wal');
    const w = await WL.open(walDir);
    const enc = new RecordEncoder();
    const t0 = Date.now() - 60_000;
    const want: Series = new Map();
    const series = Array.from({ length: 10 }, (_, i) => ({
      ref: i + 1,
      labels: Labels.fromStrings('__name__', 'cp', 'i', String(i)),
    }));
    for (const s of series) want.set(s.labels.toString(), []);
    await w.log(enc.series(series));
    for (let seg = 0; seg < 3; seg++) {
      for (let k = 0; k < 5; k++) {
        const t = t0 + (seg * 5 + k) * 1000;
        await w.log(enc.samples(series.map((s) => ({ ref: s.ref, t, v: s.ref + k }))));
        for (const s of series) want.get(s.labels.toString())!.push([t, s.ref + k]);
      }
      await w.nextSegment();
    }
    await w.close();
    await checkpoint(walDir, 0, 1, () => true, 0);
    const w2 = await WL.open(walDir);
    await w2.truncate(2);
    await w2.close();
    expect((await readdir(walDir)).sort()).toEqual(['00000002', '00000003', '00000004', 'checkpoint.00000001']);
    expectSameSeries(await dump(data), want);
  }, 120_000);

  it.each([
    ['none', 'none'],
    ['snappy', 'snappy'],
  ] as const)(
    'promtool reads a WAL we wrote (compression %s)',
    async (_n, compression) => {
      const data = join(root, `ours-${compression}`);
      // Small segments, and records spanning pages and segments.
      const w = await WL.open(join(data, 'wal'), { compression, segmentSize: 64 * 1024 });
      const enc = new RecordEncoder();
      const t0 = Date.now() - 60_000;
      const want: Series = new Map();
      const series = [];
      for (let i = 1; i <= 50; i++) {
        const labels = Labels.fromStrings('__name__', `m${i % 5}`, 'i', String(i), 'path', '/a "b"\n');
        series.push({ ref: i, labels });
        want.set(labels.toString(), []);
      }
      await w.log(enc.series(series));
      const big = [];
      for (let i = 0; i < 2000; i++) {
        const labels = Labels.fromStrings(
          '__name__',
          'big',
          'pad',
          `${(i * 2654435761).toString(36)}-${'x'.repeat(i % 50)}`,
        );
        big.push({ ref: 1000 + i, labels });
        want.set(labels.toString(), []);
      }
      await w.log(enc.series(big));
      for (let k = 0; k < 3; k++) {
        const samples = big.map((s) => ({ ref: s.ref, t: t0 + k * 1000, v: s.ref / 7 + k }));
        for (const [i, s] of samples.entries()) want.get(big[i]!.labels.toString())!.push([s.t, s.v]);
        await w.log(enc.samples(samples));
      }
      for (let k = 0; k < 30; k++) {
        const samples = series.map((s) => ({
          ref: s.ref,
          t: t0 + k * 1000,
          v: k === 7 ? Number.NaN : s.ref * 1.5 + k / 3,
        }));
        for (const s of samples) want.get(series[s.ref - 1]!.labels.toString())!.push([s.t, s.v]);
        await w.log(enc.samples(samples));
      }
      await w.close();
      expectSameSeries(await dump(data), want);
      if (compression !== 'none') return;

      // And a Prometheus server started on that data dir serves the samples.
      const prom = await startPrometheus(await emptyConfig(root), data);
      try {
        const q = new URLSearchParams({ query: 'm1[10m]', time: String((t0 + 29_000) / 1000) });
        const res = (await (await fetch(`${prom.url}/api/v1/query?${q}`)).json()) as {
          data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
        };
        const got: Series = new Map();
        for (const r of res.data.result) {
          got.set(
            Labels.fromMap(r.metric).toString(),
            r.values.map(([t, v]) => [Math.round(t * 1000), parseGoFloat(v)]),
          );
        }
        const wantM1: Series = new Map([...want].filter(([k]) => k.startsWith('{__name__="m1"')));
        expect(got.size).toBe(10);
        expectSameSeries(got, wantM1);
      } finally {
        await prom.stop();
      }
    },
    180_000,
  );
});
