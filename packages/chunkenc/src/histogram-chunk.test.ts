import type { Chunk, Histogram } from '@tsprom/storage-interfaces';
import { CounterResetHint, CustomBucketsSchema, Encoding, StaleNaN, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkEncodingError, HistogramNotAppendableError } from './errors.js';
import { float64Bits } from './float-bits.js';
import { HistogramChunk } from './histogram-chunk.js';
import { HistogramIterator } from './histogram-iterator.js';
import { CounterResetHeader } from './histogram-layout.js';
import { canonical, countsArb, type HistogramSeed, intHistogram, layoutArb } from './testing/histogram-gen.js';
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

// Appends through the chunk API as the head would, collecting the chunks (a recoded chunk replaces
// the current one, a new chunk completes it).
function appendAll(samples: { t: number; h: Histogram }[]): HistogramChunk[] {
  const chunks: HistogramChunk[] = [new HistogramChunk()];
  let prev: HistogramChunk | undefined;
  for (const { t, h } of samples) {
    const cur = chunks[chunks.length - 1]!;
    const next = cur.appendHistogram(t, h, cur.numSamples() === 0 ? prev : undefined);
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
    while (it.next() === ValueType.Histogram) {
      const h = it.atHistogram();
      out.push({ t: it.atT(), h: canonical(h, true), hint: h.counterResetHint });
      const fh = it.atFloatHistogram();
      expect(canonical(fh, false)).toBe(canonical(h, true));
    }
    expect(it.err()).toBeUndefined();
  }
  return out;
}

describe('HistogramChunk', () => {
  it('encodes one histogram as Prometheus does', () => {
    const c = new HistogramChunk();
    expect(c.appendHistogram(1000, intHistogram(exp0, 1, 12.5, [1, 2, 3, 1], [2]))).toBeUndefined();
    expect(c.encoding()).toBe(Encoding.Histogram);
    expect(c.numSamples()).toBe(1);
    const it = c.iterator();
    expect(it.next()).toBe(ValueType.Histogram);
    const h = it.atHistogram();
    expect(it.atT()).toBe(1000);
    expect(h).toMatchObject({ schema: 0, zeroThreshold: 2 ** -128, zeroCount: 1, count: 10, sum: 12.5 });
    expect(h.positiveBuckets).toEqual([1, 1, 1, -2]);
    expect(h.negativeBuckets).toEqual([2]);
    expect(h.counterResetHint).toBe(CounterResetHint.Unknown);
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBeUndefined();
    // Header: count 1, flags 0; zero threshold 2^-128 = byte 116 (exp -127 + 243).
    expect(hex(c.bytes().subarray(0, 4))).toBe('00010074');
  });

  it('round-trips arbitrary counter histogram series, recoding and cutting as needed', () => {
    fc.assert(
      fc.property(
        layoutArb,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100000 }), fc.double(), fc.nat(5)), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: -1e12, max: 1e13 }),
        (layout, steps, t0) => {
          const samples: { t: number; h: Histogram }[] = [];
          let t = t0;
          const p = layout.positiveSpans.length > 0 ? [] : [];
          void p;
          // Counts grow (mostly), the layout grows buckets now and then, sometimes resets.
          const np = layout.positiveSpans.reduce((a, s) => a + s.length, 0);
          const nn = layout.negativeSpans.reduce((a, s) => a + s.length, 0);
          let pAbs = new Array<number>(np).fill(0);
          let nAbs = new Array<number>(nn).fill(0);
          let z = 0;
          let cur = layout;
          for (const [dt, sum, kind] of steps) {
            t += dt;
            if (kind === 0) {
              pAbs = pAbs.map(() => 0); // Counter reset.
              nAbs = nAbs.map(() => 0);
              z = 0;
            } else if (kind === 1 && cur.schema !== CustomBucketsSchema) {
              // A new bucket after the last positive one.
              cur = { ...cur, positiveSpans: [...cur.positiveSpans, { offset: 1, length: 1 }] };
              pAbs = [...pAbs, 3];
            } else {
              pAbs = pAbs.map((v, i) => v + ((i * 7 + kind) % 4));
              nAbs = nAbs.map((v, i) => v + ((i + kind) % 3));
              z += kind;
            }
            samples.push({ t, h: intHistogram(cur, z, sum, pAbs, nAbs) });
          }
          const chunks = appendAll(samples);
          const got = readAll(chunks);
          expect(got.map((g) => g.t)).toEqual(samples.map((s) => s.t));
          expect(got.map((g) => g.h)).toEqual(samples.map((s) => canonical(s.h, true)));
          // Bytes decode and continue: fromBytes + appender gives what one appender wrote.
          for (const c of chunks) {
            const again = HistogramChunk.fromBytes(c.bytes().slice());
            expect(readAll([again])).toEqual(readAll([c]));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips one sample of any layout and counts (property)', () => {
    fc.assert(
      fc.property(
        layoutArb.chain((l) => countsArb(l).map((c) => ({ l, c }))),
        fc.double(),
        fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
        ({ l, c }, sum, t) => {
          const h = intHistogram(l, c.z, sum, c.p, c.n);
          const chunk = new HistogramChunk();
          chunk.appendHistogram(t, h);
          const it = HistogramChunk.fromBytes(chunk.bytes().slice()).iterator();
          expect(it.next()).toBe(ValueType.Histogram);
          expect(it.atT()).toBe(t);
          const got = it.atHistogram();
          expect(canonical(got, true)).toBe(canonical(h, true));
          expect(got.positiveSpans).toEqual(h.positiveSpans);
          expect(got.negativeSpans).toEqual(h.negativeSpans);
          if (l.schema === CustomBucketsSchema)
            expect(got.customValues?.map(float64Bits)).toEqual(l.customValues!.map(float64Bits));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('recodes when new buckets appear and keeps every sample', () => {
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
    const c = new HistogramChunk();
    expect(c.appendHistogram(0, intHistogram(a, 0, 1, [1, 2], []))).toBeUndefined();
    expect(c.appendHistogram(10, intHistogram(a, 0, 2, [2, 2], []))).toBeUndefined();
    const r = c.appendHistogram(20, intHistogram(b, 0, 3, [1, 3, 4, 5], []));
    expect(r).toBeDefined();
    expect(r!.numSamples()).toBe(3);
    expect(r!.layout().positiveSpans).toEqual(b.positiveSpans);
    const got = readAll([r!]);
    expect(got.map((g) => g.h)).toEqual([
      canonical(intHistogram(a, 0, 1, [1, 2], []), true),
      canonical(intHistogram(a, 0, 2, [2, 2], []), true),
      canonical(intHistogram(b, 0, 3, [1, 3, 4, 5], []), true),
    ]);
    // The recoded chunk's bytes are what appending the expanded histograms from scratch gives.
    const direct = new HistogramChunk();
    direct.appendHistogram(0, intHistogram(b, 0, 1, [0, 1, 2, 0], []));
    direct.appendHistogram(10, intHistogram(b, 0, 2, [0, 2, 2, 0], []));
    direct.appendHistogram(20, intHistogram(b, 0, 3, [1, 3, 4, 5], []));
    expect(hex(r!.bytes())).toBe(hex(direct.bytes()));
    expect(got.map((g) => g.hint)).toEqual([
      CounterResetHint.Unknown,
      CounterResetHint.NotCounterReset,
      CounterResetHint.NotCounterReset,
    ]);
  });

  it('fills in empty buckets a new histogram lacks (backward inserts) without a new chunk', () => {
    const a: HistogramSeed = {
      schema: 0,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 0, length: 3 }],
      negativeSpans: [],
    };
    const b: HistogramSeed = {
      schema: 0,
      zeroThreshold: 0,
      positiveSpans: [
        { offset: 0, length: 1 },
        { offset: 1, length: 1 },
      ],
      negativeSpans: [],
    };
    const c = new HistogramChunk();
    c.appendHistogram(0, intHistogram(a, 0, 1, [1, 0, 2], []));
    const h = intHistogram(b, 0, 1, [1, 2], []);
    const before = JSON.stringify(h);
    expect(c.appendHistogram(10, h)).toBeUndefined();
    expect(JSON.stringify(h)).toBe(before); // The caller's histogram is not changed.
    expect(readAll([c]).map((g) => g.h)[1]).toBe(canonical(h, true));
  });

  it.each([
    ['counter reset (count drops)', intHistogram(exp0, 0, 1, [1, 1, 1, 1], [0]), CounterResetHeader.CounterReset],
    [
      'a populated bucket vanishes',
      intHistogram({ ...exp0, positiveSpans: [{ offset: 0, length: 3 }] }, 9, 1, [5, 5, 5], [5]),
      CounterResetHeader.CounterReset,
    ],
    [
      'schema change',
      intHistogram({ ...exp0, schema: 1 }, 1, 1, [1, 2, 3, 1], [2]),
      CounterResetHeader.UnknownCounterReset,
    ],
    [
      'zero threshold change',
      intHistogram({ ...exp0, zeroThreshold: 1 }, 1, 1, [1, 2, 3, 1], [2]),
      CounterResetHeader.UnknownCounterReset,
    ],
    [
      'explicit counter reset hint',
      intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2], CounterResetHint.CounterReset),
      CounterResetHeader.CounterReset,
    ],
  ])('cuts a new chunk on %s', (_name, h, header) => {
    const c = new HistogramChunk();
    c.appendHistogram(0, intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]));
    const next = c.appendHistogram(10, h);
    expect(next).toBeDefined();
    expect(next!.numSamples()).toBe(1);
    expect(next!.counterResetHeader()).toBe(header);
    expect(c.numSamples()).toBe(1);
    expect(() => c.appendHistogram(10, h, undefined, true)).toThrow(HistogramNotAppendableError);
  });

  it('takes stale markers, and after one only stale markers', () => {
    const c = new HistogramChunk();
    c.appendHistogram(0, intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]));
    expect(
      c.appendHistogram(10, { ...intHistogram(exp0, 0, StaleNaN, [], []), positiveSpans: [], negativeSpans: [] }),
    ).toBeUndefined();
    expect(
      c.appendHistogram(20, { ...intHistogram(exp0, 0, StaleNaN, [], []), positiveSpans: [], negativeSpans: [] }),
    ).toBeUndefined();
    const next = c.appendHistogram(30, intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]));
    expect(next?.numSamples()).toBe(1);
    const it = c.iterator();
    it.next();
    expect(it.next()).toBe(ValueType.Histogram);
    expect(float64Bits(it.atHistogram().sum)).toBe(0x7ff0000000000002n);
    expect(it.atHistogram().positiveBuckets).toEqual([]);
    expect(it.next()).toBe(ValueType.Histogram);
    expect(it.next()).toBe(ValueType.None);
  });

  it('keeps gauge histograms in one chunk while buckets come and go', () => {
    const g = (s: HistogramSeed, p: number[], n: number[]) => intHistogram(s, 0, 1, p, n, CounterResetHint.Gauge);
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
    let c = new HistogramChunk();
    c.appendHistogram(0, g(a, [5, 3], []));
    expect(c.counterResetHeader()).toBe(CounterResetHeader.GaugeType);
    const r = c.appendHistogram(10, g(b, [1, 1], []));
    expect(r?.numSamples()).toBe(2); // Recoded to [0, 3).
    c = r!;
    expect(c.layout().positiveSpans).toEqual([{ offset: 0, length: 3 }]);
    expect(c.appendHistogram(20, g(a, [1, 0], []))).toBeUndefined(); // Fewer buckets, counts drop: fine.
    const got = readAll([c]);
    expect(got.map((x) => x.hint)).toEqual([CounterResetHint.Gauge, CounterResetHint.Gauge, CounterResetHint.Gauge]);
    expect(got.map((x) => x.h)).toEqual([
      canonical(g(a, [5, 3], []), true),
      canonical(g(b, [1, 1], []), true),
      canonical(g(a, [1, 0], []), true),
    ]);
    // A counter histogram after gauges: a new chunk, a counter reset.
    const n = c.appendHistogram(30, intHistogram(a, 0, 1, [5, 3], []));
    expect(n?.counterResetHeader()).toBe(CounterResetHeader.CounterReset);
  });

  it('derives the first sample header from the previous chunk', () => {
    const prev = new HistogramChunk();
    prev.appendHistogram(0, intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]));
    const c = new HistogramChunk();
    c.appendHistogram(10, intHistogram(exp0, 2, 1, [1, 2, 3, 1], [2]), prev);
    expect(c.counterResetHeader()).toBe(CounterResetHeader.NotCounterReset);
    const d = new HistogramChunk();
    d.appendHistogram(10, intHistogram(exp0, 0, 1, [0, 0, 0, 0], [0]), prev);
    expect(d.counterResetHeader()).toBe(CounterResetHeader.CounterReset);
  });

  it.each([
    ['buckets that disagree with the spans', 0, { positiveBuckets: [1, 2] }, /spans describe 4 positive/],
    ['a fractional count', 0, { count: 1.5 }, /count 1.5/],
    ['a negative zero count', 0, { zeroCount: -1 }, /zero count -1/],
    ['a fractional bucket delta', 0, { positiveBuckets: [1, 0.5, 1, 1] }, /positive bucket 1 delta 0.5/],
    ['a fractional timestamp', 0.5, {}, /timestamp 0.5/],
  ])('rejects %s with a RangeError', (_name, t, change, msg) => {
    const c = new HistogramChunk();
    expect(() => c.appendHistogram(t, { ...intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]), ...change })).toThrow(msg);
    expect(c.numSamples()).toBe(0);
  });

  it('reports truncated and corrupt bytes', () => {
    const c = new HistogramChunk();
    c.appendHistogram(0, intHistogram(exp0, 1, 1, [1, 2, 3, 1], [2]));
    c.appendHistogram(15000, intHistogram(exp0, 2, 3, [1, 2, 3, 9], [2]));
    const b = c.bytes().slice();
    for (let n = 0; n < b.length - 1; n++) {
      expect(() => HistogramChunk.fromBytes(b.subarray(0, n))).toThrow(ChunkEncodingError);
    }
    const it = new HistogramIterator(b.subarray(0, b.length - 3));
    while (it.next() !== ValueType.None) {}
    expect(it.err()).toBeInstanceOf(ChunkEncodingError);
    expect(() => HistogramChunk.fromBytes(Uint8Array.of(...b, 0, 0))).toThrow(/trailing bytes/);
  });

  it('continues a chunk from its bytes as Prometheus does', () => {
    const hs = [0, 1, 2, 3].map((i) => intHistogram(exp0, i, i * 1.5, [1 + i, 2, 3 + i, 1], [2 + i]));
    const one = new HistogramChunk();
    for (let i = 0; i < hs.length; i++) one.appendHistogram(i * 15000, hs[i]!);
    const split = new HistogramChunk();
    split.appendHistogram(0, hs[0]!);
    split.appendHistogram(15000, hs[1]!);
    const cont = HistogramChunk.fromBytes(split.bytes().slice());
    const app = cont.appender();
    app.appendHistogram(30000, hs[2]!);
    app.appendHistogram(45000, hs[3]!);
    expect(readAll([cont])).toEqual(readAll([one]));
    expect(hex(cont.bytes())).toBe(hex(one.bytes()));
  });
});
