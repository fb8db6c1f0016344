// The decoding worker's batches: samples records grouped by series (a stable sort by ref), and
// groups ended by the records that must be applied after the samples logged before them.
import fc from 'fast-check';
import { Labels } from '@tsprom/labels';
import { expect, it } from 'vitest';
import { RecordDecoder } from './record/record-decoder.js';
import { RecordEncoder } from './record/record-encoder.js';
import type { RefSample } from './record/ref-types.js';
import { addRecord, BatchOp, newDecodedBatch, OP_WIDTH, SampleGrouper, type DecodedBatch } from './wal-decode-batch.js';

const enc = new RecordEncoder();
const dec = new RecordDecoder();

/** The ops of `b` as [kind, segment, a, b, records]. */
function opsOf(b: DecodedBatch): number[][] {
  const out: number[][] = [];
  for (let o = 0; o < b.numOps * OP_WIDTH; o += OP_WIDTH) {
    out.push([b.ops[o]!, b.ops[o + 1]!, b.ops[o + 4]!, b.ops[o + 5]!, b.ops[o + 6]!]);
  }
  return out;
}

/** Samples `[from, to)` of `b`'s columns. */
function samplesOf(b: DecodedBatch, from: number, to: number): RefSample[] {
  const out: RefSample[] = [];
  const { refs, ts, vs } = b.samples;
  for (let i = from; i < to; i++) out.push({ ref: refs[i]!, t: ts[i]!, v: vs[i]! });
  return out;
}

const sample = (maxRef: number): fc.Arbitrary<RefSample> =>
  fc.record({
    ref: fc.integer({ min: 1, max: maxRef }),
    t: fc.integer({ min: -1e12, max: 1e12 }),
    v: fc.double({ noNaN: true }),
  });

it('groups the samples of consecutive records by series, each series in WAL order (property)', () => {
  // Refs close together (sorted), and refs far apart (left in WAL order).
  const records = fc
    .constantFrom(50, 100_000, 2 ** 40)
    .chain((maxRef) =>
      fc.array(fc.array(sample(maxRef), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
    );
  fc.assert(
    fc.property(records, (recs) => {
      const b = newDecodedBatch(0, 16);
      const g = new SampleGrouper(false);
      // Something already in the batch: the group goes after it.
      addRecord(b, g, dec, enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b') }]).slice(), 0, 0, 9);
      for (const r of recs) addRecord(b, g, dec, enc.samples(r).slice(), 0, 0, 9);
      g.closeInto(b);
      const all = recs.flat();
      const refs = all.map((x) => x.ref);
      const sparse = Math.max(...refs) - Math.min(...refs) > 4 * all.length + 1_000_000;
      // Array.prototype.sort is stable.
      const want = sparse ? all : [...all].sort((x, y) => x.ref - y.ref);
      const ops = opsOf(b);
      expect(ops.length).toBe(2);
      expect(ops[0]![0]).toBe(BatchOp.Raw);
      expect(ops[1]).toEqual([BatchOp.Samples, 0, 0, all.length, recs.length]);
      expect(samplesOf(b, 0, all.length)).toEqual(want);
    }),
    { numRuns: 300 },
  );
});

it('keeps series, metadata, tombstones and exemplars ahead of the open group, and ends it at anything else', () => {
  const b = newDecodedBatch(0, 16);
  const g = new SampleGrouper(false);
  const s = (ref: number, t: number): Uint8Array => enc.samples([{ ref, t, v: t }]).slice();
  const add = (rec: Uint8Array, segment = 0): void => addRecord(b, g, dec, rec, segment, 0, rec.length);
  add(s(2, 1));
  add(enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b') }]).slice());
  add(enc.metadata([{ ref: 1, type: 'counter', unit: '', help: 'h' }]).slice());
  add(enc.tombstones([{ ref: 1, intervals: [{ mint: 0, maxt: 1 }] }]).slice());
  add(enc.exemplars([{ ref: 1, t: 1, v: 1, labels: Labels.fromStrings('trace_id', 'x') }]).slice());
  add(s(1, 2));
  // Markers apply after the samples before them.
  add(enc.mmapMarkers([{ ref: 1, mmapRef: 7 }]).slice());
  add(s(1, 3));
  // A series record that does not decode stops the replay: the samples before it come first.
  const bad = enc.series([{ ref: 3, labels: Labels.fromStrings('a', 'b') }]).slice();
  add(bad.subarray(0, bad.length - 1));
  add(s(1, 4));
  // A samples record that does not decode likewise (it goes as bytes).
  const badSamples = s(1, 5);
  add(badSamples.subarray(0, badSamples.length - 2));
  add(s(3, 6));
  g.closeInto(b);
  expect(opsOf(b).map((o) => [o[0], o[4]])).toEqual([
    [BatchOp.Raw, 1], // series
    [BatchOp.Raw, 1], // metadata
    [BatchOp.Raw, 1], // tombstones
    [BatchOp.Raw, 1], // exemplars
    [BatchOp.Samples, 2], // (1, 2), (2, 1)
    [BatchOp.Raw, 1], // markers
    [BatchOp.Samples, 1],
    [BatchOp.Raw, 1], // the damaged series record
    [BatchOp.Samples, 1],
    [BatchOp.Raw, 1], // the damaged samples record
    [BatchOp.Samples, 1],
  ]);
  expect(samplesOf(b, 0, 2)).toEqual([
    { ref: 1, t: 2, v: 2 },
    { ref: 2, t: 1, v: 1 },
  ]);
});

it('ends a group at a new segment only when told to', () => {
  for (const cut of [false, true]) {
    const b = newDecodedBatch(0, 16);
    const g = new SampleGrouper(cut);
    for (let seg = 0; seg < 3; seg++) {
      const rec = enc.samples([{ ref: 1, t: seg, v: 0 }]).slice();
      addRecord(b, g, dec, rec, seg, 0, rec.length);
    }
    g.closeInto(b);
    const ops = opsOf(b);
    expect(ops.map((o) => o[1])).toEqual(cut ? [0, 1, 2] : [2]);
    expect(ops.every((o) => o[0] === BatchOp.Samples)).toBe(true);
  }
});
