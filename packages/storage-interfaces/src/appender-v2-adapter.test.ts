import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppenderV2, AppendV2Options, SeriesRef } from './appender.js';
import { appendableFromV2, appenderFromV2 } from './appender-v2-adapter.js';
import { AppendPartialError, OutOfOrderExemplarError, OutOfOrderSTError } from './errors.js';
import { CounterResetHint, type FloatHistogram, type Histogram } from './histogram.js';
import type { Exemplar, Metadata } from './metadata.js';
import { MemStorage } from './testing/mem-storage.js';

interface Call {
  ref: SeriesRef;
  labels: string;
  st: number;
  t: number;
  v: number;
  h: Histogram | undefined;
  fh: FloatHistogram | undefined;
  opts: AppendV2Options | undefined;
}

/** Records every call and hands out refs per label set, like a storage would. */
class RecordingV2 implements AppenderV2 {
  calls: Call[] = [];
  refs = new Map<string, number>();
  committed = 0;
  rolledBack = 0;
  append(
    ref: SeriesRef,
    labels: Labels,
    st: number,
    t: number,
    v: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    opts?: AppendV2Options,
  ): SeriesRef {
    this.calls.push({ ref, labels: labels.toString(), st, t, v, h, fh, opts });
    const key = labels.toString();
    if (!this.refs.has(key)) this.refs.set(key, this.refs.size + 1);
    return this.refs.get(key)!;
  }
  async commit() {
    this.committed++;
  }
  async rollback() {
    this.rolledBack++;
  }
}

const l1 = Labels.fromStrings('__name__', 'up', 'job', 'a');
const l2 = Labels.fromStrings('__name__', 'up', 'job', 'b');
const ex = (value: number): Exemplar => ({
  labels: Labels.fromStrings('trace_id', `t${value}`),
  value,
  ts: 5,
  hasTs: true,
});
const md: Metadata = { type: 'gauge', unit: '', help: 'Up.' };
const hist: Histogram = {
  counterResetHint: CounterResetHint.Unknown,
  schema: 0,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 1,
  sum: 1,
  positiveSpans: [{ offset: 0, length: 1 }],
  negativeSpans: [],
  positiveBuckets: [1],
  negativeBuckets: [],
};

describe('appenderFromV2', () => {
  it('maps append and appendHistogram onto v2.append', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    expect(app.append(0, l1, 10, 1.5)).toBe(1);
    expect(app.appendHistogram(1, l1, 20, hist, undefined)).toBe(1);
    expect(v2.calls).toEqual([
      { ref: 0, labels: l1.toString(), st: 0, t: 10, v: 1.5, h: undefined, fh: undefined, opts: {} },
      { ref: 1, labels: l1.toString(), st: 0, t: 20, v: 0, h: hist, fh: undefined, opts: {} },
    ]);
  });

  it('re-appends the last sample of the series with the exemplar or metadata', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    const ref = app.append(0, l1, 10, 1.5);
    app.appendHistogram(0, l2, 11, hist, undefined);
    expect(app.appendExemplar(ref, l1, ex(1))).toBe(ref);
    expect(app.updateMetadata(0, l2, md)).toBe(2);
    expect(v2.calls.slice(2)).toEqual([
      { ref, labels: l1.toString(), st: 0, t: 10, v: 1.5, h: undefined, fh: undefined, opts: { exemplars: [ex(1)] } },
      { ref: 2, labels: l2.toString(), st: 0, t: 11, v: 0, h: hist, fh: undefined, opts: { metadata: md } },
    ]);
  });

  it('keeps exemplars and metadata of a series without a sample pending until its next append', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    expect(app.appendExemplar(7, l1, ex(1))).toBe(7);
    app.appendExemplar(7, l1, ex(2));
    app.updateMetadata(0, l2, md);
    expect(v2.calls).toEqual([]);
    app.append(7, l1, 10, 1);
    app.append(0, l2, 10, 2);
    app.append(1, l1, 20, 3);
    expect(v2.calls.map((c) => c.opts)).toEqual([{ exemplars: [ex(1), ex(2)] }, { metadata: md }, {}]);
  });

  it('appends a zero sample at the start timestamp, and only before the sample', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    app.appendSTZeroSample(0, l1, 100, 40);
    expect(v2.calls[0]).toMatchObject({ ref: 0, st: 0, t: 40, v: 0, h: undefined, fh: undefined });
    expect(() => app.appendSTZeroSample(0, l1, 100, 100)).toThrow(OutOfOrderSTError);
  });

  it('appends a zero histogram of the same layout at the start timestamp, integer or float', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    const nhcb: FloatHistogram = { ...hist, schema: -53, customValues: [1, 2], positiveBuckets: [3] };
    app.appendHistogramSTZeroSample(0, l1, 100, 40, { ...hist, schema: 3, zeroThreshold: 0.5 }, undefined);
    app.appendHistogramSTZeroSample(0, l2, 100, 50, undefined, nhcb);
    const empty = { zeroCount: 0, count: 0, sum: 0, positiveSpans: [], negativeSpans: [] };
    const buckets = { positiveBuckets: [], negativeBuckets: [] };
    expect(v2.calls.map((c) => [c.t, c.v, c.h, c.fh])).toEqual([
      [
        40,
        0,
        { counterResetHint: CounterResetHint.CounterReset, schema: 3, zeroThreshold: 0.5, ...empty, ...buckets },
        undefined,
      ],
      [
        50,
        0,
        undefined,
        {
          counterResetHint: CounterResetHint.CounterReset,
          schema: -53,
          zeroThreshold: 0,
          customValues: [1, 2],
          ...empty,
          ...buckets,
        },
      ],
    ]);
    expect(() => app.appendHistogramSTZeroSample(0, l1, 100, 100, hist, undefined)).toThrow(OutOfOrderSTError);
  });

  it('passes discardOutOfOrder on as rejectOutOfOrder', () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    app.setOptions({ discardOutOfOrder: true });
    app.append(0, l1, 1, 1);
    app.appendExemplar(1, l1, ex(1));
    app.setOptions(undefined);
    app.append(0, l1, 2, 1);
    expect(v2.calls.map((c) => c.opts)).toEqual([
      { rejectOutOfOrder: true },
      { rejectOutOfOrder: true, exemplars: [ex(1)] },
      {},
    ]);
  });

  it('forgets samples at commit and rollback', async () => {
    const v2 = new RecordingV2();
    const app = appenderFromV2(v2);
    app.append(0, l1, 1, 1);
    await app.commit();
    app.appendExemplar(1, l1, ex(1));
    expect(v2.calls).toHaveLength(1);
    await app.rollback();
    app.append(1, l1, 2, 1);
    expect(v2.calls[1]?.opts).toEqual({});
    expect([v2.committed, v2.rolledBack]).toEqual([1, 1]);
  });

  it('keeps exemplars and metadata in a real storage without duplicating samples', async () => {
    const storage = new MemStorage();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(l1, l2), fc.constantFrom('sample', 'exemplar', 'metadata')), {
          maxLength: 30,
        }),
        async (ops) => {
          storage.series.clear();
          storage.byRef.clear();
          const app = appenderFromV2(storage.appenderV2());
          let t = 0;
          const wantSamples = new Map<string, number>();
          const wantExemplars = new Map<string, number>();
          const wantMeta = new Set<string>();
          const refs = new Map<Labels, number>();
          for (const [l, op] of ops) {
            const ref = refs.get(l) ?? 0;
            if (op === 'sample') {
              refs.set(l, app.append(ref, l, ++t, t));
              wantSamples.set(l.key(), (wantSamples.get(l.key()) ?? 0) + 1);
            } else if (op === 'exemplar') {
              app.appendExemplar(ref, l, ex(t));
              wantExemplars.set(l.key(), (wantExemplars.get(l.key()) ?? 0) + 1);
            } else {
              app.updateMetadata(ref, l, md);
              wantMeta.add(l.key());
            }
          }
          await app.commit();
          for (const l of [l1, l2]) {
            const s = storage.series.get(l.key());
            const nSamples = wantSamples.get(l.key()) ?? 0;
            expect(s?.samples.length ?? 0).toBe(nSamples);
            // Exemplars and metadata survive when the series got a sample in the appender.
            if (nSamples > 0) {
              expect(s?.exemplars.length).toBe(wantExemplars.get(l.key()) ?? 0);
              expect(s?.metadata).toEqual(wantMeta.has(l.key()) ? md : undefined);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('throws the typed exemplar error of a re-append', () => {
    const storage = new MemStorage();
    storage.faults.exemplar = new OutOfOrderExemplarError();
    const app = appenderFromV2(storage.appenderV2());
    const ref = app.append(0, l1, 1, 1);
    expect(() => app.appendExemplar(ref, l1, ex(1))).toThrow(OutOfOrderExemplarError);
  });

  it('throws an AppendPartialError when pending exemplars fail, keeping the sample', async () => {
    const storage = new MemStorage();
    storage.faults.exemplar = new OutOfOrderExemplarError();
    const app = appenderFromV2(storage.appenderV2());
    app.appendExemplar(0, l1, ex(1));
    let caught: unknown;
    try {
      app.append(0, l1, 1, 1);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppendPartialError);
    expect((caught as AppendPartialError).ref).toBe(1);
    expect((caught as AppendPartialError).errors[0]).toBeInstanceOf(OutOfOrderExemplarError);
    await app.commit();
    expect(storage.series.get(l1.key())?.samples).toEqual([{ t: 1, v: 1 }]);
  });

  it('appendableFromV2 hands out adapters', async () => {
    const storage = new MemStorage();
    const app = appendableFromV2(storage).appender();
    app.append(0, l1, 1, 2);
    await app.commit();
    expect(storage.series.get(l1.key())?.samples).toEqual([{ t: 1, v: 2 }]);
  });
});
