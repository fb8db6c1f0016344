// MemSeries.appendRun, with `append` for each sample it leaves (as WAL replay applies a series'
// run), builds the series sample by sample `append` builds: the same chunks, byte for byte, cut at
// the same samples, and the same series state, whatever the samples (cuts by time, count and
// slot room, duplicates, out-of-order and too old samples, stale markers, 64-bit deltas, chunks
// read back from the chunk store first) and wherever the runs are split.
import { Labels } from '@tsprom/labels';
import type { Chunk } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type HeadChunkStore, MemSeries, SeriesColumns } from './mem-series.js';

const staleNaN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** A chunk store that keeps a copy of the bytes of every chunk written to it. */
class CopyStore implements HeadChunkStore {
  readonly written: { ref: number; mint: number; maxt: number; bytes: number[] }[] = [];
  write(seriesRef: number, mint: number, maxt: number, chunk: Chunk): number {
    this.written.push({ ref: seriesRef, mint, maxt, bytes: Array.from(chunk.bytes()) });
    return this.written.length;
  }
  read(): Chunk {
    throw new Error('not read in this test');
  }
}

/** Everything of a series that an append can change, NaN-safe (bit patterns of doubles). */
function state(s: MemSeries, store: CopyStore | undefined): unknown {
  const bits = (x: number): string => {
    const f = new Float64Array([x]);
    return new BigUint64Array(f.buffer)[0]!.toString(16);
  };
  return {
    maxt: s.maxt,
    lastValue: bits(s.lastValue),
    nextAt: s.nextAt,
    seq: s.seq,
    openCount: s.openCount,
    openMint: s.openMint,
    openFirstSeq: s.openFirstSeq,
    open: Array.from(s.openChunk?.bytes() ?? []),
    completed: s.completed.map((c) => ({
      mint: c.mint,
      maxt: c.maxt,
      seq: c.firstSeq,
      b: Array.from(c.chunk.bytes()),
    })),
    mmapped: s.mmapped.slice(),
    stored: store?.written,
  };
}

const deltaArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant(15_000) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40_000 }) },
  { weight: 2, arbitrary: fc.constant(0) }, // A duplicate.
  { weight: 2, arbitrary: fc.integer({ min: -50_000, max: -1 }) }, // Out of order.
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 2 ** 40 }) }, // Past a range or dod beyond 20 bits.
);
const valueArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }).map((x) => x / 4) },
  { weight: 2, arbitrary: fc.constant(staleNaN) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constant(7) },
);

it('appendRun then append per leftover sample builds what append alone builds (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(deltaArb, valueArb), { minLength: 1, maxLength: 600, size: 'max' }),
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 20 }),
      fc.constantFrom(120, 8, 5, 1),
      fc.constantFrom(7_200_000, 200_000),
      fc.boolean(),
      fc.boolean(),
      fc.option(fc.integer({ min: 0, max: 3_000_000 })),
      fc.option(fc.integer({ min: 0, max: 2_000_000 })),
      (steps, runLengths, spc, range, withStore, reuse, minValidAt, mmappedMaxt) => {
        const ts = new Float64Array(steps.length);
        const vs = new Float64Array(steps.length);
        let t = 1_000_000;
        for (let i = 0; i < steps.length; i++) {
          t += steps[i]![0];
          ts[i] = t;
          vs[i] = steps[i]![1];
        }
        const minValid = minValidAt ?? Number.MIN_SAFE_INTEGER;
        const build = (runs: boolean): { st: unknown; added: number; rejected: number } => {
          const cols = new SeriesColumns();
          cols.reuseChunks = reuse;
          const store = withStore ? new CopyStore() : undefined;
          const s = new MemSeries(7, Labels.fromStrings('a', 'b'), cols);
          // A chunk read back from chunks_head/ before the WAL's samples.
          if (withStore && mmappedMaxt !== null) s.addMmapped(99, mmappedMaxt - 10_000, mmappedMaxt, 3);
          let added = 0;
          let rejected = 0;
          // As replay: samples before the valid range or in a stored chunk are skipped.
          const one = (k: number): void => {
            const tk = ts[k]!;
            const mm = s.mmapped;
            if (tk < minValid || (mm.length > 0 && tk <= mm[mm.length - 2]!)) return;
            if (s.append(tk, vs[k]!, range, spc, store)) added++;
            else rejected++;
          };
          if (!runs) {
            for (let k = 0; k < ts.length; k++) one(k);
          } else {
            let k = 0;
            let r = 0;
            while (k < ts.length) {
              const e = Math.min(ts.length, k + runLengths[r++ % runLengths.length]!);
              while (k < e) {
                const mm = s.mmapped;
                const floor = mm.length === 0 ? minValid : Math.max(minValid, mm[mm.length - 2]! + 1);
                const stop = s.appendRun(ts, vs, k, e, spc, floor);
                added += stop - k;
                k = stop;
                if (k === e) break;
                one(k++);
              }
            }
          }
          return { st: state(s, store), added, rejected };
        };
        expect(build(true)).toEqual(build(false));
      },
    ),
    { numRuns: 400 },
  );
});

it('appendRun appends in one call the samples of a chunk that fit its slot', () => {
  const s = new MemSeries(1, Labels.fromStrings('a', 'b'), new SeriesColumns());
  const n = 100;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = i * 15_000;
    vs[i] = i;
  }
  // No open chunk yet: the first sample goes through append, which opens one in a slot.
  expect(s.appendRun(ts, vs, 0, n, 120, 0)).toBe(0);
  expect(s.append(ts[0]!, vs[0]!, 7_200_000, 120, undefined)).toBe(true);
  expect(s.appendRun(ts, vs, 1, n, 120, 0)).toBe(n);
  expect(s.seq).toBe(n);
  expect(s.maxt).toBe(ts[n - 1]);
  expect(s.openCount).toBe(n);
  // A sample not after the latest one stops the run where it is.
  expect(s.appendRun(ts, vs, n - 1, n, 120, 0)).toBe(n - 1);
});
