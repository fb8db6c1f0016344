import { Labels } from '@tsprom/labels';
import { Annotations, type Queryable, StaleNaN } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Engine, InvalidQueryError } from './engine.js';
import { QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';
import { ParseErrors } from './parser/index.js';
import { TestStorage } from './storage/test-storage.js';

function storage(): TestStorage {
  const s = new TestStorage();
  for (let i = 0; i <= 10; i++) {
    s.append(Labels.fromStrings('__name__', 'up', 'job', 'a'), i * 60_000, i);
    s.append(Labels.fromStrings('__name__', 'up', 'job', 'b'), i * 60_000, 10 * i);
  }
  return s;
}

describe('Engine', () => {
  const engine = new Engine();

  it('runs an instant query to a vector', async () => {
    const res = await engine.newInstantQuery(storage(), 'up{job="b"} * 2', 120_000).exec();
    expect(res.err).toBeNull();
    expect(res.value?.type).toBe('vector');
    if (res.value?.type !== 'vector') return;
    expect(res.value.vector).toHaveLength(1);
    expect(res.value.vector[0]!.metric.toString()).toBe('{job="b"}');
    expect(res.value.vector[0]!.f).toBe(40);
    expect(res.value.vector[0]!.t).toBe(120_000);
  });

  it('runs a range query to a matrix sorted by labels', async () => {
    const res = await engine.newRangeQuery(storage(), 'up', 0, 180_000, 60_000).exec();
    expect(res.value?.type).toBe('matrix');
    if (res.value?.type !== 'matrix') return;
    expect(res.value.matrix.map((s) => s.metric.get('job'))).toEqual(['a', 'b']);
    expect(Array.from(res.value.matrix[1]!.vs.subarray(0, res.value.matrix[1]!.length))).toEqual([0, 10, 20, 30]);
    expect(res.value.matrix[0]!.floats()[3]).toEqual({ t: 180_000, f: 3 });
  });

  it('returns scalars and strings', async () => {
    const s = await engine.newInstantQuery(storage(), '1 + 2', 0).exec();
    expect(s.value).toEqual({ type: 'scalar', scalar: { t: 0, v: 3 } });
    const str = await engine.newInstantQuery(storage(), '"x"', 5).exec();
    expect(str.value).toEqual({ type: 'string', string: { t: 5, v: 'x' } });
  });

  it('throws parse errors with a position when creating the query', () => {
    expect(() => engine.newInstantQuery(storage(), 'sum(', 0)).toThrow(ParseErrors);
    expect(() => engine.newInstantQuery(storage(), 'sum(', 0)).toThrow(/^1:\d+: parse error/);
  });

  it('rejects a range query over a range vector', () => {
    expect(() => engine.newRangeQuery(storage(), 'up[5m]', 0, 60_000, 15_000)).toThrow(InvalidQueryError);
    expect(() => engine.newRangeQuery(storage(), 'up[5m]', 0, 60_000, 15_000)).toThrow(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });

  it('enforces max samples with Prometheus message', async () => {
    const small = new Engine({ maxSamples: 5 });
    const res = await small.newRangeQuery(storage(), 'up', 0, 600_000, 60_000).exec();
    expect(res.err).toBeInstanceOf(TooManySamplesError);
    expect(res.err?.message).toBe('query processing would load too many samples into memory in query execution');
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    const res = await engine.newInstantQuery(storage(), 'up', 0).exec({ signal: ac.signal });
    expect(res.err).toBeInstanceOf(QueryCanceledError);
  });

  it('times out a select that never answers, even one that ignores its signal', async () => {
    const hanging: Queryable = {
      querier: () => ({
        select: (_s, _h) => new Promise(() => {}),
        labelNames: async () => ({ values: [], warnings: new Annotations() }),
        labelValues: async () => ({ values: [], warnings: new Annotations() }),
        close: async () => {},
      }),
    };
    const res = await new Engine({ timeoutMs: 20 }).newInstantQuery(hanging, 'up', 0).exec();
    expect(res.err).toBeInstanceOf(QueryTimeoutError);
  });

  it('counts samples and reports annotations', async () => {
    const res = await engine.newInstantQuery(storage(), 'rate(up[5m])', 600_000).exec();
    expect(res.stats.samplesLoaded).toBeGreaterThan(0);
    const { infos } = res.warnings.asStrings('rate(up[5m])');
    expect(infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "up" (1:6)',
    ]);
  });

  it('treats stale markers as the end of a series', async () => {
    const s = new TestStorage();
    const l = Labels.fromStrings('__name__', 'm');
    s.append(l, 0, 1);
    s.append(l, 60_000, StaleNaN);
    const before = await engine.newInstantQuery(s, 'm', 30_000).exec();
    const after = await engine.newInstantQuery(s, 'm', 90_000).exec();
    expect(before.value?.type === 'vector' && before.value.vector.length).toBe(1);
    expect(after.value?.type === 'vector' && after.value.vector.length).toBe(0);
  });

  it('uses a configurable lookback delta', async () => {
    const res = await new Engine({ lookbackDeltaMs: 30_000 }).newInstantQuery(storage(), 'up', 150_000).exec();
    expect(res.value?.type === 'vector' && res.value.vector.length).toBe(0);
  });
});

/**
 * A Queryable whose selects wait until their AbortSignal fires, as a remote-read querier waits on
 * the network: they settle only because of the abort, rejecting with the signal's reason.
 */
function waitingQueryable() {
  const seen = { signals: [] as (AbortSignal | undefined)[], rejected: [] as unknown[], closed: 0 };
  const queryable: Queryable = {
    querier: () => ({
      select: (_sort, _hints, _matchers, signal) => {
        seen.signals.push(signal);
        return new Promise((_resolve, reject) => {
          signal?.addEventListener(
            'abort',
            () => {
              seen.rejected.push(signal.reason);
              reject(signal.reason);
            },
            { once: true },
          );
        });
      },
      labelNames: async () => ({ values: [], warnings: new Annotations() }),
      labelValues: async () => ({ values: [], warnings: new Annotations() }),
      close: async () => {
        seen.closed++;
      },
    }),
  };
  return { queryable, seen };
}

describe('cancelling a query while its selects wait', () => {
  it('returns QueryCanceledError when the caller aborts', async () => {
    const { queryable, seen } = waitingQueryable();
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 50);
    // The engine's timeout (2 minutes by default) is far away: only the abort can end the query.
    const res = await new Engine().newInstantQuery(queryable, 'up + down', 0).exec({ signal: ac.signal });
    clearTimeout(timer);
    expect(res.err).toBeInstanceOf(QueryCanceledError);
    expect(seen.signals).toHaveLength(2);
    for (const sig of seen.signals) expect(sig?.aborted).toBe(true);
    // Each select saw the abort itself and rejected with the reason, then the querier was closed.
    expect(seen.rejected).toEqual([ac.signal.reason, ac.signal.reason]);
    expect(seen.closed).toBe(1);
  });

  it('returns QueryTimeoutError when the engine timeout fires', async () => {
    const { queryable, seen } = waitingQueryable();
    const res = await new Engine({ timeoutMs: 50 }).newInstantQuery(queryable, 'up', 0).exec();
    expect(res.err).toBeInstanceOf(QueryTimeoutError);
    expect(seen.signals).toHaveLength(1);
    expect(seen.rejected).toHaveLength(1);
    expect(seen.closed).toBe(1);
  });
});

describe('Engine deadlines', () => {
  it('times out during evaluation', async () => {
    const s = new TestStorage();
    for (let i = 0; i < 2000; i++) {
      const l = Labels.fromStrings('__name__', 'm', 'i', String(i));
      for (let t = 0; t <= 3600_000; t += 15_000) s.append(l, t, t);
    }
    const res = await new Engine({ timeoutMs: 1 }).newRangeQuery(s, 'sum(rate(m[5m]))', 0, 3600_000, 15_000).exec();
    expect(res.err).toBeInstanceOf(QueryTimeoutError);
  });
});
