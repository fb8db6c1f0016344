// A chunk cut to the chunk store while chunks may be reused (no querier open): the next chunk of an
// XOR series opens in a slot again, also after its last chunk outgrew its slot by little (at most
// reslotMaxBytes), and the chunks written and the open chunk are byte for byte those of a series
// cutting without reuse, whatever the samples (slot overflows, cuts by time and count, stale
// markers, 64-bit deltas).
import { Labels } from '@tsprom/labels';
import type { Chunk } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type HeadChunkStore, MemSeries, reslotMaxBytes, SeriesColumns } from './mem-series.js';

const staleNaN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** A chunk store that keeps a copy of the bytes of every chunk written to it. */
class CopyStore implements HeadChunkStore {
  readonly written: { mint: number; maxt: number; bytes: number[] }[] = [];
  write(_seriesRef: number, mint: number, maxt: number, chunk: Chunk): number {
    this.written.push({ mint, maxt, bytes: Array.from(chunk.bytes()) });
    return this.written.length;
  }
  read(): Chunk {
    throw new Error('not read in this test');
  }
}

const deltaArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant(15_000) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 2 ** 40 }) }, // Past a range or dod beyond 20 bits.
);
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 3, arbitrary: fc.double() }, // Random bits: a slot holds few of these.
  { weight: 1, arbitrary: fc.constant(staleNaN) },
  { weight: 1, arbitrary: fc.constant(-0) },
);

it('cuts with chunk reuse write the chunks cuts without it write, and reopen in a slot (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(deltaArb, valueArb), { minLength: 1, maxLength: 800, size: 'max' }),
      fc.constantFrom(120, 30, 5),
      fc.constantFrom(7_200_000, 300_000),
      (steps, spc, range) => {
        const build = (reuse: boolean) => {
          const cols = new SeriesColumns();
          cols.reuseChunks = reuse;
          const store = new CopyStore();
          const s = new MemSeries(3, Labels.fromStrings('a', 'b'), cols);
          let t = 1_000_000;
          // Cuts after which the new chunk, holding this sample alone, is (not) in a slot when it
          // should (not) be: 0 expected.
          let wrong = 0;
          let cuts = 0;
          for (const [d, v] of steps) {
            t += d;
            const cutsBefore = store.written.length;
            const wasInSlot = s.openSlab !== undefined;
            if (!s.append(t, v, range, spc, store)) throw new Error('in-order sample refused');
            if (store.written.length > cutsBefore && s.openCount === 1) {
              cuts++;
              const cutBytes = store.written[store.written.length - 1]!.bytes.length;
              // A slot kept, or a new one; with reuse, a big chunk that had left its slot is reused.
              const inSlot = !reuse || wasInSlot || cutBytes <= reslotMaxBytes;
              if ((s.openSlab !== undefined) !== inSlot) wrong++;
            }
          }
          return {
            written: store.written,
            open: Array.from(s.openChunk?.bytes() ?? []),
            openMint: s.openMint,
            maxt: s.maxt,
            seq: s.seq,
            wrong,
            cuts,
          };
        };
        const reused = build(true);
        expect(reused.wrong).toBe(0);
        expect(reused).toEqual(build(false));
      },
    ),
    { numRuns: 200 },
  );
});

it('a series whose chunk outgrew its slot by little opens its next chunk in a slot when chunks are reused', () => {
  const cols = new SeriesColumns();
  cols.reuseChunks = true;
  const store = new CopyStore();
  const s = new MemSeries(1, Labels.fromStrings('a', 'b'), cols);
  let t = 0;
  let moves = 0;
  // A counter with changing increments: ~3 bytes a sample, a 120-sample chunk outgrows its slot.
  let v = 0;
  for (let i = 0; i < 600; i++) {
    v += 1 + ((i * 7919) % 97);
    t += 15_000;
    const cuts = store.written.length;
    const before = s.openSlab !== undefined;
    s.append(t, v, 7_200_000, 120, store);
    if (before && s.openSlab === undefined) moves++;
    if (store.written.length > cuts) {
      expect(store.written[store.written.length - 1]!.bytes.length).toBeLessThanOrEqual(reslotMaxBytes);
      expect(s.openSlab).toBeDefined();
    }
  }
  expect(moves).toBeGreaterThan(2);
  expect(store.written.length).toBeGreaterThan(2);
});

it('a series whose chunks far outgrow a slot reuses its chunk object at a cut when chunks are reused', () => {
  const cols = new SeriesColumns();
  cols.reuseChunks = true;
  const store = new CopyStore();
  const s = new MemSeries(1, Labels.fromStrings('a', 'b'), cols);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  let t = 0;
  let reused = 0;
  // Random-bit values: ~10 bytes a sample.
  for (let i = 0; i < 600; i++) {
    words[0] = Math.imul(i + 1, 2654435761) >>> 0;
    words[1] = (Math.imul(i + 7, 40503) >>> 0) & 0x3fefffff;
    t += 15_000;
    const cuts = store.written.length;
    const open = s.openSlab === undefined ? s.openChunk : undefined;
    s.append(t, bits[0]!, 7_200_000, 120, store);
    if (store.written.length > cuts && open !== undefined) {
      expect(store.written[store.written.length - 1]!.bytes.length).toBeGreaterThan(reslotMaxBytes);
      expect(s.openSlab).toBeUndefined();
      expect(s.openChunk).toBe(open);
      reused++;
    }
  }
  expect(reused).toBeGreaterThan(2);
});
