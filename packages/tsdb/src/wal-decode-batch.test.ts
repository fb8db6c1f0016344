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

/**
 * The samples of Samples op `i` of `b`, read through its runs, which must cover its entries
 * exactly, each run non-empty and of another series than the run before it.
 */
function samplesOf(b: DecodedBatch, i: number): RefSample[] {
  const o = i * OP_WIDTH;
  expect(b.ops[o]).toBe(BatchOp.Samples);
  const [from, to, ra, rb] = [b.ops[o + 4]!, b.ops[o + 5]!, b.ops[o + 7]!, b.ops[o + 8]!];
  const { runRefs, runEnds, ts, vs } = b.samples;
  const out: RefSample[] = [];
  let k = from;
  for (let j = ra; j < rb; j++) {
    expect(runEnds[j]!).toBeGreaterThan(k);
    if (j > ra) expect(runRefs[j]).not.toBe(runRefs[j - 1]);
    for (; k < runEnds[j]!; k++) out.push({ ref: runRefs[j]!, t: ts[k]!, v: vs[k]! });
  }
  expect(k).toBe(to);
  expect(rb).toBeLessThanOrEqual(b.samples.runs);
  return out;
}

/** `v` as its bits, so that NaNs compare by payload (stale markers). */
function bitsOf(samples: RefSample[]): [number, number, bigint][] {
  const f = new Float64Array(1);
  const u = new BigUint64Array(f.buffer);
  return samples.map((x) => {
    f[0] = x.v;
    return [x.ref, x.t, u[0]!];
  });
}

const staleNaN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

const sample = (maxRef: number): fc.Arbitrary<RefSample> =>
  fc.record({
    ref: fc.integer({ min: 1, max: maxRef }),
    t: fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -(2 ** 51), max: 2 ** 51 })),
    v: fc.oneof(fc.double({ noNaN: true }), fc.constant(staleNaN)),
  });

it('groups the samples of consecutive records by series, each series in WAL order (property)', () => {
  // Refs close together (sorted), and refs far apart (left in WAL order); runs of one series.
  const record = (maxRef: number): fc.Arbitrary<RefSample[]> =>
    fc.oneof(
      fc.array(sample(maxRef), { minLength: 1, maxLength: 40 }),
      fc.array(sample(maxRef), { minLength: 1, maxLength: 8 }).map((xs) => xs.map((x) => ({ ...x, ref: xs[0]!.ref }))),
    );
  const groups = fc
    .constantFrom(50, 100_000, 2 ** 40)
    .chain((maxRef) =>
      fc.array(fc.array(record(maxRef), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
    );
  fc.assert(
    fc.property(groups, (gs) => {
      // Small arrays: the columns and the runs grow, keeping what the groups before put there.
      const b = newDecodedBatch(0, 4);
      const g = new SampleGrouper(false, 4);
      // Something already in the batch: the group goes after it.
      addRecord(b, g, dec, enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b') }]).slice(), 0, 0, 9);
      let at = 0;
      const wants: { ops: number[]; samples: RefSample[] }[] = [];
      for (const recs of gs) {
        for (const r of recs) addRecord(b, g, dec, enc.samples(r).slice(), 0, 0, 9);
        g.closeInto(b);
        const all = recs.flat();
        const refs = all.map((x) => x.ref);
        const sparse = Math.max(...refs) - Math.min(...refs) > 4 * all.length + 1_000_000;
        // Array.prototype.sort is stable.
        const want = sparse ? all : [...all].sort((x, y) => x.ref - y.ref);
        wants.push({ ops: [BatchOp.Samples, 0, at, at + all.length, recs.length], samples: want });
        at += all.length;
      }
      const ops = opsOf(b);
      expect(ops.length).toBe(1 + gs.length);
      expect(ops[0]![0]).toBe(BatchOp.Raw);
      for (let i = 0; i < gs.length; i++) {
        expect(ops[1 + i]).toEqual(wants[i]!.ops);
        expect(bitsOf(samplesOf(b, 1 + i))).toEqual(bitsOf(wants[i]!.samples));
      }
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
  expect(samplesOf(b, 4)).toEqual([
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
