import { Labels, type Matcher } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Annotations } from './annotations.js';
import { chainedSeriesMerge } from './chain-sample-iterator.js';
import { ListSeries } from './list-series.js';
import { mergeStrings, newMergeQuerier } from './merge-querier.js';
import { noopQuerier } from './noop-querier.js';
import type { LabelHints, Querier, SelectHints } from './querier.js';
import { expandSeriesSet, samplesFromIterator } from './sample-iterators.js';
import { seriesSetFromList } from './series-set.js';
import type { Series, SeriesSet } from './series.js';

interface Faults {
  select?: Error;
  /** The set fails with this error after its series. */
  set?: Error;
  labels?: Error;
  close?: Error;
  warning?: string;
}

class TestQuerier implements Querier {
  sortArgs: boolean[] = [];
  closed = false;
  constructor(
    readonly series: Series[],
    readonly names: string[] = [],
    readonly faults: Faults = {},
    readonly gate?: Promise<void>,
  ) {}
  started = false;
  signals: (AbortSignal | undefined)[] = [];
  async select(
    sortSeries: boolean,
    _hints: SelectHints | undefined,
    _m: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    this.started = true;
    this.sortArgs.push(sortSeries);
    this.signals.push(signal);
    if (this.gate !== undefined) await untilAborted(this.gate, signal);
    if (this.faults.select) throw this.faults.select;
    const ws = new Annotations();
    if (this.faults.warning) ws.add(new Error(this.faults.warning));
    const inner = seriesSetFromList(this.series, sortSeries, ws);
    const fail = this.faults.set;
    if (fail === undefined) return inner;
    let done = false;
    return {
      next: () => {
        if (inner.next()) return true;
        done = true;
        return false;
      },
      at: () => inner.at(),
      err: () => (done ? fail : undefined),
      warnings: () => inner.warnings(),
    };
  }
  async labelValues(_name: string, hints: LabelHints | undefined, m: readonly Matcher[], signal?: AbortSignal) {
    return this.labelNames(hints, m, signal);
  }
  async labelNames(_hints: LabelHints | undefined, _m: readonly Matcher[], signal?: AbortSignal) {
    this.signals.push(signal);
    if (this.gate !== undefined) await untilAborted(this.gate, signal);
    if (this.faults.labels) throw this.faults.labels;
    return { values: this.names, warnings: new Annotations() };
  }
  async close() {
    this.closed = true;
    if (this.faults.close) throw this.faults.close;
  }
}

/** `p`, or a rejection with the signal's reason once it aborts: a querier that waits, as the contract asks. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    p.then(resolve, reject);
  });
}

const s = (name: string, ...ts: number[]) =>
  new ListSeries(
    Labels.fromStrings('__name__', name),
    ts.map((t) => ({ t, v: t })),
  );

function dump(set: SeriesSet): string[] {
  return expandSeriesSet(set).map(
    (x) =>
      `${x.labels().get('__name__')}:${samplesFromIterator(x.iterator())
        .map((p) => p.t)
        .join(',')}`,
  );
}

const messages = (ws: Annotations) => [...ws].map((w) => w.message).sort();

describe('newMergeQuerier', () => {
  it('merges primaries and secondaries, asking each for sorted series', async () => {
    const p1 = new TestQuerier([s('b', 1), s('a', 1)]);
    const p2 = new TestQuerier([s('a', 2)]);
    const s1 = new TestQuerier([s('c', 3), s('a', 1, 3)]);
    const q = newMergeQuerier([p1, p2], [s1], chainedSeriesMerge);
    const set = await q.select(false, undefined, []);
    expect(dump(set)).toEqual(['a:1,2,3', 'b:1', 'c:3']);
    expect(set.err()).toBeUndefined();
    expect([...p1.sortArgs, ...p2.sortArgs, ...s1.sortArgs]).toEqual([true, true, true]);
  });

  it('runs the selects concurrently', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const a = new TestQuerier([s('a', 1)], [], {}, gate);
    const b = new TestQuerier([s('b', 1)], [], {}, gate);
    const pending = newMergeQuerier([a, b], [], chainedSeriesMerge).select(true, undefined, []);
    await Promise.resolve();
    expect([a.started, b.started]).toEqual([true, true]);
    open();
    expect(dump(await pending)).toEqual(['a:1', 'b:1']);
  });

  it('passes the signal to every querier and rejects with its reason when it aborts', async () => {
    const gate = new Promise<void>(() => {}); // Never opens: only the abort ends the selects.
    const p = new TestQuerier([s('a', 1)], ['x'], {}, gate);
    const sec = new TestQuerier([s('b', 1)], ['y'], {}, gate);
    const q = newMergeQuerier([p, new TestQuerier([s('c', 1)])], [sec], chainedSeriesMerge);
    const ac = new AbortController();
    const pending = q.select(true, undefined, [], ac.signal);
    const names = q.labelNames(undefined, [], ac.signal);
    const reason = new Error('caller gave up');
    ac.abort(reason);
    // The secondary's abort is not turned into a warning: the whole call is cancelled.
    await expect(pending).rejects.toBe(reason);
    await expect(names).rejects.toBe(reason);
    expect(p.signals[0]).toBe(ac.signal);
    expect(sec.signals[0]).toBe(ac.signal);
    // An already aborted signal rejects at once.
    await expect(q.select(true, undefined, [], ac.signal)).rejects.toBe(reason);
    await expect(q.labelValues('x', undefined, [], ac.signal)).rejects.toBe(reason);
  });

  it('turns a failing secondary select into a warning', async () => {
    const q = newMergeQuerier(
      [new TestQuerier([s('a', 1)], [], { warning: 'primary warning' })],
      [new TestQuerier([s('b', 1)], [], { select: new Error('remote read failed') })],
      chainedSeriesMerge,
    );
    const set = await q.select(true, undefined, []);
    expect(dump(set)).toEqual(['a:1']);
    expect(set.err()).toBeUndefined();
    expect(messages(set.warnings())).toEqual(['primary warning', 'remote read failed']);
  });

  it('turns a secondary set error into a warning and keeps what was read', async () => {
    const q = newMergeQuerier(
      [new TestQuerier([s('a', 1)])],
      [new TestQuerier([s('b', 1)], [], { set: new Error('stream broke') })],
      chainedSeriesMerge,
    );
    const set = await q.select(true, undefined, []);
    expect(dump(set)).toEqual(['a:1', 'b:1']);
    expect(set.err()).toBeUndefined();
    expect(messages(set.warnings())).toEqual(['stream broke']);
  });

  it('a lone secondary still reports failures as warnings', async () => {
    const q = newMergeQuerier(
      [],
      [new TestQuerier([], ['x'], { select: new Error('down'), labels: new Error('down too') })],
      chainedSeriesMerge,
    );
    const set = await q.select(true, undefined, []);
    expect(set.next()).toBe(false);
    expect(set.err()).toBeUndefined();
    expect(messages(set.warnings())).toEqual(['down']);
    const names = await q.labelNames(undefined, []);
    expect(names.values).toEqual([]);
    expect(messages(names.warnings)).toEqual(['down too']);
  });

  it("fails with a primary's errors", async () => {
    const selectErr = new Error('primary select failed');
    const q1 = newMergeQuerier(
      [new TestQuerier([], [], { select: selectErr }), new TestQuerier([])],
      [],
      chainedSeriesMerge,
    );
    await expect(q1.select(true, undefined, [])).rejects.toBe(selectErr);

    const setErr = new Error('primary set failed');
    const q2 = newMergeQuerier(
      [new TestQuerier([s('a', 1)], [], { set: setErr }), new TestQuerier([s('b', 1)])],
      [],
      chainedSeriesMerge,
    );
    const set = await q2.select(true, undefined, []);
    while (set.next()) set.at();
    expect(set.err()).toBe(setErr);

    const labelsErr = new Error('primary labels failed');
    const q3 = newMergeQuerier(
      [new TestQuerier([], [], { labels: labelsErr })],
      [new TestQuerier([])],
      chainedSeriesMerge,
    );
    await expect(q3.labelNames(undefined, [])).rejects.toBe(labelsErr);
  });

  it('honours the select limit', async () => {
    const q = newMergeQuerier(
      [new TestQuerier([s('a'), s('c')]), new TestQuerier([s('b'), s('d')])],
      [],
      chainedSeriesMerge,
    );
    expect(dump(await q.select(true, { start: 0, end: 1, limit: 2 }, []))).toEqual(['a:', 'b:']);
  });

  it.each([
    { limit: undefined, want: ['a', 'b', 'c', 'd', 'e'] },
    { limit: 0, want: ['a', 'b', 'c', 'd', 'e'] },
    { limit: 3, want: ['a', 'b', 'c'] },
    { limit: 1, want: ['a'] },
  ])('merges label names and values sorted and unique (limit $limit)', async ({ limit, want }) => {
    const q = newMergeQuerier(
      [new TestQuerier([], ['b', 'd']), new TestQuerier([], ['a', 'b', 'e'])],
      [new TestQuerier([], ['c', 'd']), new TestQuerier([], [], { labels: new Error('secondary labels failed') })],
      chainedSeriesMerge,
    );
    const hints = limit === undefined ? undefined : { limit };
    const names = await q.labelNames(hints, []);
    expect(names.values).toEqual(want);
    expect(messages(names.warnings)).toEqual(['secondary labels failed']);
    expect((await q.labelValues('x', hints, [])).values).toEqual(want);
  });

  it('closes all queriers and reports their failures', async () => {
    const ok = new TestQuerier([]);
    const e1 = new Error('close 1');
    const e2 = new Error('close 2');
    const one = newMergeQuerier([ok, new TestQuerier([], [], { close: e1 })], [], chainedSeriesMerge);
    await expect(one.close()).rejects.toBe(e1);
    expect(ok.closed).toBe(true);

    const two = newMergeQuerier(
      [new TestQuerier([], [], { close: e1 })],
      [new TestQuerier([], [], { close: e2 })],
      chainedSeriesMerge,
    );
    const err = await two.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AggregateError);
    expect((err as AggregateError).errors).toEqual([e1, e2]);
  });

  it('drops noop queriers and passes a single primary through', () => {
    const p = new TestQuerier([]);
    expect(newMergeQuerier([p], [noopQuerier()], chainedSeriesMerge)).toBe(p);
    expect(newMergeQuerier([noopQuerier()], [], chainedSeriesMerge)).toBe(noopQuerier());
    expect(newMergeQuerier([], [], chainedSeriesMerge)).toBe(noopQuerier());
  });
});

describe('mergeStrings', () => {
  it.each([
    { a: [], b: [], limit: 0, want: [] },
    { a: ['a'], b: [], limit: 0, want: ['a'] },
    { a: ['a', 'c'], b: ['b', 'c', 'd'], limit: 0, want: ['a', 'b', 'c', 'd'] },
    { a: ['a', 'c'], b: ['b', 'c', 'd'], limit: 2, want: ['a', 'b'] },
    { a: ['a', 'z'], b: ['é'], limit: 0, want: ['a', 'z', 'é'] },
  ])('$a + $b (limit $limit)', ({ a, b, limit, want }) => {
    expect(mergeStrings(a, b, limit)).toEqual(want);
  });
});
