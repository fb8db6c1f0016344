// Native histogram samples in the head: the appenders' checks (Prometheus headAppender.AppendHistogram).
import { Labels } from '@tsprom/labels';
import type { Histogram } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';
import { InvalidHistogramError } from './histogram-validate.js';

const lat = Labels.fromStrings('__name__', 'lat');

function hist(count: number): Histogram {
  return {
    counterResetHint: 0,
    schema: 0,
    zeroThreshold: 0.001,
    zeroCount: 1,
    count,
    sum: 1.5 * count,
    positiveSpans: [{ offset: 0, length: 1 }],
    negativeSpans: [],
    positiveBuckets: [count - 1],
    negativeBuckets: [],
  };
}

describe('head appenders and histograms', () => {
  it('reject an invalid histogram before buffering it, naming what is wrong', async () => {
    const head = new Head();
    const app = head.appender();
    expect(() => app.appendHistogram(0, lat, 1000, { ...hist(5), count: 7 }, undefined)).toThrow(InvalidHistogramError);
    expect(() => app.appendHistogram(0, lat, 1000, { ...hist(5), positiveBuckets: [4, 1] }, undefined)).toThrow(
      /spans need 1 buckets, have 2 buckets/,
    );
    const v2 = head.appenderV2();
    expect(() => v2.append(0, lat, 0, 1000, 0, { ...hist(5), schema: 12 }, undefined)).toThrow(
      /invalid schema, which must be between -4 and 8: got 12/,
    );
    await app.commit();
    await v2.commit();
    expect(head.stats().numSamples).toBe(0);
  });
});
