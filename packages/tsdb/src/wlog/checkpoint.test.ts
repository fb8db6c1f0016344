import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { RecordType } from '../record/record-type.js';
import type { RefExemplar, RefMetadata, RefSample, RefSeries, Stone } from '../record/ref-types.js';
import { CheckpointError, checkpoint, checkpointDir, deleteCheckpoints, lastCheckpoint } from './checkpoint.js';
import { readAllRecords } from './read-all.js';
import { segmentName } from './segments.js';
import { WL } from './wl.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enc = new RecordEncoder();
const dec = new RecordDecoder();

interface Contents {
  series: RefSeries[];
  samples: RefSample[];
  metadata: RefMetadata[];
  types: number[];
}

async function contents(d: string): Promise<Contents> {
  const c: Contents = { series: [], samples: [], metadata: [], types: [] };
  const res = await readAllRecords(d, (rec) => {
    c.types.push(rec[0]!);
    if (rec[0] === RecordType.Series) dec.series(rec, c.series);
    if (rec[0] === RecordType.Samples) dec.samples(rec, c.samples);
    if (rec[0] === RecordType.Metadata) dec.metadata(rec, c.metadata);
  });
  expect(res.corruption).toBeUndefined();
  return c;
}

/** Segments 0..3, each with series 1..10's samples at t = segment*1000 + k; series in segment 0. */
async function buildWal(): Promise<void> {
  const w = await WL.open(dir);
  const series = Array.from({ length: 10 }, (_, i) => ({
    ref: i + 1,
    labels: Labels.fromStrings('__name__', 'm', 'i', String(i + 1)),
  }));
  await w.log(enc.series(series));
  for (let seg = 0; seg < 4; seg++) {
    for (let k = 0; k < 3; k++) {
      await w.log(enc.samples(series.map((s) => ({ ref: s.ref, t: seg * 1000 + k, v: s.ref + k }))));
    }
    await w.log(
      enc.metadata(series.map((s) => ({ ref: s.ref, type: 'gauge', unit: '', help: `help ${seg}` }))),
      enc.mmapMarkers([{ ref: 1, mmapRef: 8 }]),
      enc.tombstones([
        { ref: 2, intervals: [{ mint: 0, maxt: seg * 1000 }] },
        { ref: 3, intervals: [{ mint: 0, maxt: seg * 1000 }] },
      ]),
      enc.exemplars([{ ref: 3, t: seg * 1000, v: 1, labels: Labels.fromStrings('trace_id', String(seg)) }]),
    );
    await w.nextSegment();
  }
  await w.close();
}

describe('checkpoint', () => {
  it('keeps series that pass keep(), data at or after mint, latest metadata; drops m-map markers', async () => {
    await buildWal();
    const stats = await checkpoint(dir, 0, 2, (ref) => ref % 2 === 1, 1000);
    expect(await lastCheckpoint(dir)).toEqual({ dir: checkpointDir(dir, 2), index: 2 });
    const c = await contents(checkpointDir(dir, 2));
    expect(c.series.map((s) => s.ref)).toEqual([1, 3, 5, 7, 9]);
    expect(c.series[0]!.labels.toString()).toBe('{__name__="m", i="1"}');
    expect(new Set(c.samples.map((s) => s.t))).toEqual(new Set([1000, 1001, 1002, 2000, 2001, 2002]));
    expect(c.samples.length).toBe(60);
    expect(c.metadata.map((m) => [m.ref, m.help]).sort()).toEqual([1, 3, 5, 7, 9].map((r) => [r, 'help 2']).sort());
    expect(c.types).not.toContain(RecordType.MmapMarkers);
    // Segment 0's maxt 0 < mint; ref 2 fails keep() (Prometheus keeps tombstones of kept series only).
    expect(c.types.filter((t) => t === RecordType.Tombstones).length).toBe(2);
    expect(c.types.filter((t) => t === RecordType.Exemplars).length).toBe(2);
    expect(stats).toMatchObject({
      totalSeries: 10,
      droppedSeries: 5,
      totalSamples: 90,
      droppedSamples: 30,
      totalTombstones: 6,
      droppedTombstones: 4,
      totalExemplars: 3,
      droppedExemplars: 1,
      totalMetadata: 30,
      droppedMetadata: 25,
    });
    expect((await readdir(dir)).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('builds on the previous checkpoint, and old checkpoints can be deleted', async () => {
    await buildWal();
    await checkpoint(dir, 0, 1, () => true, 0);
    const w = await WL.open(dir);
    await w.truncate(2);
    await w.close();
    await checkpoint(dir, 2, 3, (ref) => ref <= 2, 0);
    const c = await contents(checkpointDir(dir, 3));
    expect(c.series.map((s) => s.ref)).toEqual([1, 2]);
    expect(c.samples.length).toBe(120); // All four segments' samples, through the first checkpoint.
    await deleteCheckpoints(dir, 3);
    expect((await readdir(dir)).filter((n) => n.startsWith('checkpoint.'))).toEqual(['checkpoint.00000003']);
    await expect(checkpoint(dir, 6, 7, () => true, 0)).rejects.toThrow(CheckpointError);
  });

  it('writes kept series and samples as the encoder would, passing whole records through', async () => {
    const w = await WL.open(dir);
    const series = Array.from({ length: 50 }, (_, i) => ({
      ref: 100 + i * 7,
      labels: Labels.fromStrings('__name__', 'm', 'i', String(i), 'é', 'ü'.repeat(i % 5)),
    }));
    const recs = [
      enc.series(series),
      enc.samples(series.map((s, i) => ({ ref: s.ref, t: 500 + i * 10, v: i / 3 }))), // Half before mint.
      enc.samples(series.map((s, i) => ({ ref: s.ref, t: 1000 + i, v: -i }))), // All kept.
      enc.samples(series.map((s, i) => ({ ref: s.ref, t: i, v: i }))), // None kept.
      // All kept, and big enough to be written without a copy.
      enc.samples(Array.from({ length: 8000 }, (_, i) => ({ ref: 100 + (i % 50) * 7, t: 2000 + i, v: Math.sin(i) }))),
      enc.samples([{ ref: 100, t: 9000, v: 1 }]),
    ];
    await w.log(...recs);
    await w.nextSegment();
    await w.close();
    const keep = (ref: number): boolean => ref % 3 !== 0;
    await checkpoint(dir, 0, 0, keep, 750);
    const got: Uint8Array[] = [];
    await readAllRecords(checkpointDir(dir, 0), (rec) => {
      got.push(rec.slice());
    });
    const want = [
      enc.series(series.filter((s) => keep(s.ref))),
      enc.samples(series.map((s, i) => ({ ref: s.ref, t: 500 + i * 10, v: i / 3 })).filter((s) => s.t >= 750)),
      recs[2]!,
      recs[4]!,
      recs[5]!,
    ];
    expect(recs[4]!.length).toBeGreaterThan(64 * 1024);
    expect(got.map((r) => Buffer.from(r).toString('hex'))).toEqual(want.map((r) => Buffer.from(r).toString('hex')));
  });

  it('gives the event loop back between slices and writes the same checkpoint', async () => {
    const w = await WL.open(dir);
    for (let ref = 1; ref <= 1000; ref++) {
      await w.log(enc.series([{ ref, labels: Labels.fromStrings('__name__', 'm', 'i', String(ref)) }]));
    }
    await w.nextSegment();
    await w.close();
    await checkpoint(dir, 0, 0, () => true, 0);
    const whole = await contents(checkpointDir(dir, 0));
    await rm(checkpointDir(dir, 0), { recursive: true });
    // A ticker on the check phase, where the checkpoint yields: count the keep() calls (one per
    // record here) made without a tick between them.
    let ticks = 0;
    let stop = false;
    const tick = (): void => {
      ticks++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    let seen = -1;
    let run = 0;
    let longest = 0;
    let calls = 0;
    const keep = (): boolean => {
      calls++;
      run = ticks === seen ? run + 1 : 1;
      seen = ticks;
      longest = Math.max(longest, run);
      return true;
    };
    try {
      await checkpoint(dir, 0, 0, keep, 0, { sliceMs: 0 });
    } finally {
      stop = true;
    }
    expect(calls).toBe(1000);
    expect(longest).toBeLessThanOrEqual(64);
    expect(await contents(checkpointDir(dir, 0))).toEqual(whole);
  });

  it('refuses damaged input and leaves no checkpoint behind', async () => {
    await buildWal();
    await truncate(segmentName(dir, 1), 100);
    await expect(checkpoint(dir, 0, 2, () => true, 0)).rejects.toThrow(CheckpointError);
    expect(await lastCheckpoint(dir)).toBeUndefined();
    expect((await readdir(dir)).some((n) => n.startsWith('checkpoint.'))).toBe(false);
  });
});

/**
 * The checkpoint as it was first written, before it was sliced and made to filter without
 * decoding: every record decoded, filtered and encoded again, metadata last. The record payloads
 * the checkpoint of the same input must write.
 */
function decodeFilterEncode(input: readonly Uint8Array[], keep: (ref: number) => boolean, mint: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const latest = new Map<number, RefMetadata>();
  for (const rec of input) {
    switch (rec[0]) {
      case RecordType.Series: {
        const kept = dec.series(rec).filter((s) => keep(s.ref));
        if (kept.length > 0) out.push(enc.series(kept));
        break;
      }
      case RecordType.Samples: {
        const kept = dec.samples(rec).filter((s) => s.t >= mint);
        if (kept.length > 0) out.push(enc.samples(kept));
        break;
      }
      case RecordType.Tombstones: {
        const kept = dec.tombstones(rec).filter((s) => keep(s.ref) && s.intervals.some((iv) => iv.maxt >= mint));
        if (kept.length > 0) out.push(enc.tombstones(kept));
        break;
      }
      case RecordType.Exemplars: {
        const kept = dec.exemplars(rec).filter((e) => e.t >= mint);
        if (kept.length > 0) out.push(enc.exemplars(kept));
        break;
      }
      case RecordType.Metadata:
        for (const m of dec.metadata(rec)) if (keep(m.ref)) latest.set(m.ref, m);
        break;
      default:
        break;
    }
  }
  if (latest.size > 0) out.push(enc.metadata([...latest.values()]));
  return out;
}

async function recordsOf(d: string): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  const res = await readAllRecords(d, (rec) => {
    got.push(rec.slice());
  });
  expect(res.corruption).toBeUndefined();
  return got;
}

const hex = (recs: readonly Uint8Array[]): string[] => recs.map((r) => Buffer.from(r).toString('hex'));

describe('checkpoint against decoding, filtering and encoding every record (property)', () => {
  const ref = fc.integer({ min: 1, max: 40 });
  // Times in a narrow range, so that samples, tombstones and exemplars often sit right at mint.
  const t = fc.integer({ min: -20, max: 60 });
  const labelsOf = (r: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(r), 'x', 'y'.repeat(r % 4));
  const record = fc.oneof(
    fc
      .uniqueArray(ref, { minLength: 1, maxLength: 30 })
      .map((rs) => enc.series(rs.map((r) => ({ ref: r, labels: labelsOf(r) })))),
    fc
      .array(fc.record({ ref, t, v: fc.double({ noNaN: true }) }), { minLength: 1, maxLength: 300 })
      .map((xs: RefSample[]) => enc.samples(xs)),
    fc
      .array(fc.record({ ref, type: fc.constantFrom('gauge', 'counter'), unit: fc.constant(''), help: fc.string() }), {
        minLength: 1,
        maxLength: 10,
      })
      .map((xs: RefMetadata[]) => enc.metadata(xs)),
    fc
      .array(
        fc
          .record({ ref, a: t, len: fc.integer({ min: 0, max: 3000 }) })
          .map(({ ref, a, len }): Stone => ({ ref, intervals: [{ mint: a, maxt: a + len }] })),
        { minLength: 1, maxLength: 5 },
      )
      .map((xs) => enc.tombstones(xs)),
    fc
      .array(
        fc
          .record({ ref, t })
          .map(({ ref, t }): RefExemplar => ({ ref, t, v: t / 7, labels: Labels.fromStrings('trace_id', String(t)) })),
        { minLength: 1, maxLength: 5 },
      )
      .map((xs) => enc.exemplars(xs)),
    fc
      .array(fc.record({ ref, mmapRef: fc.integer({ min: 8, max: 1e6 }) }), { minLength: 1, maxLength: 5 })
      .map((xs) => enc.mmapMarkers(xs)),
  );
  // Segments of records; the first checkpoint covers the first `split` of them.
  const wal = fc.array(fc.array(record, { maxLength: 12 }), { minLength: 2, maxLength: 4 });
  const keepSet = fc.uniqueArray(ref, { maxLength: 40 }).map((rs) => new Set(rs));

  it('writes the same records, through a previous checkpoint too, in slices of any length', async () => {
    await fc.assert(
      fc.asyncProperty(
        wal,
        fc.integer({ min: 0, max: 1 }),
        keepSet,
        keepSet,
        t,
        t,
        fc.constantFrom(0, 1, 10),
        async (segments, split, keep1, keep2, mint1, mint2, sliceMs) => {
          const d = await mkdtemp(join(tmpdir(), 'cp-prop-'));
          try {
            const w = await WL.open(d, { segmentSize: 64 * 1024 });
            for (const recs of segments) {
              if (recs.length > 0) await w.log(...recs);
              await w.nextSegment();
            }
            await w.close();
            const k1 = (r: number): boolean => keep1.has(r);
            const k2 = (r: number): boolean => keep2.has(r);
            const last = segments.length - 1;
            await checkpoint(d, 0, split, k1, mint1, { sliceMs });
            const first = await recordsOf(checkpointDir(d, split));
            expect(hex(first)).toEqual(hex(decodeFilterEncode(segments.slice(0, split + 1).flat(), k1, mint1)));
            // The second builds on the first: its input is the first checkpoint, then the segments after.
            await checkpoint(d, split + 1, last, k2, mint2, { sliceMs });
            const second = await recordsOf(checkpointDir(d, last));
            expect(hex(second)).toEqual(
              hex(decodeFilterEncode([...first, ...segments.slice(split + 1).flat()], k2, mint2)),
            );
          } finally {
            await rm(d, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
