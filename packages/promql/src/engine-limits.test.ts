// The engine's limits: samples held (as Prometheus counts them), time, cancellation, and a free
// event loop while a query runs.
import { Labels } from '@tsprom/labels';
import type {
  Querier,
  Queryable,
  SampleIterator,
  SeriesSet,
  Series as StorageSeries,
} from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';
import { TestStorage } from './storage/test-storage.js';

const tooMany = 'query processing would load too many samples into memory in query execution';

/** `n` series `x{i="…"}` with `samples` samples 15s apart from t=0. */
function seriesOf(n: number, samples: number): TestStorage {
  const s = new TestStorage();
  for (let i = 0; i < n; i++) {
    const l = Labels.fromStrings('__name__', 'x', 'i', String(i));
    for (let j = 0; j < samples; j++) s.append(l, j * 15_000, j);
  }
  return s;
}

/** Wraps a Queryable and counts the samples its series' iterators step through. */
class CountingQueryable implements Queryable {
  steps = 0;
  closed = 0;
  constructor(readonly inner: Queryable) {}
  querier(mint: number, maxt: number): Querier {
    const q = this.inner.querier(mint, maxt);
    const counter = this;
    return {
      async select(sortSeries, hints, ...matchers): Promise<SeriesSet> {
        const set = await q.select(sortSeries, hints, ...matchers);
        return {
          next: () => set.next(),
          at: (): StorageSeries => {
            const s = set.at();
            return { labels: () => s.labels(), iterator: () => counting(s.iterator(), counter) };
          },
          err: () => set.err(),
          warnings: () => set.warnings(),
        };
      },
      labelNames: (...a) => q.labelNames(...a),
      labelValues: (...a) => q.labelValues(...a),
      close: () => {
        counter.closed++;
        return q.close();
      },
    };
  }
}

function counting(it: SampleIterator, c: CountingQueryable): SampleIterator {
  return {
    next: () => {
      c.steps++;
      return it.next();
    },
    seek: (t) => {
      c.steps++;
      return it.seek(t);
    },
    at: () => it.at(),
    atT: () => it.atT(),
    atV: () => it.atV(),
    atHistogram: () => it.atHistogram(),
    atFloatHistogram: () => it.atFloatHistogram(),
    atST: () => it.atST(),
    err: () => it.err(),
  };
}

describe('maxSamples counts what Prometheus counts', () => {
  it('counts the samples of range-vector windows (the reproducer)', async () => {
    // 10 series × 200 samples, all inside the hour: one window holds 200 > 100.
    const res = await new Engine({ maxSamples: 100 })
      .newInstantQuery(seriesOf(10, 200), 'count_over_time(x[1h])', 200 * 15_000)
      .exec();
    expect(res.err).toBeInstanceOf(TooManySamplesError);
    expect(res.err?.message).toBe(tooMany);
  });

  it('holds one window at a time plus the results so far, as Prometheus does', async () => {
    // Series k holds its window (200) and the k results before it, then adds its own: 210 at the
    // tenth series (Prometheus: matrixIterSlice, then the output check).
    const q = (max: number) =>
      new Engine({ maxSamples: max }).newInstantQuery(seriesOf(10, 200), 'count_over_time(x[1h])', 200 * 15_000).exec();
    expect((await q(209)).err).toBeInstanceOf(TooManySamplesError);
    const ok = await q(210);
    expect(ok.err).toBeNull();
    expect(ok.value?.type === 'vector' && ok.value.vector.length).toBe(10);
    expect(ok.stats.peakSamples).toBe(210);
  });

  it('counts a subquery result while the function windows it', async () => {
    // The subquery holds 10 series × 10 steps; then each window (10) and the results: 100+10+10.
    const q = (max: number) =>
      new Engine({ maxSamples: max })
        .newInstantQuery(seriesOf(10, 200), 'max_over_time(x[10m:1m])', 40 * 60_000)
        .exec();
    expect((await q(119)).err).toBeInstanceOf(TooManySamplesError);
    const ok = await q(120);
    expect(ok.err).toBeNull();
    expect(ok.stats.peakSamples).toBe(120);
  });

  it('counts the points of a range query step by step', async () => {
    // 10 series × 51 steps of rate: 510 results, plus a window of at most 5 points.
    const q = (max: number) =>
      new Engine({ maxSamples: max }).newRangeQuery(seriesOf(10, 200), 'rate(x[1m])', 0, 50 * 60_000, 60_000).exec();
    expect((await q(500)).err).toBeInstanceOf(TooManySamplesError);
    expect((await q(520)).err).toBeNull();
  });

  it('stops reading storage once the limit is passed: a year of samples is not loaded', async () => {
    const s = new TestStorage();
    const l = Labels.fromStrings('__name__', 'x');
    for (let t = 0; t < 365 * 86_400_000; t += 60_000) s.append(l, t, 1);
    const counted = new CountingQueryable(s);
    const res = await new Engine({ maxSamples: 1000 })
      .newInstantQuery(counted, 'sum_over_time(x[365d])', 365 * 86_400_000)
      .exec();
    expect(res.err).toBeInstanceOf(TooManySamplesError);
    // 525,600 samples in range; the engine stops at the limit (plus the block it was reading).
    expect(counted.steps).toBeLessThan(20_000);
    expect(counted.closed).toBe(1);
  });

  it('keeps the querier open while evaluating and closes it once at the end', async () => {
    const counted = new CountingQueryable(seriesOf(3, 100));
    const res = await new Engine().newRangeQuery(counted, 'sum(rate(x[5m]))', 0, 1500_000, 15_000).exec();
    expect(res.err).toBeNull();
    expect(counted.steps).toBeGreaterThan(0);
    expect(counted.closed).toBe(1);
  });
});

describe('a query shares the event loop', () => {
  const year = 365 * 86_400_000;

  it('lets a heartbeat tick during a 1-year query at a 1s step, and stops when aborted', async () => {
    const ac = new AbortController();
    let ticks = 0;
    const heartbeat = setInterval(() => {
      ticks++;
      if (ticks === 5) ac.abort();
    }, 5);
    try {
      const res = await new Engine().newRangeQuery(new TestStorage(), 'vector(1)', 0, year, 1000).exec({
        signal: ac.signal,
      });
      expect(res.err).toBeInstanceOf(QueryCanceledError);
      expect(res.err?.message).toBe('query was canceled in expression evaluation');
      expect(ticks).toBeGreaterThanOrEqual(5);
    } finally {
      clearInterval(heartbeat);
    }
  });

  it('does no more work once aborted', async () => {
    const s = new TestStorage();
    const l = Labels.fromStrings('__name__', 'x');
    for (let t = 0; t <= year; t += 60_000) s.append(l, t, 1);
    const counted = new CountingQueryable(s);
    const ac = new AbortController();
    let ticks = 0;
    const heartbeat = setInterval(() => {
      ticks++;
      if (ticks === 3) ac.abort();
    }, 5);
    try {
      const res = await new Engine().newRangeQuery(counted, 'x', 0, year, 1000).exec({ signal: ac.signal });
      expect(res.err).toBeInstanceOf(QueryCanceledError);
      expect(counted.closed).toBe(1);
      const at = counted.steps;
      expect(at).toBeGreaterThan(0);
      // A few more turns of the event loop: nothing of the query runs any more.
      const until = ticks + 3;
      while (ticks < until) await new Promise((r) => setTimeout(r, 5));
      expect(counted.steps).toBe(at);
    } finally {
      clearInterval(heartbeat);
    }
  });

  it('times out in evaluation', async () => {
    const res = await new Engine({ timeoutMs: 30 }).newRangeQuery(new TestStorage(), 'vector(1)', 0, year, 1000).exec();
    expect(res.err).toBeInstanceOf(QueryTimeoutError);
    expect(res.err?.message).toBe('query timed out in expression evaluation');
  });
});
