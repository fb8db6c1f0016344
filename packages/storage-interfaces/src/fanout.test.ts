import { Labels, Matcher, MatchType } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoding } from './chunk.js';
import { AppendPartialError, OutOfOrderExemplarError, OutOfOrderSampleError } from './errors.js';
import { FanoutStorage } from './fanout.js';
import type { Querier } from './querier.js';
import type { Sample } from './sample.js';
import { expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
import { chunkSeriesToSeries } from './series-chunk-conversion.js';
import { ListChunk } from './testing/list-chunk.js';
import { MemStorage } from './testing/mem-storage.js';

const up = (job: string) => Labels.fromStrings('__name__', 'up', 'job', job);
const all = new Matcher(MatchType.Regexp, '__name__', '.+');

async function read(q: Querier): Promise<{ series: [string, Sample[]][]; warnings: string[] }> {
  const set = await q.select(true, undefined, [all]);
  const series = expandSeriesSet(set).map((s): [string, Sample[]] => [
    s.labels().get('job'),
    samplesFromIterator(s.iterator()),
  ]);
  return { series, warnings: [...set.warnings()].map((w) => w.message) };
}

function setup() {
  const primary = new MemStorage('primary');
  const s1 = new MemStorage('s1');
  const s2 = new MemStorage('s2');
  const errors: string[] = [];
  const fanout = new FanoutStorage(primary, s1, s2).configure({
    onError: (e, ctx) => errors.push(`${ctx}: ${e.message}`),
  });
  return { primary, s1, s2, fanout, errors };
}

describe('FanoutStorage appenders', () => {
  it('appends reach every storage (Appender and AppenderV2)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.double({ noNaN: true }), fc.boolean()), { maxLength: 30 }),
        async (ops) => {
          const { primary, s1, s2, fanout } = setup();
          const app = fanout.appender();
          const v2 = fanout.appenderV2();
          const want = new Map<string, Sample[]>();
          ops.forEach(([job, v, viaV2], i) => {
            if (viaV2) v2.append(0, up(job), 0, i, v, undefined, undefined);
            else app.append(0, up(job), i, v);
            want.set(job, [...(want.get(job) ?? []), { t: i, v }]);
          });
          await app.commit();
          await v2.commit();
          for (const st of [primary, s1, s2]) {
            for (const [job, samples] of want) {
              expect(
                st.series
                  .get(up(job).key())
                  ?.samples.slice()
                  .sort((a, b) => a.t - b.t),
              ).toEqual(samples);
            }
            expect(st.series.size).toBe(want.size);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it("throws the primary's error before trying the secondaries", () => {
    const { primary, s1, fanout } = setup();
    primary.faults.append = new OutOfOrderSampleError(1, 2);
    expect(() => fanout.appender().append(0, up('a'), 1, 1)).toThrow(OutOfOrderSampleError);
    expect(s1.series.size).toBe(0);
  });

  it("throws a secondary's error, as Prometheus does", () => {
    const { s2, fanout } = setup();
    s2.faults.append = new Error('remote queue full');
    expect(() => fanout.appender().append(0, up('a'), 1, 1)).toThrow('remote queue full');
  });

  it('passes exemplars, metadata, histograms and start-timestamp samples to all', async () => {
    const { primary, s1, s2, fanout } = setup();
    const app = fanout.appender();
    app.appendSTZeroSample(0, up('a'), 10, 5);
    const ref = app.append(0, up('a'), 10, 1);
    app.appendExemplar(ref, up('a'), { labels: Labels.fromStrings('trace_id', 'x'), value: 1, ts: 10, hasTs: true });
    app.updateMetadata(ref, up('a'), { type: 'gauge', unit: '', help: 'h' });
    app.setOptions({ discardOutOfOrder: true });
    await app.commit();
    for (const st of [primary, s1, s2]) {
      const s = st.series.get(up('a').key());
      expect(s?.samples).toEqual([
        { t: 5, v: 0 },
        { t: 10, v: 1 },
      ]);
      expect(s?.exemplars).toHaveLength(1);
      expect(s?.metadata?.help).toBe('h');
    }
  });

  it('collects partial failures of all storages into one AppendPartialError', async () => {
    const { primary, s1, s2, fanout } = setup();
    s1.faults.exemplar = new OutOfOrderExemplarError();
    const v2 = fanout.appenderV2();
    let caught: unknown;
    try {
      v2.append(0, up('a'), 0, 1, 1, undefined, undefined, {
        exemplars: [{ labels: Labels.EMPTY, value: 1, ts: 1, hasTs: true }],
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppendPartialError);
    expect((caught as AppendPartialError).errors).toHaveLength(1);
    expect((caught as AppendPartialError).ref).toBe(primary.series.get(up('a').key())?.ref);
    await v2.commit();
    for (const st of [primary, s1, s2]) expect(st.series.get(up('a').key())?.samples).toHaveLength(1);
  });

  it('commits in order; after a failure the rest are rolled back and the failure thrown', async () => {
    const { primary, s1, s2, fanout, errors } = setup();
    s1.faults.commit = new Error('s1 commit failed');
    s2.faults.rollback = new Error('s2 rollback failed');
    const app = fanout.appender();
    app.append(0, up('a'), 1, 1);
    await expect(app.commit()).rejects.toThrow('s1 commit failed');
    expect(primary.series.get(up('a').key())?.samples).toHaveLength(1);
    expect(s2.series.get(up('a').key())?.samples).toHaveLength(0);
    expect(errors).toEqual(['squashed rollback error on commit: s2 rollback failed']);
  });

  it('rolls back all, throwing the first failure', async () => {
    const { primary, s1, s2, fanout, errors } = setup();
    primary.faults.rollback = new Error('p rollback failed');
    s2.faults.rollback = new Error('s2 rollback failed');
    const app = fanout.appenderV2();
    app.append(0, up('a'), 0, 1, 1, undefined, undefined);
    await expect(app.rollback()).rejects.toThrow('p rollback failed');
    expect(errors).toEqual(['squashed rollback error on rollback: s2 rollback failed']);
    for (const st of [primary, s1, s2]) expect(st.series.get(up('a').key())?.samples).toEqual([]);
  });
});

describe('FanoutStorage reads', () => {
  async function seeded() {
    const env = setup();
    const put = async (st: MemStorage, job: string, ...ts: number[]) => {
      const app = st.appender();
      for (const t of ts) app.append(0, up(job), t, st === env.primary ? 1 : 2);
      await app.commit();
    };
    await put(env.primary, 'a', 1, 2);
    await put(env.s1, 'a', 2, 3);
    await put(env.s2, 'b', 5);
    return env;
  }

  it('merges all storages, the primary winning equal timestamps', async () => {
    const { fanout } = await seeded();
    const q = fanout.querier(0, 100);
    expect(await read(q)).toEqual({
      series: [
        [
          'a',
          [
            { t: 1, v: 1 },
            { t: 2, v: 1 },
            { t: 3, v: 2 },
          ],
        ],
        ['b', [{ t: 5, v: 2 }]],
      ],
      warnings: [],
    });
    expect((await q.labelValues('job', undefined, [])).values).toEqual(['a', 'b']);
    await q.close();
  });

  it('turns secondary read failures into warnings and fails on primary ones', async () => {
    const { primary, s2, fanout } = await seeded();
    s2.faults.select = new Error('remote read: 503');
    const r = await read(fanout.querier(0, 100));
    expect(r.series.map(([job]) => job)).toEqual(['a']);
    expect(r.warnings).toEqual(['remote read: 503']);
    primary.faults.select = new Error('head closed');
    await expect(read(fanout.querier(0, 100))).rejects.toThrow('head closed');
  });

  it('closes the opened queriers when a storage cannot open one', async () => {
    const { primary, s2, fanout, errors } = await seeded();
    const closed: string[] = [];
    const open = primary.querier.bind(primary);
    primary.querier = (mint, maxt) => {
      const q = open(mint, maxt);
      return { ...q, close: async () => void closed.push('primary') };
    };
    s2.querier = () => {
      throw new Error('cannot open');
    };
    expect(() => fanout.querier(0, 1)).toThrow('cannot open');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(closed).toEqual(['primary']);
    expect(errors).toEqual([]);
  });

  it('merges chunk queriers, compacting overlaps with the configured chunk factory', async () => {
    const { primary, s1, s2, fanout } = await seeded();
    for (const st of [primary, s1, s2]) st.chunkOf = (samples) => ListChunk.of(Encoding.XOR, samples);
    fanout.configure({ newChunk: (enc) => new ListChunk(enc) });
    const set = await fanout.chunkQuerier(0, 100).select(true, undefined, [all]);
    const got = expandSeriesSet(set).map((cs) => {
      const it = cs.chunkIterator();
      let n = 0;
      while (it.next()) n++;
      return [cs.labels().get('job'), n, samplesFromIterator(chunkSeriesToSeries(cs).iterator()).map((s) => s.t)];
    });
    expect(got).toEqual([
      ['a', 1, [1, 2, 3]],
      ['b', 1, [5]],
    ]);
  });

  it('concatenates chunks without a chunk factory', async () => {
    const { primary, s1, s2, fanout } = await seeded();
    for (const st of [primary, s1, s2]) st.chunkOf = (samples) => ListChunk.of(Encoding.XOR, samples);
    const set = await fanout.chunkQuerier(0, 100).select(true, undefined, [all]);
    expect(set.next()).toBe(true);
    const it = set.at().chunkIterator();
    let n = 0;
    while (it.next()) n++;
    expect(n).toBe(2);
  });

  it('reports the earliest start time and closes everything', async () => {
    const { primary, s1, s2, fanout } = await seeded();
    expect(await fanout.startTime()).toBe(1);
    s1.faults.close = new Error('s1 close failed');
    await expect(fanout.close()).rejects.toThrow('s1 close failed');
    expect([primary.closed, s1.closed, s2.closed]).toEqual([true, true, true]);
    s2.faults.close = new Error('s2 close failed');
    await expect(fanout.close()).rejects.toBeInstanceOf(AggregateError);
  });
});
