import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainedSeriesMerge } from './chain-sample-iterator.js';
import { type ChunkMeta, Encoding } from './chunk.js';
import { compactingChunkSeriesMerger, concatenatingChunkSeriesMerger } from './compacting-chunk-series-merger.js';
import { ListChunkSeries } from './list-series.js';
import type { Sample } from './sample.js';
import { samplesFromIterator } from './sample-iterators.js';
import { chunkSeriesToSeries } from './series-chunk-conversion.js';
import type { ChunkSeries } from './series.js';
import { ListChunk } from './testing/list-chunk.js';

const lset = Labels.fromStrings('__name__', 'm');
const newChunk = (enc: Encoding) => new ListChunk(enc);
const merge = compactingChunkSeriesMerger(chainedSeriesMerge, newChunk);

function meta(samples: Sample[]): ChunkMeta {
  return {
    ref: 0,
    mint: samples[0]!.t,
    maxt: samples[samples.length - 1]!.t,
    chunk: ListChunk.of(Encoding.XOR, samples),
  };
}
const fs = (v: number, ...ts: number[]): Sample[] => ts.map((t) => ({ t, v }));
const series = (...chunks: Sample[][]) => new ListChunkSeries(lset, chunks.map(meta));

function chunks(cs: ChunkSeries): ChunkMeta[] {
  const it = cs.chunkIterator();
  const out: ChunkMeta[] = [];
  while (it.next()) out.push({ ...it.at() });
  expect(it.err()).toBeUndefined();
  return out;
}
const ranges = (cs: ChunkSeries) => chunks(cs).map((c) => [c.mint, c.maxt]);
const samples = (cs: ChunkSeries) => samplesFromIterator(chunkSeriesToSeries(cs).iterator());

describe('compactingChunkSeriesMerger', () => {
  // Prometheus: storage/merge_test.go TestCompactingChunkSeriesMerger (the float cases)
  it('passes a single series through', () => {
    const one = series(fs(0, 1, 2));
    expect(merge(one)).toBe(one);
    expect(() => merge()).toThrow();
  });

  it('passes non-overlapping chunks through untouched', () => {
    const a = series(fs(0, 1, 2), fs(0, 7, 8));
    const b = series(fs(1, 3, 5));
    const merged = merge(a, b);
    expect(merged.labels()).toBe(lset);
    const got = chunks(merged);
    expect(got.map((c) => [c.mint, c.maxt])).toEqual([
      [1, 2],
      [3, 5],
      [7, 8],
    ]);
    expect(got[0]!.chunk).toBe(a.chunks()[0]!.chunk);
    expect(got[1]!.chunk).toBe(b.chunks()[0]!.chunk);
  });

  it('drops exact duplicate chunks', () => {
    const merged = merge(series(fs(0, 1, 2)), series(fs(0, 1, 2)), series(fs(0, 1, 2)));
    expect(ranges(merged)).toEqual([[1, 2]]);
    expect(samples(merged)).toEqual(fs(0, 1, 2));
  });

  it('merges overlapping chunks, keeping the earlier series at equal timestamps', () => {
    const merged = merge(series(fs(0, 1, 3, 5)), series(fs(1, 2, 3, 4)), series(fs(2, 5, 6), fs(2, 10)));
    expect(ranges(merged)).toEqual([
      [1, 6],
      [10, 10],
    ]);
    expect(samples(merged)).toEqual([
      { t: 1, v: 0 },
      { t: 2, v: 1 },
      { t: 3, v: 0 },
      { t: 4, v: 1 },
      { t: 5, v: 0 },
      { t: 6, v: 2 },
      { t: 10, v: 2 },
    ]);
  });

  it('re-encodes large overlaps into chunks of 120 samples', () => {
    const ts = Array.from({ length: 200 }, (_, i) => i);
    const merged = merge(
      series(fs(0, ...ts.filter((t) => t % 2 === 0))),
      series(fs(1, ...ts.filter((t) => t % 2 === 1))),
    );
    expect(ranges(merged)).toEqual([
      [0, 119],
      [120, 199],
    ]);
    expect(samples(merged).map((s) => s.t)).toEqual(ts);
  });

  it('equals the de-duplicated union of random chunked series, in non-overlapping chunks', () => {
    const chunkedSeries = fc
      .uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 60 })
      .chain((ts) =>
        fc.tuple(
          fc.constant(ts.sort((a, b) => a - b)),
          fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
        ),
      );
    fc.assert(
      fc.property(fc.array(chunkedSeries, { minLength: 1, maxLength: 4 }), (input) => {
        const all = input.map(([ts, cuts], si) => {
          const list: Sample[][] = [];
          let i = 0;
          for (let c = 0; i < ts.length; c++) {
            const n = cuts[c % cuts.length]!;
            list.push(ts.slice(i, i + n).map((t) => ({ t, v: si })));
            i += n;
          }
          return list;
        });
        const byT = new Map<number, Sample>();
        for (const list of all) for (const c of list) for (const s of c) if (!byT.has(s.t)) byT.set(s.t, s);
        const want = [...byT.values()].sort((a, b) => a.t - b.t);
        const merged = merge(...all.map((list) => series(...list)));
        expect(samples(merged)).toEqual(want);
        if (all.length > 1) {
          const rs = ranges(merged);
          for (let k = 1; k < rs.length; k++) expect(rs[k]![0]).toBeGreaterThan(rs[k - 1]![1]!);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reports a chunk iterator error', () => {
    const err = new Error('chunk read failed');
    const broken: ChunkSeries = {
      labels: () => lset,
      chunkIterator: () => ({
        next: () => false,
        at: () => {
          throw new Error('unreachable');
        },
        err: () => err,
      }),
    };
    const it = merge(series(fs(0, 1)), broken).chunkIterator();
    expect(it.next()).toBe(false);
    expect(it.err()).toBe(err);
  });
});

describe('concatenatingChunkSeriesMerger', () => {
  it('hands out all chunks of each series in turn', () => {
    const concat = concatenatingChunkSeriesMerger();
    const merged = concat(series(fs(0, 5, 6)), series(fs(1, 1, 2), fs(1, 8)));
    expect(ranges(merged)).toEqual([
      [5, 6],
      [1, 2],
      [8, 8],
    ]);
  });
});
