// WAL replay through the decoding worker (samples grouped by series, appended a run at a time by
// MemSeries.appendRun) builds the head replay in one thread builds (samples appended one by one):
// the same chunks, byte for byte, and the same report, on random WALs with duplicates,
// out-of-order samples, stale markers, unknown refs, series created between samples records,
// records in any ref order and m-map markers that end a group; the same for the WBL's
// out-of-order samples.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Head } from './head.js';
import { replayWAL, replayWBL } from './head-replay.js';
import { RecordEncoder, WL } from './wal-api.js';

const staleNaN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** The chunks of every series of `head` (refs 1..maxRef), as bytes, with the series' state. */
function chunksOf(head: Head, maxRef: number): unknown[] {
  const out: unknown[] = [];
  for (let ref = 1; ref <= maxRef; ref++) {
    const s = head.state.series.getByRef(ref);
    if (s === undefined) {
      out.push(null);
      continue;
    }
    out.push({
      labels: s.labels.toString(),
      maxt: s.maxt,
      seq: s.seq,
      nextAt: s.nextAt,
      completed: s.completed.map((c) => [c.mint, c.maxt, c.firstSeq, Array.from(c.chunk.bytes())]),
      open: Array.from(s.openChunk?.bytes() ?? []),
    });
  }
  return out;
}

const stepArb = fc.record({
  /** Series declared so far that this record's samples use (more: unknown refs). */
  refs: fc.integer({ min: 1, max: 40 }),
  dt: fc.oneof(
    { weight: 8, arbitrary: fc.constant(15_000) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: -40_000, max: -1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 8_000_000 }) },
  ),
  stale: fc.integer({ min: 0, max: 9 }),
  /** Also log a series record of 5 more series (0), or an m-map marker record (1). */
  extra: fc.integer({ min: 0, max: 7 }),
  /** The record's samples by ascending ref (0), descending (1), odd refs first (2). */
  order: fc.integer({ min: 0, max: 2 }),
});

/** `xs` in the order `order` of stepArb. */
function ordered<T>(xs: T[], order: number): T[] {
  if (order === 1) return xs.reverse();
  if (order === 2) return [...xs.filter((_, i) => i % 2 === 1), ...xs.filter((_, i) => i % 2 === 0)];
  return xs;
}

it('replays random WALs to the same chunks and report with and without the decoding worker (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 120 }), async (steps) => {
      const dir = await mkdtemp(join(tmpdir(), 'tsdb-replay-runs-'));
      try {
        const wal = await WL.open(join(dir, 'wal'), { segmentSize: 32 * 1024, compression: 'snappy' });
        const enc = new RecordEncoder();
        let declared = 10;
        const series = (from: number, to: number): { ref: number; labels: Labels }[] =>
          Array.from({ length: to - from }, (_, k) => ({
            ref: from + k + 1,
            labels: Labels.fromStrings('__name__', 'm', 'i', String(from + k)),
          }));
        await wal.log(enc.series(series(0, declared)));
        let t = 1_000_000;
        for (const [j, st] of steps.entries()) {
          t += st.dt;
          const samples = Array.from({ length: st.refs }, (_, i) => ({
            ref: i + 1,
            t: t + (i % 3 === 2 ? st.dt : 0),
            v: (i + j) % 10 === st.stale ? staleNaN : (i * 7 + j) / 4,
          }));
          await wal.log(enc.samples(ordered(samples, st.order)));
          if (st.extra === 0 && declared < 45) {
            await wal.log(enc.series(series(declared, declared + 5)));
            declared += 5;
          } else if (st.extra === 1) await wal.log(enc.mmapMarkers([{ ref: 1, mmapRef: 0 }]));
        }
        await wal.close();
        const got: unknown[] = [];
        for (const decodeInWorker of [false, true]) {
          const head = new Head();
          const report = await replayWAL(head.state, join(dir, 'wal'), { readOnly: true, decodeInWorker });
          got.push({ report, chunks: chunksOf(head, 50) });
          await head.close();
        }
        expect(got[1]).toEqual(got[0]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 12 },
  );
}, 240_000);

/** The out-of-order chunks of every series of `head` (refs 1..maxRef), as bytes. */
function oooChunksOf(head: Head, maxRef: number): unknown[] {
  const out: unknown[] = [];
  for (let ref = 1; ref <= maxRef; ref++) {
    const s = head.state.series.getByRef(ref);
    out.push(
      s === undefined
        ? null
        : {
            completed: (s.oooCompleted ?? []).map((c) => [c.mint, c.maxt, c.numSamples]),
            open: (s.ooo?.toChunks() ?? []).map((c) => [c.mint, c.maxt, c.numSamples, Array.from(c.chunk.bytes())]),
          },
    );
  }
  return out;
}

it('replays random WBLs to the same out-of-order chunks and report with and without the decoding worker (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 80 }), async (steps) => {
      const dir = await mkdtemp(join(tmpdir(), 'tsdb-replay-runs-wbl-'));
      try {
        const enc = new RecordEncoder();
        const wal = await WL.open(join(dir, 'wal'), { segmentSize: 32 * 1024 });
        const series = Array.from({ length: 30 }, (_, k) => ({
          ref: k + 1,
          labels: Labels.fromStrings('__name__', 'm', 'i', String(k)),
        }));
        await wal.log(enc.series(series));
        // In order, late: the WBL's samples come before (most of) them.
        await wal.log(enc.samples(series.map((x) => ({ ref: x.ref, t: 50_000_000, v: 1 }))));
        await wal.close();
        const wbl = await WL.open(join(dir, 'wbl'), { segmentSize: 32 * 1024, compression: 'snappy' });
        let t = 1_000_000;
        for (const [j, st] of steps.entries()) {
          t += st.dt;
          const samples = Array.from({ length: st.refs }, (_, i) => ({
            ref: i + 1,
            t: t + (i % 3 === 2 ? st.dt : 0) + (st.extra === 2 ? 60_000_000 : 0),
            v: (i + j) % 10 === st.stale ? staleNaN : (i * 7 + j) / 4,
          }));
          await wbl.log(enc.samples(ordered(samples, st.order)));
          if (st.extra === 1) await wbl.log(enc.mmapMarkers([{ ref: 1, mmapRef: 0 }]));
        }
        await wbl.close();
        const got: unknown[] = [];
        for (const decodeInWorker of [false, true]) {
          const head = new Head({ outOfOrderTimeWindowMs: 100_000_000 });
          await replayWAL(head.state, join(dir, 'wal'), { readOnly: true });
          const report = await replayWBL(head.state, join(dir, 'wbl'), { readOnly: true, decodeInWorker });
          got.push({ report, chunks: oooChunksOf(head, 40), stats: head.state.counters.numSamples });
          await head.close();
        }
        expect(got[1]).toEqual(got[0]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 12 },
  );
}, 240_000);
