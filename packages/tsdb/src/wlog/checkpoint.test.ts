import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { RecordType } from '../record/record-type.js';
import type { RefMetadata, RefSample, RefSeries } from '../record/ref-types.js';
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

  it('refuses damaged input and leaves no checkpoint behind', async () => {
    await buildWal();
    await truncate(segmentName(dir, 1), 100);
    await expect(checkpoint(dir, 0, 2, () => true, 0)).rejects.toThrow(CheckpointError);
    expect(await lastCheckpoint(dir)).toBeUndefined();
    expect((await readdir(dir)).some((n) => n.startsWith('checkpoint.'))).toBe(false);
  });
});
