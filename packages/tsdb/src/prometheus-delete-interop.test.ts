// Interop: tombstones written by real Prometheus 2.42 (POST /api/v1/admin/tsdb/delete_series while
// it scrapes a local node exporter) hide the same samples in our replay as in `promtool tsdb dump`.
// Needs Prometheus, promtool and prometheus-node-exporter (Debian's packages): skipped with the
// reason in the name when missing, failing under CI.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { DB } from './db.js';
import { RecordDecoder, RecordType, readAllRecords, type Stone } from './wal-api.js';
import {
  missingPeers,
  parseDump,
  parseGoFloat,
  promtool,
  sameFloat,
  scrapeNodeExporter,
} from './wlog/testing/peers.js';

const missing = missingPeers();
if (missing.length > 0 && process.env.CI) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
const runIt = missing.length === 0 ? it : it.skip;
const reason = missing.length === 0 ? '' : ` (SKIPPED: peers missing: ${missing.join(', ')})`;

type Series = Map<string, [number, number][]>;

async function ours(dataDir: string): Promise<{ series: Series; tombstones: number }> {
  const db = await DB.open(dataDir, { readOnly: true });
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: Series = new Map();
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: [number, number][] = [];
    while (it.next() !== ValueType.None) xs.push([it.atT(), it.atV()]);
    expect(it.err()).toBeUndefined();
    if (xs.length > 0) out.set(s.labels().toString(), xs);
  }
  await q.close();
  const tombstones = db.openReport!.wal.tombstones;
  await db.close();
  return { series: out, tombstones };
}

async function theirs(dataDir: string): Promise<Series> {
  const out: Series = new Map();
  for (const l of parseDump(await promtool(['tsdb', 'dump', dataDir]))) {
    const xs = out.get(l.labels) ?? [];
    out.set(l.labels, xs);
    xs.push([l.t, parseGoFloat(l.value)]);
  }
  return out;
}

/**
 * Stones, and the timestamps of the samples they hide (under the stones' refs, inside their
 * intervals) by series labels, raw from the WAL.
 */
async function rawDeleted(dataDir: string): Promise<{ stones: Stone[]; hidden: Map<string, number[]> }> {
  const dec = new RecordDecoder();
  const stones: Stone[] = [];
  const labels = new Map<number, string>();
  const samples: { ref: number; t: number }[] = [];
  await readAllRecords(join(dataDir, 'wal'), (rec) => {
    const t = dec.type(rec);
    if (t === RecordType.Series) for (const s of dec.series(rec)) labels.set(s.ref, s.labels.toString());
    else if (t === RecordType.Tombstones) dec.tombstones(rec, stones);
    else if (t === RecordType.Samples) for (const s of dec.samples(rec)) samples.push({ ref: s.ref, t: s.t });
  });
  const hidden = new Map<string, number[]>();
  for (const s of samples) {
    if (stones.some((st) => st.ref === s.ref && st.intervals.some((iv) => s.t >= iv.mint && s.t <= iv.maxt))) {
      const l = labels.get(s.ref)!;
      hidden.set(l, [...(hidden.get(l) ?? []), s.t]);
    }
  }
  return { stones, hidden };
}

describe('tombstones written by Prometheus 2.42', () => {
  runIt(`our replay hides what promtool tsdb dump hides${reason}`, { timeout: 300_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'tsdb-delete-interop-'));
    const data = join(root, 'data');
    try {
      let cut = 0;
      await scrapeNodeExporter(data, 4, true, async (url) => {
        const post = async (query: string): Promise<void> => {
          const res = await fetch(`${url}/api/v1/admin/tsdb/delete_series?${query}`, { method: 'POST' });
          expect(res.status, await res.text()).toBe(204);
        };
        // Whole series (up to their last sample: later scrapes add new ones), and part of the
        // samples of others (up to now - 1.5 s).
        await post(`match[]=${encodeURIComponent('{__name__=~"node_load.*"}')}`);
        cut = Date.now() - 1500;
        await post(`match[]=${encodeURIComponent('{__name__=~"up|scrape_.*"}')}&end=${(cut / 1000).toFixed(3)}`);
      });
      const { stones, hidden } = await rawDeleted(data);
      expect(stones.length).toBeGreaterThan(0);
      const want = await theirs(data);
      const got = await ours(data);
      expect(got.tombstones).toBeGreaterThan(0);
      // node_load* lost the samples they had at the delete, up and scrape_* those up to the cut;
      // what is left of them came later. Prometheus clamps a stone to the samples a series holds
      // when deleting, so "later" is judged by the samples, not by a clock that a loaded machine
      // makes late.
      const deleted = (l: string): boolean => /__name__="(node_load|up"|scrape_)/.test(l);
      expect([...hidden.keys()].some((l) => l.includes('__name__="node_load'))).toBe(true);
      expect([...hidden.keys()].some((l) => l.includes('__name__="up"'))).toBe(true);
      for (const [l, ts] of hidden) {
        expect(deleted(l), l).toBe(true);
        if (!l.includes('__name__="node_load')) for (const t of ts) expect(t).toBeLessThanOrEqual(cut);
        const lastHidden = Math.max(...ts);
        for (const [t] of got.series.get(l) ?? []) expect(t, l).toBeGreaterThan(lastHidden);
      }
      expect([...got.series.keys()].some((l) => l.includes('__name__="up"'))).toBe(true);
      expect([...got.series.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [l, xs] of want) {
        const g = got.series.get(l)!;
        expect(
          g.map(([t]) => t),
          l,
        ).toEqual(xs.map(([t]) => t));
        for (let i = 0; i < xs.length; i++) {
          const a = xs[i]![1];
          const b = g[i]![1];
          expect(sameFloat(a, b), `${l} @${xs[i]![0]}: ${a} vs ${b}`).toBe(true);
        }
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  runIt(`promtool tsdb dump hides what tsprom deleted${reason}`, { timeout: 120_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'tsdb-delete-interop-'));
    const data = join(root, 'data');
    try {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      const db = await DB.open(data, { samplesPerChunk: 30 });
      const refs = [0, 0, 0];
      for (let j = 0; j < 200; j++) {
        const app = db.appender();
        for (let i = 0; i < 3; i++) {
          refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'd', 'i', String(i)), t0 + j * 1000, j + i);
        }
        await app.commit();
      }
      await db.delete(t0 + 20_000, t0 + 95_000, new Matcher(MatchType.NotEqual, 'i', '1'));
      await db.delete(-Infinity, Infinity, new Matcher(MatchType.Equal, 'i', '2'));
      await db.close();
      const want = await theirs(data);
      const got = await ours(data);
      expect(got.tombstones).toBe(3);
      expect([...want.keys()]).toEqual(['{__name__="d", i="0"}', '{__name__="d", i="1"}']);
      expect(want.get('{__name__="d", i="0"}')).toHaveLength(200 - 76);
      expect(got.series).toEqual(want);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
