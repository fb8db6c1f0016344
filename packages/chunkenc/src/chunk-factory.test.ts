import { Labels } from '@tsprom/labels';
import {
  CounterResetHint,
  chunkSeriesToSeries,
  Encoding,
  histogramToFloat,
  ListSeries,
  type Sample,
  seriesToChunkEncoder,
  ValueType,
} from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { chunkFromBytes, isSupportedEncoding, newChunk } from './chunk-factory.js';
import { ChunkEncodingError, encodingName, UnknownEncodingError } from './errors.js';
import { FloatHistogramChunk } from './float-histogram-chunk.js';
import { HistogramChunk } from './histogram-chunk.js';
import { XORChunk } from './xor-chunk.js';

describe('chunk factory', () => {
  it('makes XOR chunks', () => {
    const c = newChunk(Encoding.XOR);
    expect(c).toBeInstanceOf(XORChunk);
    c.appender().append(1, 2);
    const d = chunkFromBytes(Encoding.XOR, c.bytes().slice());
    const it = d.iterator();
    expect(it.next()).toBe(ValueType.Float);
    expect(it.at()).toEqual([1, 2]);
    expect(isSupportedEncoding(Encoding.XOR)).toBe(true);
  });

  it.each([0, 5, 6, 7, 255])('rejects encoding %d with a typed error naming the byte', (e) => {
    expect(isSupportedEncoding(e)).toBe(false);
    for (const f of [() => newChunk(e), () => chunkFromBytes(e, new Uint8Array(2))]) {
      try {
        f();
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(UnknownEncodingError);
        expect(err).toBeInstanceOf(ChunkEncodingError);
        expect((err as UnknownEncodingError).encoding).toBe(e);
        expect((err as Error).message).toContain(`${e}`);
      }
    }
  });

  it('makes histogram chunks', () => {
    const c = newChunk(Encoding.Histogram);
    expect(c).toBeInstanceOf(HistogramChunk);
    const h = {
      counterResetHint: CounterResetHint.Unknown,
      schema: 0,
      zeroThreshold: 0,
      zeroCount: 1,
      count: 3,
      sum: 4.5,
      positiveSpans: [{ offset: 0, length: 1 }],
      negativeSpans: [],
      positiveBuckets: [2],
      negativeBuckets: [],
    };
    expect(c.appender().appendHistogram?.(1000, h)).toBeUndefined();
    const d = chunkFromBytes(Encoding.Histogram, c.bytes().slice());
    expect(d.encoding()).toBe(Encoding.Histogram);
    const it = d.iterator();
    expect(it.next()).toBe(ValueType.Histogram);
    expect(it.atHistogram()).toMatchObject({ count: 3, zeroCount: 1, sum: 4.5, positiveBuckets: [2] });
    expect(isSupportedEncoding(Encoding.Histogram)).toBe(true);
    expect(() => chunkFromBytes(Encoding.Histogram, Uint8Array.of(0, 1, 0))).toThrow(ChunkEncodingError);
  });

  it('makes float histogram chunks', () => {
    const c = newChunk(Encoding.FloatHistogram);
    expect(c).toBeInstanceOf(FloatHistogramChunk);
    const h = {
      counterResetHint: CounterResetHint.Gauge,
      schema: -53,
      zeroThreshold: 0,
      zeroCount: 0,
      count: 3.5,
      sum: -4.5,
      positiveSpans: [{ offset: 0, length: 2 }],
      negativeSpans: [],
      positiveBuckets: [1, 2.5],
      negativeBuckets: [],
      customValues: [0.25],
    };
    expect(c.appender().appendFloatHistogram?.(1000, h)).toBeUndefined();
    const d = chunkFromBytes(Encoding.FloatHistogram, c.bytes().slice());
    expect(d.encoding()).toBe(Encoding.FloatHistogram);
    const it = d.iterator();
    expect(it.next()).toBe(ValueType.FloatHistogram);
    expect(it.atFloatHistogram()).toMatchObject({ ...h, counterResetHint: CounterResetHint.Gauge });
    expect(isSupportedEncoding(Encoding.FloatHistogram)).toBe(true);
  });

  it("lets storage-interfaces' seriesToChunkEncoder re-encode histogram series (recoding, cuts, float histograms)", () => {
    const h = (t: number, count: number, buckets: number[], offset: number) => ({
      t,
      h: {
        counterResetHint: CounterResetHint.Unknown,
        schema: 0,
        zeroThreshold: 0,
        zeroCount: 0,
        count,
        sum: t,
        positiveSpans: [{ offset, length: buckets.length }],
        negativeSpans: [],
        positiveBuckets: buckets,
        negativeBuckets: [],
      },
    });
    const samples: Sample[] = [
      h(1, 1, [1], 0),
      h(2, 3, [1, 1], 0), // A new bucket: the chunk is recoded.
      h(3, 1, [1], 0), // A counter reset: a new chunk.
      { t: 4, fh: histogramToFloat(h(4, 2, [2], 0).h) }, // Float histograms: another chunk.
    ];
    const cs = seriesToChunkEncoder(new ListSeries(Labels.fromStrings('__name__', 'h'), samples), newChunk);
    const it = cs.chunkIterator();
    const got: [number, number, number][] = [];
    while (it.next()) got.push([it.at().chunk.encoding(), it.at().mint, it.at().chunk.numSamples()]);
    expect(it.err()).toBeUndefined();
    expect(got).toEqual([
      [Encoding.Histogram, 1, 2],
      [Encoding.Histogram, 3, 1],
      [Encoding.FloatHistogram, 4, 1],
    ]);
    const back = chunkSeriesToSeries(cs).iterator();
    const counts: number[] = [];
    for (let vt = back.next(); vt !== ValueType.None; vt = back.next()) counts.push(back.atFloatHistogram().count);
    expect(back.err()).toBeUndefined();
    expect(counts).toEqual([1, 3, 1, 2]);
  });

  it('names encodings as Prometheus prints them', () => {
    expect(encodingName(Encoding.XOR)).toBe('XOR');
    expect(encodingName(Encoding.FloatHistogram)).toBe('floathistogram');
    expect(encodingName(99)).toBe('<unknown>');
  });

  it('propagates malformed-data errors', () => {
    expect(() => chunkFromBytes(Encoding.XOR, Uint8Array.of(0, 5, 1))).toThrow(ChunkEncodingError);
  });
});
