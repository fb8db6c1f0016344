// Interop of native histograms with real Prometheus 2.42 (started with
// --enable-feature=native-histograms, fed by a remote write 1.0 request carrying histograms):
//  - tsprom opens Prometheus's data dir (its blocks, chunks_head/ and WAL) and reads back the
//    histograms that were sent;
//  - Prometheus started on a tsprom data dir holding the same histograms (blocks and WAL) answers a
//    range select exactly as it does on its own data dir (promtool 2.42's `tsdb dump` prints float
//    samples only, so it cannot compare histograms).
// Skipped with a reason when a peer is missing (fails under CI).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import type { Histogram } from '@tsprom/storage-interfaces';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isULID } from './block/ulid.js';
import { DB } from './db.js';
import { counterHistogram, histogramMeaning, readAnySamples } from './testing/histogram-data.js';
import { startPrometheus } from './testing/prometheus-peer.js';
import { encodeHistogramWriteRequest, type HistogramSeries, snappyLiterals } from '@tsprom/test-support';
import { PEERS } from './wlog/testing/peers.js';

const havePeers = existsSync(PEERS.promtool) && existsSync(PEERS.prometheus);
if (!havePeers && process.env.CI)
  throw new Error(`interop peers missing in CI: ${PEERS.prometheus}, ${PEERS.promtool}`);
const runIt = havePeers ? it : it.skip;
const reason = havePeers ? '' : ` (skipped: ${PEERS.promtool} or ${PEERS.prometheus} is not installed)`;

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsdb-histogram-interop-'));
  onTestFinished(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** A layout change: a bucket that appears from sample 150 on (Prometheus recodes the chunk). */
function widening(n: number): Histogram {
  const h = counterHistogram(n);
  if (n < 150) return h;
  return {
    ...h,
    count: h.count + n,
    positiveSpans: [...h.positiveSpans, { offset: 2, length: 1 }],
    positiveBuckets: [...h.positiveBuckets, n - (h.positiveBuckets.reduce((a, b) => a + b, 0) as number)],
  };
}

/** Three series, 400 samples at 60 s from `t0`: a counter, one with a reset, one that widens. */
function seriesFrom(t0: number): HistogramSeries[] {
  const make = (name: string, f: (i: number) => Histogram): HistogramSeries => ({
    labels: [
      ['__name__', name],
      ['job', 'rw'],
    ],
    samples: Array.from({ length: 400 }, (_, i) => ({ t: t0 + 60_000 * i, h: f(i), float: false })),
  });
  return [
    make('h_counter', counterHistogram),
    make('h_reset', (i) => counterHistogram(i < 250 ? i : i - 250)),
    make('h_widening', widening),
  ];
}

interface RangeResult {
  metric: Record<string, string>;
  histograms: [number, unknown][];
}

/** Prometheus started on `dataDir` answers `{job="rw"}[7h]` at `end` (s); its result, sorted. */
async function rangeSelect(dataDir: string, root: string, end: number): Promise<RangeResult[]> {
  const peer = await startPrometheus(dataDir, root, 'global:\n  scrape_interval: 1h\n', [
    '--enable-feature=native-histograms',
  ]);
  try {
    const res = await fetch(
      `${peer.url}/api/v1/query?${new URLSearchParams({ query: '{job="rw"}[7h]', time: String(end) })}`,
    );
    const body = (await res.json()) as { status: string; data: { result: RangeResult[] } };
    expect(body.status).toBe('success');
    return body.data.result.sort((a, b) => (a.metric.__name__! < b.metric.__name__! ? -1 : 1));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
  } finally {
    await peer.stop();
  }
}

describe('native histograms: tsprom ⇄ Prometheus 2.42', () => {
  runIt(
    `tsprom reads the histograms Prometheus stored from a remote write; Prometheus answers the same over tsprom's blocks${reason}`,
    { timeout: 300_000 },
    async () => {
      const root = await tmp();
      const promDir = join(root, 'prom');
      // Recent enough for the default retention; 400 min span more than 1.5 block ranges, so
      // Prometheus compacts part of them into a block as it ingests. On a block boundary (2 h), so
      // which samples end in blocks and which in chunks_head/ is the same at any time of day.
      const now = Date.now();
      const t0 = now - (now % 7_200_000) - 8 * 3_600_000;
      const series = seriesFrom(t0);
      const peer = await startPrometheus(promDir, root, 'global:\n  scrape_interval: 1h\n', [
        '--web.enable-remote-write-receiver',
        '--enable-feature=native-histograms',
      ]);
      try {
        const res = await fetch(`${peer.url}/api/v1/write`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-protobuf',
            'Content-Encoding': 'snappy',
            'X-Prometheus-Remote-Write-Version': '0.1.0',
          },
          body: snappyLiterals(encodeHistogramWriteRequest(series)),
        });
        expect(res.status, await res.text()).toBe(204);
        // Prometheus compacts the head after the append that made it compactable, in the background.
        const deadline = Date.now() + 120_000;
        while ((await readdir(promDir)).filter(isULID).length === 0) {
          if (Date.now() > deadline) throw new Error('Prometheus wrote no block');
          await new Promise((r) => setTimeout(r, 250));
        }
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- prometheus log ---\n${peer.log()}`, { cause: err });
      } finally {
        await peer.stop();
      }

      // Prometheus's data dir (a block, chunks_head/, WAL), read by tsprom: read-only (the head
      // rebuilt from the WAL), then read-write (the head's full chunks read from chunks_head/).
      const check = async (db: DB): Promise<void> => {
        expect(db.blocks().length).toBeGreaterThan(0);
        const q = db.querier(-Infinity, Infinity);
        const got = await readAnySamples(q);
        await q.close();
        expect(got.size).toBe(series.length);
        for (const s of series) {
          const key = Labels.fromStrings(...s.labels.flat()).toString();
          const samples = got.get(key)!;
          expect(samples.length, key).toBe(s.samples.length);
          for (let i = 0; i < samples.length; i++) {
            expect(samples[i]!.t).toBe(s.samples[i]!.t);
            expect(histogramMeaning(samples[i]!.h!, true), `${key} sample ${i}`).toEqual(
              histogramMeaning(s.samples[i]!.h, true),
            );
          }
        }
      };
      const ro = await DB.open(promDir, { readOnly: true, logger: () => {} });
      await check(ro);
      await ro.close();
      // promtool 2.42's `tsdb dump` prints float samples only (none of these): Prometheus itself
      // reads both dirs and answers the same range query over them, histograms as JSON. Its
      // answer over its own dir first, before tsprom writes to that dir.
      const end = (t0 + 400 * 60_000) / 1000;
      const theirs = await rangeSelect(promDir, root, end);
      const rw = await DB.open(promDir, { autoCompaction: false, logger: () => {} });
      expect(rw.openReport?.wal?.mmappedChunks).toBeGreaterThan(0);
      await check(rw);
      await rw.close();

      // The same histograms appended to tsprom and compacted into blocks.
      const tsDir = join(root, 'tsprom');
      const db = await DB.open(tsDir, { autoCompaction: false, logger: () => {} });
      const labels = series.map((s) => Labels.fromStrings(...s.labels.flat()));
      const refs = series.map(() => 0);
      for (let i = 0; i < series[0]!.samples.length; i++) {
        const app = db.appender();
        for (let k = 0; k < series.length; k++) {
          const { t, h } = series[k]!.samples[i]!;
          refs[k] = app.appendHistogram(refs[k]!, labels[k]!, t, h, undefined);
        }
        await app.commit();
      }
      await db.compact();
      expect(db.blocks().length).toBeGreaterThan(0);
      await db.close();
      const ours = await rangeSelect(tsDir, root, end);
      expect(theirs.length).toBe(series.length);
      for (const r of theirs) expect(r.histograms.length).toBe(400);
      expect(ours).toEqual(theirs);
    },
  );
});
