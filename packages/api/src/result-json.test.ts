import { Labels } from '@tsprom/labels';
import { Series } from '@tsprom/promql';
import { CounterResetHint, type FloatHistogram } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramJSON, queryResultJSON } from './result-json.js';

const h: FloatHistogram = {
  counterResetHint: CounterResetHint.Unknown,
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 2,
  count: 7,
  sum: 10.5,
  positiveSpans: [{ offset: 0, length: 2 }],
  positiveBuckets: [1, 3],
  negativeSpans: [{ offset: 0, length: 1 }],
  negativeBuckets: [1],
};
const hJSON =
  '{"count":"7","sum":"10.5","buckets":[[1,"-1","-0.5","1"],[3,"-0.001","0.001","2"],[0,"0.5","1","1"],[0,"1","2","3"]]}';

describe('query results with native histograms', () => {
  it('encodes a histogram sample of a vector as Prometheus does', () => {
    const metric = Labels.fromStrings('__name__', 'h');
    const json = queryResultJSON({ type: 'vector', vector: [{ metric, t: 1500, f: 0, dropName: false, h }] });
    expect(json).toBe(`[{"metric":{"__name__":"h"},"histogram":[1.500,${hJSON}]}]`);
  });

  it('puts the floats of a matrix series in "values" and its histograms in "histograms"', () => {
    const s = new Series(Labels.fromStrings('a', 'b'));
    s.push(1000, 3);
    s.pushH(2000, h);
    const only = new Series(Labels.EMPTY);
    only.pushH(3000, { ...h, zeroCount: 0, count: 0, sum: 0, positiveBuckets: [0, 0], negativeBuckets: [0] });
    expect(queryResultJSON({ type: 'matrix', matrix: [s, only] })).toBe(
      `[{"metric":{"a":"b"},"values":[[1,"3"]],"histograms":[[2,${hJSON}]]},{"metric":{},"histograms":[[3,{"count":"0","sum":"0"}]]}]`,
    );
  });
});

describe('histograms written into the buffer', () => {
  const span = fc.record({ offset: fc.integer({ min: 0, max: 3 }), length: fc.integer({ min: 0, max: 4 }) });
  const side = fc.array(span, { maxLength: 3 }).chain((spans) => {
    const n = spans.reduce((a, s) => a + s.length, 0);
    return fc.tuple(
      fc.constant(spans),
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: n, maxLength: n }),
    );
  });
  const histogram = fc.tuple(side, side, fc.integer({ min: -4, max: 8 }), fc.double({ noNaN: true }), fc.nat(5)).map(
    ([[ps, pb], [ns, nb], schema, sum, zeroCount]): FloatHistogram => ({
      counterResetHint: CounterResetHint.Unknown,
      schema,
      zeroThreshold: 1e-128,
      zeroCount,
      count: zeroCount + pb.reduce((a, b) => a + b, 0) + nb.reduce((a, b) => a + b, 0),
      sum,
      positiveSpans: ps,
      positiveBuckets: pb,
      negativeSpans: ns,
      negativeBuckets: nb,
    }),
  );

  it('matches histogramJSON for any histogram', () => {
    fc.assert(
      fc.property(histogram, (hist) => {
        const json = queryResultJSON({
          type: 'vector',
          vector: [{ metric: Labels.EMPTY, t: 1000, f: 0, dropName: false, h: hist }],
        });
        expect(json).toBe(`[{"metric":{},"histogram":[1,${histogramJSON(hist)}]}]`);
      }),
    );
  });
});
