import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Encoding } from './chunk.js';
import { CounterResetHint, type FloatHistogram } from './histogram.js';
import { ListChunkSeries, ListSeries } from './list-series.js';
import type { Sample } from './sample.js';
import { errorIterator, expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
import {
  chunkSeriesSetFromSeriesSet,
  chunkSeriesToSeries,
  encodingForValueType,
  SERIES_TO_CHUNK_ENCODER_SPLIT,
  seriesSetFromChunkSeriesSet,
  seriesToChunkEncoder,
} from './series-chunk-conversion.js';
import { seriesSetFromList } from './series-set.js';
import type { ChunkIterator, ChunkSeries } from './series.js';
import { ListChunk } from './testing/list-chunk.js';
import { ValueType } from './value-type.js';

const lset = Labels.fromStrings('__name__', 'm');
const floats = (from: number, n: number): Sample[] => Array.from({ length: n }, (_, i) => ({ t: from + i, v: i }));
const fh = (count: number): FloatHistogram => ({
  counterResetHint: CounterResetHint.Unknown,
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 0,
  count,
  sum: count,
  positiveSpans: [],
  negativeSpans: [],
  positiveBuckets: [],
  negativeBuckets: [],
});

function chunksOf(cs: ChunkSeries): { mint: number; maxt: number; enc: number; n: number }[] {
  const it = cs.chunkIterator();
  const out = [];
  while (it.next()) {
    const m = it.at();
    out.push({ mint: m.mint, maxt: m.maxt, enc: m.chunk.encoding(), n: m.chunk.numSamples() });
  }
  expect(it.err()).toBeUndefined();
  return out;
}

describe('seriesToChunkEncoder', () => {
  it('cuts a chunk every 120 samples and when the value type changes', () => {
    const samples: Sample[] = [...floats(0, 250), { t: 300, fh: fh(1) }, { t: 301, fh: fh(2) }, { t: 302, v: 1 }];
    const cs = seriesToChunkEncoder(new ListSeries(lset, samples), (enc) => new ListChunk(enc));
    expect(SERIES_TO_CHUNK_ENCODER_SPLIT).toBe(120);
    expect(chunksOf(cs)).toEqual([
      { mint: 0, maxt: 119, enc: Encoding.XOR, n: 120 },
      { mint: 120, maxt: 239, enc: Encoding.XOR, n: 120 },
      { mint: 240, maxt: 249, enc: Encoding.XOR, n: 10 },
      { mint: 300, maxt: 301, enc: Encoding.FloatHistogram, n: 2 },
      { mint: 302, maxt: 302, enc: Encoding.XOR, n: 1 },
    ]);
    expect(samplesFromIterator(chunkSeriesToSeries(cs).iterator())).toEqual(samples);
  });

  it('starts a new chunk when the histogram appender cuts one', () => {
    const samples: Sample[] = [1, 2, 3, 4, 5].map((t) => ({ t, fh: fh(t) }));
    const cs = seriesToChunkEncoder(new ListSeries(lset, samples), (enc) => new ListChunk(enc, 2));
    expect(chunksOf(cs)).toEqual([
      { mint: 1, maxt: 2, enc: Encoding.FloatHistogram, n: 2 },
      { mint: 3, maxt: 4, enc: Encoding.FloatHistogram, n: 2 },
      { mint: 5, maxt: 5, enc: Encoding.FloatHistogram, n: 1 },
    ]);
  });

  it('replaces the chunk when the histogram appender re-encodes it', () => {
    const samples: Sample[] = [1, 2, 3, 4, 5].map((t) => ({ t, fh: fh(t) }));
    const cs = seriesToChunkEncoder(new ListSeries(lset, samples), (enc) => new ListChunk(enc, 2, true));
    expect(chunksOf(cs)).toEqual([{ mint: 1, maxt: 5, enc: Encoding.FloatHistogram, n: 5 }]);
    expect(samplesFromIterator(chunkSeriesToSeries(cs).iterator())).toEqual(samples);
  });

  it('yields no chunk for an empty series and reports iterator errors', () => {
    expect(chunksOf(seriesToChunkEncoder(new ListSeries(lset, []), (enc) => new ListChunk(enc)))).toEqual([]);
    const failing = new ListSeries(lset, []);
    const err = new Error('read failed');
    failing.iterator = () => errorIterator(err);
    const it = seriesToChunkEncoder(failing, (enc) => new ListChunk(enc)).chunkIterator();
    expect(it.next()).toBe(false);
    expect(it.err()).toBe(err);
  });

  it('maps value types to encodings', () => {
    expect(encodingForValueType(ValueType.Float)).toBe(Encoding.XOR);
    expect(encodingForValueType(ValueType.Histogram)).toBe(Encoding.Histogram);
    expect(encodingForValueType(ValueType.FloatHistogram)).toBe(Encoding.FloatHistogram);
    expect(() => encodingForValueType(ValueType.None)).toThrow();
  });
});

describe('chunkSeriesToSeries', () => {
  it('chains overlapping chunks, the earlier chunk winning equal timestamps', () => {
    const a = ListChunk.of(Encoding.XOR, [
      { t: 1, v: 1 },
      { t: 3, v: 1 },
    ]);
    const b = ListChunk.of(Encoding.XOR, [
      { t: 2, v: 2 },
      { t: 3, v: 2 },
      { t: 4, v: 2 },
    ]);
    const cs = new ListChunkSeries(lset, [
      { ref: 0, mint: 1, maxt: 3, chunk: a },
      { ref: 0, mint: 2, maxt: 4, chunk: b },
    ]);
    expect(samplesFromIterator(chunkSeriesToSeries(cs).iterator())).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 2 },
      { t: 3, v: 1 },
      { t: 4, v: 2 },
    ]);
    expect(samplesFromIterator(chunkSeriesToSeries(new ListChunkSeries(lset, [])).iterator())).toEqual([]);
  });

  it('hands a chunk iterator error to the sample iterator', () => {
    const err = new Error('bad chunk ref');
    const broken: ChunkSeries = {
      labels: () => lset,
      chunkIterator: (): ChunkIterator => ({
        next: () => false,
        at: () => {
          throw new Error('unreachable');
        },
        err: () => err,
      }),
    };
    const it = chunkSeriesToSeries(broken).iterator();
    expect(it.next()).toBe(ValueType.None);
    expect(it.err()).toBe(err);
  });

  it('round-trips sets both ways', () => {
    const series = [
      new ListSeries(lset, floats(0, 130)),
      new ListSeries(Labels.fromStrings('__name__', 'n'), floats(5, 3)),
    ];
    const chunked = chunkSeriesSetFromSeriesSet(seriesSetFromList(series), (enc) => new ListChunk(enc));
    const back = expandSeriesSet(seriesSetFromChunkSeriesSet(chunked));
    expect(back.map((s) => s.labels().toString())).toEqual(series.map((s) => s.labels().toString()));
    expect(back.map((s) => samplesFromIterator(s.iterator()))).toEqual([floats(0, 130), floats(5, 3)]);
  });
});
