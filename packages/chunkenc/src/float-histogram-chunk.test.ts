import type { Chunk, FloatHistogram } from '@tsprom/storage-interfaces';
import {
  CounterResetHint,
  CustomBucketsSchema,
  Encoding,
  histogramToFloat,
  StaleNaN,
  ValueType,
} from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkEncodingError, HistogramNotAppendableError } from './errors.js';
import { float64Bits } from './float-bits.js';
import { FloatHistogramChunk } from './float-histogram-chunk.js';
import { CounterResetHeader } from './histogram-layout.js';
import { canonical, type HistogramSeed, intHistogram, layoutArb } from './testing/histogram-gen.js';
import { hex } from './testing/test-helpers.js';

const exp0: HistogramSeed = {
  schema: 0,
  zeroThreshold: 2 ** -128,
  positiveSpans: [
    { offset: 0, length: 2 },
    { offset: 1, length: 2 },
  ],
  negativeSpans: [{ offset: 1, length: 1 }],
};

// A float histogram of `layout` with absolute bucket counts (count = their sum + zeroCount).
function fh(
  layout: HistogramSeed,
  zeroCount: number,
  sum: number,
  p: number[],
  n: number[],
  hint: CounterResetHint = CounterResetHint.Unknown,
): FloatHistogram {
  const h = histogramToFloat(intHistogram(layout, 0, sum, [], [], hint));
  h.positiveSpans = layout.positiveSpans;
  h.negativeSpans = layout.negativeSpans;
  h.positiveBuckets = p;
  h.negativeBuckets = n;
  h.zeroCount = zeroCount;
  h.count = zeroCount + p.reduce((a, b) => a + b, 0) + n.reduce((a, b) => a + b, 0);
  return h;
}

function appendAll(samples: { t: number; h: FloatHistogram }[]): FloatHistogramChunk[] {
  const chunks: FloatHistogramChunk[] = [new FloatHistogramChunk()];
  let prev: FloatHistogramChunk | undefined;
  for (const { t, h } of samples) {
    const cur = chunks[chunks.length - 1]!;
    const next = cur.appendFloatHistogram(t, h, cur.numSamples() === 0 ? prev : undefined);
    if (next === undefined) continue;
    if (next.numSamples() > 1) chunks[chunks.length - 1] = next;
    else {
      prev = cur;
      chunks.push(next);
    }
  }
  return chunks;
}

function readAll(chunks: Chunk[]): { t: number; h: string; hint: number }[] {
  const out: { t: number; h: string; hint: number }[] = [];
  for (const c of chunks) {
    const it = c.iterator();
    while (it.next() === ValueType.FloatHistogram) {
      const h = it.atFloatHistogram();
      out.push({ t: it.atT(), h: canonical(h, false), hint: h.counterResetHint });
    }
    expect(it.err()).toBeUndefined();
  }
  return out;
}

const countArb = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1e300, noNaN: true }));

describe('FloatHistogramChunk', () => {
  it('round-trips one sample of any layout and any float values (property)', () => {
    fc.assert(
      fc.property(
        layoutArb,
        fc.array(fc.double(), { minLength: 64, maxLength: 64 }),
        fc.double(),
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        (l, vals, sum, t) => {
          const np = l.positiveSpans.reduce((a, s) => a + s.length, 0);
          const nn = l.negativeSpans.reduce((a, s) => a + s.length, 0);
          const h = fh(l, vals[63]!, sum, vals.slice(0, np), vals.slice(np, np + nn));
          h.count = vals[62]!;
          const chunk = new FloatHistogramChunk();
          chunk.appendFloatHistogram(t, h);
          const it = FloatHistogramChunk.fromBytes(chunk.bytes().slice()).iterator();
          expect(it.next()).toBe(ValueType.FloatHistogram);
          expect(it.atT()).toBe(t);
          const got = it.atFloatHistogram();
          expect(got.positiveBuckets.map(float64Bits)).toEqual(h.positiveBuckets.map(float64Bits));
          expect(got.negativeBuckets.map(float64Bits)).toEqual(h.negativeBuckets.map(float64Bits));
          expect(float64Bits(got.count)).toBe(float64Bits(h.count));
          expect(float64Bits(got.zeroCount)).toBe(float64Bits(h.zeroCount));
          expect(float64Bits(got.sum)).toBe(float64Bits(h.sum));
          expect(got.positiveSpans).toEqual(h.positiveSpans);
          if (l.schema === CustomBucketsSchema) {
            expect(got.customValues?.map(float64Bits)).toEqual(l.customValues!.map(float64Bits));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips arbitrary counter series, recoding and cutting as needed (property)', () => {
    fc.assert(
      fc.property(
        layoutArb,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100000 }), fc.double(), fc.nat(5), countArb), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: -1e12, max: 1e13 }),
        (layout, steps, t0) => {
          const samples: { t: number; h: FloatHistogram }[] = [];
          let t = t0;
          const np = layout.positiveSpans.reduce((a, s) => a + s.length, 0);
          const nn = layout.negativeSpans.reduce((a, s) => a + s.length, 0);
          let p = new Array<number>(np).fill(0);
          let n = new Array<number>(nn).fill(0);
          let z = 0;
          let cur = layout;
          for (const [dt, sum, kind, inc] of steps) {
            t += dt;
            if (kind === 0) {
              p = p.map(() => 0);
              n = n.map(() => 0);
              z = 0;
            } else if (kind === 1 && cur.schema !== CustomBucketsSchema) {
              // A new bucket two below the lowest negative one (a forward insert at position 0).
              const [first, ...rest] = cur.negativeSpans;
              const negativeSpans =
                first === undefined
                  ? [{ offset: 0, length: 1 }]
                  : [{ offset: first.offset - 2, length: 1 }, { offset: 1, length: first.length }, ...rest];
              cur = { ...cur, negativeSpans };
              n = [0.5, ...n];
            } else {
              p = p.map((v, i) => v + (i % 2 === 0 ? inc : 0.25));
              n = n.map((v) => v + inc / 2);
              z += kind / 4;
            }
            samples.push({ t, h: fh(cur, z, sum, p, n) });
          }
          const chunks = appendAll(samples);
          const got = readAll(chunks);
          expect(got.map((g) => g.t)).toEqual(samples.map((s) => s.t));
          expect(got.map((g) => g.h)).toEqual(samples.map((s) => canonical(s.h, false)));
          for (const c of chunks) {
            expect(readAll([FloatHistogramChunk.fromBytes(c.bytes().slice())])).toEqual(readAll([c]));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recodes when new buckets appear: the bytes of appending the expanded histograms', () => {
    const a: HistogramSeed = {
      schema: 1,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
    };
    const b: HistogramSeed = {
      schema: 1,
      zeroThreshold: 0,
      positiveSpans: [
        { offset: -2, length: 1 },
        { offset: 1, length: 3 },
      ],
      negativeSpans: [],
    };
    const c = new FloatHistogramChunk();
    expect(c.appendFloatHistogram(0, fh(a, 0, 1, [1, 2.5], []))).toBeUndefined();
    expect(c.appendFloatHistogram(10, fh(a, 0, 2, [2, 2.5], []))).toBeUndefined();
    const r = c.appendFloatHistogram(20, fh(b, 0, 3, [1, 3, 4, 5], []));
    expect(r?.numSamples()).toBe(3);
    const direct = new FloatHistogramChunk();
    direct.appendFloatHistogram(0, fh(b, 0, 1, [0, 1, 2.5, 0], []));
    direct.appendFloatHistogram(10, fh(b, 0, 2, [0, 2, 2.5, 0], []));
    direct.appendFloatHistogram(20, fh(b, 0, 3, [1, 3, 4, 5], []));
    expect(hex(r!.bytes())).toBe(hex(direct.bytes()));
    expect(readAll([r!]).map((g) => g.hint)).toEqual([
      CounterResetHint.Unknown,
      CounterResetHint.NotCounterReset,
      CounterResetHint.NotCounterReset,
    ]);
  });

  it.each([
    ['a bucket drops', fh(exp0, 1, 1, [1, 2, 2, 1], [2]), CounterResetHeader.CounterReset],
    ['the zero bucket drops', fh(exp0, 0.5, 1, [1, 2, 3, 1], [2]), CounterResetHeader.CounterReset],
    ['schema change', fh({ ...exp0, schema: 1 }, 1, 1, [1, 2, 3, 1], [2]), CounterResetHeader.UnknownCounterReset],
    [
      'custom bounds change',
      fh({ ...exp0, schema: -53, customValues: [1] }, 1, 1, [1, 2, 3, 1], [2]),
      CounterResetHeader.UnknownCounterReset,
    ],
  ])('cuts a new chunk on %s', (_name, h, header) => {
    const c = new FloatHistogramChunk();
    c.appendFloatHistogram(0, fh(exp0, 1, 1, [1, 2, 3, 1], [2]));
    const next = c.appendFloatHistogram(10, h);
    expect(next?.numSamples()).toBe(1);
    expect(next!.counterResetHeader()).toBe(header);
    expect(() => c.appendFloatHistogram(10, h, undefined, true)).toThrow(HistogramNotAppendableError);
  });

  it('cuts on changed custom bounds as a counter reset', () => {
    const nhcb = (cv: number[]): HistogramSeed => ({
      schema: CustomBucketsSchema,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
      customValues: cv,
    });
    const c = new FloatHistogramChunk();
    c.appendFloatHistogram(0, fh(nhcb([0.1, 1]), 0, 1, [1, 2], []));
    expect(c.appendFloatHistogram(10, fh(nhcb([0.1, 1]), 0, 1, [1, 3], []))).toBeUndefined();
    const next = c.appendFloatHistogram(20, fh(nhcb([0.1, 2]), 0, 1, [1, 3], []));
    expect(next?.counterResetHeader()).toBe(CounterResetHeader.CounterReset);
    expect(next?.layout().customValues).toEqual([0.1, 2]);
  });

  it('takes stale markers, gauges whose buckets come and go, and encodes as encoding 3', () => {
    const g = (s: HistogramSeed, p: number[]) => fh(s, 0, 1, p, [], CounterResetHint.Gauge);
    const a: HistogramSeed = {
      schema: 0,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
    };
    const b: HistogramSeed = {
      schema: 0,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 1, length: 2 }],
      negativeSpans: [],
    };
    let c = new FloatHistogramChunk();
    expect(c.encoding()).toBe(Encoding.FloatHistogram);
    c.appendFloatHistogram(0, g(a, [5, 3]));
    c = c.appendFloatHistogram(10, g(b, [1, 1.5])) ?? c;
    expect(c.numSamples()).toBe(2);
    expect(c.appendFloatHistogram(20, g(a, [0.5, 0]))).toBeUndefined();
    expect(c.appendFloatHistogram(30, { ...g(a, []), sum: StaleNaN, positiveSpans: [] })).toBeUndefined();
    const got = readAll([c]);
    expect(got.map((x) => x.h)).toEqual(
      [g(a, [5, 3]), g(b, [1, 1.5]), g(a, [0.5, 0])].map((h) => canonical(h, false)).concat(got[3]!.h),
    );
    const it = c.iterator();
    it.seek(30);
    expect(float64Bits(it.atFloatHistogram().sum)).toBe(0x7ff0000000000002n);
    expect(c.appendFloatHistogram(40, g(a, [1, 1]))?.numSamples()).toBe(1); // Not after a stale marker.
  });

  it('reports truncated and corrupt bytes', () => {
    const c = new FloatHistogramChunk();
    c.appendFloatHistogram(0, fh(exp0, 1, 1, [1, 2, 3, 1], [2]));
    c.appendFloatHistogram(15000, fh(exp0, 2, 3, [1, 2, 3, 9.5], [2]));
    const b = c.bytes().slice();
    for (let n = 0; n < b.length - 1; n++) {
      expect(() => FloatHistogramChunk.fromBytes(b.subarray(0, n))).toThrow(ChunkEncodingError);
    }
    expect(() => FloatHistogramChunk.fromBytes(Uint8Array.of(...b, 0, 0))).toThrow(/trailing bytes/);
  });

  it('continues a chunk from its bytes as Prometheus does', () => {
    const hs = [0, 1, 2, 3].map((i) => fh(exp0, i, i * 1.5, [1 + i, 2, 3 + i / 3, 1], [2 + i]));
    const one = new FloatHistogramChunk();
    for (let i = 0; i < hs.length; i++) one.appendFloatHistogram(i * 15000, hs[i]!);
    const split = new FloatHistogramChunk();
    split.appendFloatHistogram(0, hs[0]!);
    split.appendFloatHistogram(15000, hs[1]!);
    const cont = FloatHistogramChunk.fromBytes(split.bytes().slice());
    const app = cont.appender();
    app.appendFloatHistogram(30000, hs[2]!);
    app.appendFloatHistogram(45000, hs[3]!);
    expect(hex(cont.bytes())).toBe(hex(one.bytes()));
  });
});
