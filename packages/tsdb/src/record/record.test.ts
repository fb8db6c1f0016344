import { Labels } from '@tsprom/labels';
import type { FloatHistogram, Histogram } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDecodeError } from './errors.js';
import { RecordDecoder } from './record-decoder.js';
import { RecordEncoder } from './record-encoder.js';
import { RecordType } from './record-type.js';
import { newRefSamples, newSeriesRefs, type RefSample } from './ref-types.js';

const enc = new RecordEncoder();
const dec = new RecordDecoder();

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function f64Bits(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0).toString(16);
}

describe('record encoding matches Prometheus bytes', () => {
  it('series: type, BE64 ref, uvarint label count, uvarint strings', () => {
    const rec = enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b', '__name__', 'up') }]);
    // 01 | ref 1 | 2 labels | "__name__" "up" | "a" "b"
    expect(hex(rec)).toBe(
      `01${'0000000000000001'}02${'08'}${hex(Buffer.from('__name__'))}02${hex(Buffer.from('up'))}01610162`,
    );
  });

  it('samples: base ref and time as BE64, deltas as zig-zag varints, values as BE float64', () => {
    const rec = enc.samples([
      { ref: 2, t: 1000, v: 1.5 },
      { ref: 3, t: 1015, v: -2 },
      { ref: 1, t: 999, v: 0 },
    ]);
    expect(hex(rec)).toBe(
      '02' +
        '0000000000000002' +
        '00000000000003e8' +
        '0000' +
        '3ff8000000000000' +
        '021e' +
        'c000000000000000' +
        '0101' +
        '0000000000000000',
    );
  });

  it('samples: an empty list is the type byte alone', () => {
    expect(hex(enc.samples([]))).toBe('02');
    expect(dec.samples(enc.samples([]))).toEqual([]);
  });

  it('samples: negative base timestamps are two’s complement', () => {
    const rec = enc.samples([{ ref: 7, t: -1, v: 1 }]);
    expect(hex(rec.subarray(9, 17))).toBe('ffffffffffffffff');
    expect(dec.samples(rec)).toEqual([{ ref: 7, t: -1, v: 1 }]);
  });

  it('tombstones: one (BE64 ref, varint mint, varint maxt) per interval', () => {
    const rec = enc.tombstones([
      {
        ref: 5,
        intervals: [
          { mint: -1, maxt: 10 },
          { mint: 20, maxt: 30 },
        ],
      },
    ]);
    expect(hex(rec)).toBe(`03${'0000000000000005'}0114${'0000000000000005'}283c`);
    expect(dec.tombstones(rec)).toEqual([
      { ref: 5, intervals: [{ mint: -1, maxt: 10 }] },
      { ref: 5, intervals: [{ mint: 20, maxt: 30 }] },
    ]);
  });

  it('metadata: uvarint ref, type byte, field count 2, UNIT and HELP', () => {
    const rec = enc.metadata([{ ref: 300, type: 'counter', unit: 's', help: 'h' }]);
    expect(hex(rec)).toBe(`06ac02010204${hex(Buffer.from('UNIT'))}017304${hex(Buffer.from('HELP'))}0168`);
    expect(dec.metadata(rec)).toEqual([{ ref: 300, type: 'counter', unit: 's', help: 'h' }]);
  });

  it('metadata: unknown fields are skipped and unknown type bytes read as unknown', () => {
    const rec = Uint8Array.from([6, 1, 42, 1, 1, 0x58, 1, 0x59]);
    expect(dec.metadata(rec)).toEqual([{ ref: 1, type: 'unknown', unit: '', help: '' }]);
  });

  it('mmap markers: BE64 ref and BE64 chunk ref', () => {
    const rec = enc.mmapMarkers([{ ref: 1, mmapRef: 2 ** 32 + 8 }]);
    expect(hex(rec)).toBe(`05${'0000000000000001'}0000000100000008`);
    expect(dec.mmapMarkers(rec)).toEqual([{ ref: 1, mmapRef: 2 ** 32 + 8 }]);
  });

  it('exemplars: like samples, each followed by its labels', () => {
    const rec = enc.exemplars([{ ref: 4, t: 10, v: 1, labels: Labels.fromStrings('id', 'x') }]);
    expect(hex(rec)).toBe(
      `04${'0000000000000004'}${'000000000000000a'}0000${'3ff0000000000000'}0102${hex(Buffer.from('id'))}0178`,
    );
  });

  it('histograms: type 7 layout', () => {
    const h: Histogram = {
      counterResetHint: 0,
      schema: 1,
      zeroThreshold: 0.001,
      zeroCount: 2,
      count: 5,
      sum: 18.4,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
      positiveBuckets: [1, 2],
      negativeBuckets: [],
    };
    const [rec, ...rest] = enc.histogramSamples([{ ref: 1, t: 5, h }]);
    expect(rest).toEqual([]);
    expect(hex(rec!)).toBe(
      `07${'0000000000000001'}${'0000000000000005'}0000` +
        `00${'02'}${f64Bits(0.001).padStart(16, '0')}0205${f64Bits(18.4)}` +
        '01' +
        '0002' +
        '00' +
        '02' +
        '0204' +
        '00',
    );
    expect(dec.histogramSamples(rec!)).toEqual([{ ref: 1, t: 5, h }]);
  });

  it('histograms: custom buckets go to a type 9 record with their custom values', () => {
    const h: Histogram = {
      counterResetHint: 2,
      schema: -53,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 3,
      sum: 1,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
      positiveBuckets: [1, 1],
      negativeBuckets: [],
      customValues: [0.5, 1],
    };
    const e: Histogram = { ...h, schema: 0, customValues: undefined };
    delete e.customValues;
    const recs = enc.histogramSamples([
      { ref: 1, t: 1, h },
      { ref: 2, t: 1, h: e },
    ]);
    expect(recs.map((r) => r[0])).toEqual([RecordType.HistogramSamples, RecordType.CustomBucketsHistogramSamples]);
    expect(dec.histogramSamples(recs[1]!)).toEqual([{ ref: 1, t: 1, h }]);
    expect(dec.histogramSamples(recs[0]!)).toEqual([{ ref: 2, t: 1, h: e }]);
  });
});

describe('record decoding', () => {
  it('type() knows types 1..10 and nothing else', () => {
    for (let t = 0; t < 256; t++) {
      const want = t >= 1 && t <= 10 ? t : RecordType.Unknown;
      expect(dec.type(Uint8Array.of(t))).toBe(want);
    }
    expect(dec.type(new Uint8Array(0))).toBe(RecordType.Unknown);
  });

  it('rejects truncated records and records of another type', () => {
    const rec = enc.samples([{ ref: 1, t: 2, v: 3 }]);
    expect(() => dec.samples(rec.subarray(0, rec.length - 1))).toThrow(RecordDecodeError);
    expect(() => dec.samplesInto(rec.subarray(0, rec.length - 1), newRefSamples())).toThrow(RecordDecodeError);
    expect(() => dec.series(rec)).toThrow(RecordDecodeError);
    const series = enc.series([{ ref: 1, labels: Labels.fromStrings('a', 'b') }]);
    expect(() => dec.series(series.subarray(0, series.length - 1))).toThrow(RecordDecodeError);
    for (let cut = 2; cut < series.length; cut++) {
      expect(() => dec.seriesRefsInto(series.subarray(0, cut), newSeriesRefs())).toThrow(RecordDecodeError);
    }
    expect(dec.seriesRefsInto(series.subarray(0, 1), newSeriesRefs())).toBe(0); // An empty record.
    expect(() => dec.seriesRefsInto(rec, newSeriesRefs())).toThrow(RecordDecodeError);
  });

  it('samplesInto appends to columns and grows them', () => {
    const cols = newRefSamples(1);
    const rec = enc.samples([
      { ref: 1, t: 10, v: 1 },
      { ref: 2, t: 20, v: 2 },
    ]);
    expect(dec.samplesInto(rec, cols)).toBe(2);
    expect(dec.samplesInto(rec, cols)).toBe(2);
    expect(cols.length).toBe(4);
    expect(Array.from(cols.refs.subarray(0, 4))).toEqual([1, 2, 1, 2]);
    expect(Array.from(cols.ts.subarray(0, 4))).toEqual([10, 20, 10, 20]);
  });
});

const labelsArb = fc
  .uniqueArray(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
      fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
    ),
    {
      selector: (p) => p[0],
      maxLength: 8,
    },
  )
  .map((pairs) => Labels.fromStrings(...pairs.flat()));
const refArb = fc.integer({ min: 0, max: 2 ** 48 });
const tArb = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });

describe('round trips (property)', () => {
  it('series', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ref: refArb, labels: labelsArb }), { maxLength: 20 }), (series) => {
        const got = dec.series(enc.series(series));
        expect(got.length).toBe(series.length);
        got.forEach((s, i) => {
          expect(s.ref).toBe(series[i]!.ref);
          expect(s.labels.equals(series[i]!.labels)).toBe(true);
        });
      }),
    );
  });

  it('series: label strings come out right when the decoder has seen similar ones (its string cache)', () => {
    // Few letters: values repeat and distinct values of one length share cache slots.
    const small = fc.stringMatching(/^[ab\u00e9]{1,6}$/);
    const smallLabels = fc
      .uniqueArray(fc.tuple(small, small), { selector: (p) => p[0], minLength: 1, maxLength: 4 })
      .map((pairs) => Labels.fromStrings(...pairs.flat()));
    fc.assert(
      fc.property(fc.array(fc.record({ ref: refArb, labels: smallLabels }), { maxLength: 30 }), (series) => {
        const got = dec.series(enc.series(series));
        for (let i = 0; i < got.length; i++) expect(got[i]!.labels.toString()).toBe(series[i]!.labels.toString());
      }),
    );
    // 20k distinct values of equal length: more than the cache has slots, decoded twice.
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      ref: i + 1,
      labels: Labels.fromStrings('__name__', 'up', 'instance', `10.0.${i >> 8}.${i & 255}:9100`.padEnd(20, 'x')),
    }));
    const rec = enc.series(many);
    for (let round = 0; round < 2; round++) {
      const got = dec.series(rec);
      for (let i = 0; i < many.length; i++)
        expect(got[i]!.labels.get('instance')).toBe(many[i]!.labels.get('instance'));
    }
  });

  it('series refs and entry ends without labels: each entry re-encodes alone as the encoder would', () => {
    const into = newSeriesRefs(1);
    fc.assert(
      fc.property(fc.array(fc.record({ ref: refArb, labels: labelsArb }), { maxLength: 20 }), (series) => {
        const rec = enc.series(series);
        expect(dec.seriesRefsInto(rec, into)).toBe(series.length);
        expect(into.length).toBe(series.length);
        let start = 1;
        series.forEach((s, i) => {
          expect(into.refs[i]).toBe(s.ref);
          const one = Uint8Array.from([RecordType.Series, ...rec.subarray(start, into.ends[i]!)]);
          expect(hex(one)).toBe(hex(enc.series([s])));
          start = into.ends[i]!;
        });
        expect(start).toBe(rec.length);
      }),
    );
  });

  it('samples, as objects and as columns, bit-exact values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ref: refArb, t: tArb, v: fc.double() }), { maxLength: 100 }),
        (samples: RefSample[]) => {
          const rec = enc.samples(samples);
          const got = dec.samples(rec);
          const cols = newRefSamples(4);
          expect(dec.samplesInto(rec, cols)).toBe(samples.length);
          expect(enc.samplesColumnar(cols)).toEqual(rec);
          expect(got.length).toBe(samples.length);
          samples.forEach((s, i) => {
            expect(got[i]!.ref).toBe(s.ref);
            expect(got[i]!.t).toBe(s.t);
            expect(f64Bits(got[i]!.v)).toBe(f64Bits(s.v));
            expect(cols.refs[i]).toBe(s.ref);
            expect(cols.ts[i]).toBe(s.t);
            expect(f64Bits(cols.vs[i]!)).toBe(f64Bits(s.v));
          });
        },
      ),
    );
  });

  it('exemplars, metadata, tombstones, mmap markers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ref: refArb, t: tArb, v: fc.double({ noNaN: true }), labels: labelsArb }), {
          maxLength: 10,
        }),
        fc.array(
          fc.record({
            ref: refArb,
            type: fc.constantFrom(
              'counter',
              'gauge',
              'histogram',
              'gaugehistogram',
              'summary',
              'info',
              'stateset',
              'unknown',
            ),
            unit: fc.string(),
            help: fc.string({ unit: 'grapheme' }),
          }),
          { maxLength: 10 },
        ),
        fc.array(fc.record({ ref: refArb, mint: tArb, maxt: tArb }), { maxLength: 10 }),
        fc.array(fc.record({ ref: refArb, mmapRef: refArb }), { maxLength: 10 }),
        (exs, mds, stones, markers) => {
          const ge = dec.exemplars(enc.exemplars(exs));
          expect(ge.map((e) => ({ ...e, labels: e.labels.toString() }))).toEqual(
            exs.map((e) => ({ ...e, labels: e.labels.toString() })),
          );
          expect(dec.metadata(enc.metadata(mds as never))).toEqual(mds);
          const st = stones.map((s) => ({ ref: s.ref, intervals: [{ mint: s.mint, maxt: s.maxt }] }));
          expect(dec.tombstones(enc.tombstones(st))).toEqual(st);
          expect(dec.mmapMarkers(enc.mmapMarkers(markers))).toEqual(markers);
        },
      ),
    );
  });

  const spans = fc.array(
    fc.record({ offset: fc.integer({ min: -1000, max: 1000 }), length: fc.integer({ min: 0, max: 100 }) }),
    {
      maxLength: 4,
    },
  );
  it('integer and float histograms', () => {
    fc.assert(
      fc.property(
        fc.record({
          counterResetHint: fc.constantFrom(0, 1, 2, 3),
          schema: fc.constantFrom(-4, 0, 3, 8, -53),
          zeroThreshold: fc.double({ noNaN: true }),
          zeroCount: fc.nat(),
          count: fc.nat(),
          sum: fc.double({ noNaN: true }),
          positiveSpans: spans,
          negativeSpans: spans,
          positiveBuckets: fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { maxLength: 8 }),
          negativeBuckets: fc.array(fc.integer(), { maxLength: 8 }),
          customValues: fc.array(fc.double({ noNaN: true }), { maxLength: 5 }),
        }),
        tArb,
        (raw, t) => {
          const h = { ...raw } as Histogram;
          if (h.schema !== -53) delete h.customValues;
          const recs = enc.histogramSamples([{ ref: 9, t, h }]);
          expect(recs.length).toBe(1);
          expect(dec.histogramSamples(recs[0]!)).toEqual([{ ref: 9, t, h }]);
          const fh: FloatHistogram = {
            ...h,
            zeroCount: h.zeroCount + 0.5,
            positiveBuckets: h.positiveBuckets.map((b) => b / 3),
          };
          const frecs = enc.floatHistogramSamples([{ ref: 9, t, fh }]);
          expect(frecs[0]![0]).toBe(h.schema === -53 ? 10 : 8);
          expect(dec.floatHistogramSamples(frecs[0]!)).toEqual([{ ref: 9, t, fh }]);
        },
      ),
    );
  });
});
