import { Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  DuplicateSampleForTimestampError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  type Querier,
  TooOldSampleError,
  ValueType,
} from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';

const L = (...s: string[]) => Labels.fromStrings(...s);
const eq = (n: string, v: string) => new Matcher(MatchType.Equal, n, v);
const re = (n: string, v: string) => new Matcher(MatchType.Regexp, n, v);
const neq = (n: string, v: string) => new Matcher(MatchType.NotEqual, n, v);
const nre = (n: string, v: string) => new Matcher(MatchType.NotRegexp, n, v);

async function dump(q: Querier, ...ms: Matcher[]): Promise<Record<string, [number, number][]>> {
  const set = await q.select(true, undefined, ms);
  const out: Record<string, [number, number][]> = {};
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next() !== ValueType.None) samples.push([it.atT(), it.atV()]);
    expect(it.err()).toBeUndefined();
    out[s.labels().toString()] = samples;
  }
  expect(set.err()).toBeUndefined();
  return out;
}

describe('Head', () => {
  it('appends, commits and reads back through a querier', async () => {
    const head = new Head();
    const app = head.appender();
    const ref = app.append(0, L('__name__', 'up', 'job', 'a'), 1000, 1);
    expect(ref).toBeGreaterThan(0);
    expect(app.append(ref, L('__name__', 'up', 'job', 'a'), 2000, 2)).toBe(ref);
    app.append(0, L('__name__', 'up', 'job', 'b'), 1000, 3);
    await app.commit();
    const q = head.querier(0, 10_000);
    expect(await dump(q, eq('__name__', 'up'))).toEqual({
      '{__name__="up", job="a"}': [
        [1000, 1],
        [2000, 2],
      ],
      '{__name__="up", job="b"}': [[1000, 3]],
    });
    expect(Object.keys(await dump(q, eq('job', 'b')))).toEqual(['{__name__="up", job="b"}']);
    expect((await q.labelNames(undefined, [])).values).toEqual(['__name__', 'job']);
    expect((await q.labelValues('job', undefined, [])).values).toEqual(['a', 'b']);
    expect((await q.labelValues('job', undefined, [eq('job', 'a')])).values).toEqual(['a']);
    await q.close();
    const st = head.stats();
    expect(st.numSeries).toBe(2);
    expect(st.numSamples).toBe(3);
    expect(st.minTime).toBe(1000);
    expect(st.maxTime).toBe(2000);
  });

  it('keeps uncommitted and rolled back samples invisible', async () => {
    const head = new Head();
    const app = head.appender();
    app.append(0, L('__name__', 'x'), 1, 1);
    const q = head.querier(0, 100);
    expect(await dump(q)).toEqual({});
    await app.rollback();
    expect(await dump(head.querier(0, 100))).toEqual({});
  });

  it('gives a querier the state of its creation (isolation)', async () => {
    const head = new Head();
    const a1 = head.appender();
    a1.append(0, L('__name__', 'x'), 1, 1);
    await a1.commit();
    const q = head.querier(0, 100);
    const a2 = head.appender();
    a2.append(0, L('__name__', 'x'), 2, 2);
    a2.append(0, L('__name__', 'y'), 2, 2);
    await a2.commit();
    expect(await dump(q)).toEqual({ '{__name__="x"}': [[1, 1]] });
    await q.close();
    expect(await dump(head.querier(0, 100))).toEqual({
      '{__name__="x"}': [
        [1, 1],
        [2, 2],
      ],
      '{__name__="y"}': [[2, 2]],
    });
  });

  it('rejects out-of-order, duplicate and out-of-bounds samples with typed errors', async () => {
    const head = new Head({ chunkRangeMs: 1000 });
    const app = head.appender();
    const ref = app.append(0, L('a', 'b'), 5000, 1);
    // The first append to an empty head sets the appender's min valid time to 5000 - range/2.
    expect(() => app.append(ref, L('a', 'b'), 4000, 1)).toThrow(OutOfBoundsError);
    await app.commit();
    // Checks are against committed data (Prometheus); samples of one appender meet at commit.
    const app1 = head.appender();
    expect(() => app1.append(ref, L('a', 'b'), 4800, 1)).toThrow(OutOfOrderSampleError);
    expect(() => app1.append(ref, L('a', 'b'), 5000, 2)).toThrow(DuplicateSampleForTimestampError);
    expect(app1.append(ref, L('a', 'b'), 5000, 1)).toBe(ref); // Exact duplicate: fine.
    await app1.commit();
    const app2 = head.appender();
    expect(() => app2.append(0, L('a', 'c'), 4000, 1)).toThrow(OutOfBoundsError); // Before maxt - range/2.
    await app2.rollback();
    expect(head.stats().numSamples).toBe(1);
    expect(head.stats()).toMatchObject({ outOfOrderSamples: 1, outOfBoundSamples: 2, samplesDroppedAtCommit: 0 });
  });

  it('accepts out-of-order samples within the window and merges them on read', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 10_000 });
    const app = head.appender();
    const ref = app.append(0, L('a', 'b'), 100_000, 1);
    await app.commit();
    const app2 = head.appender();
    app2.append(ref, L('a', 'b'), 95_000, 2);
    app2.append(ref, L('a', 'b'), 97_000, 3);
    expect(() => app2.append(ref, L('a', 'b'), 80_000, 4)).toThrow(TooOldSampleError);
    await app2.commit();
    expect(await dump(head.querier(0, 200_000))).toEqual({
      '{a="b"}': [
        [95_000, 2],
        [97_000, 3],
        [100_000, 1],
      ],
    });
    expect(head.stats().outOfOrderSamplesAppended).toBe(2);
  });

  it('cuts chunks at 120 samples and at chunk range boundaries', async () => {
    const head = new Head({ chunkRangeMs: 3600_000 });
    const app = head.appender();
    let ref = 0;
    for (let i = 0; i < 480; i++) ref = app.append(ref, L('a', 'b'), i * 15_000, i);
    await app.commit();
    const s = head.state.series.getByRef(ref)!;
    const sizes = [...s.completed.map((c) => c.chunk.numSamples()), s.openCount];
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(480);
    // 240 samples per hour: two chunks of 120 per range.
    expect(sizes).toEqual([120, 120, 120, 120]);
    for (const c of s.completed) expect(Math.floor(c.mint / 3600_000)).toBe(Math.floor(c.maxt / 3600_000));
  });

  it('evaluates matchers like Prometheus', async () => {
    const head = new Head();
    const app = head.appender();
    app.append(0, L('n', '1'), 1, 1);
    app.append(0, L('n', '1', 'i', 'a'), 1, 1);
    app.append(0, L('n', '1', 'i', 'b'), 1, 1);
    app.append(0, L('n', '2'), 1, 1);
    app.append(0, L('n', '2', 'i', 'a'), 1, 1);
    await app.commit();
    const q = head.querier(0, 10);
    const names = async (...ms: Matcher[]) => Object.keys(await dump(q, ...ms));
    expect(await names(eq('n', '1'))).toEqual(['{i="a", n="1"}', '{i="b", n="1"}', '{n="1"}']);
    expect(await names(eq('n', '1'), eq('i', ''))).toEqual(['{n="1"}']);
    expect(await names(eq('n', '1'), neq('i', ''))).toEqual(['{i="a", n="1"}', '{i="b", n="1"}']);
    expect(await names(eq('n', '1'), neq('i', 'a'))).toEqual(['{i="b", n="1"}', '{n="1"}']);
    expect(await names(re('n', '1|2'), eq('i', 'a'))).toEqual(['{i="a", n="1"}', '{i="a", n="2"}']);
    expect(await names(re('i', '.+'))).toEqual(['{i="a", n="1"}', '{i="a", n="2"}', '{i="b", n="1"}']);
    expect(await names(nre('i', '.+'))).toEqual(['{n="1"}', '{n="2"}']);
    expect(await names(nre('i', 'a'))).toEqual(['{i="b", n="1"}', '{n="1"}', '{n="2"}']);
    expect(await names(re('i', 'a|'), eq('n', '2'))).toEqual(['{i="a", n="2"}', '{n="2"}']);
    expect(await names(nre('n', '.*'))).toEqual([]);
    expect(await names(re('n', '.*'), eq('i', 'b'))).toEqual(['{i="b", n="1"}']);
  });

  it('truncates old chunks and garbage-collects empty series', async () => {
    const head = new Head({ chunkRangeMs: 1000 });
    const app = head.appender();
    for (let t = 0; t < 3000; t += 100) app.append(0, L('a', 'old'), t, t);
    await app.commit();
    const app2 = head.appender();
    app2.append(0, L('a', 'new'), 3000, 1);
    await app2.commit();
    const removed = head.truncate(2999);
    expect(removed.size).toBe(1);
    expect(head.stats().numSeries).toBe(1);
    const q = head.querier(0, 10_000);
    expect(Object.keys(await dump(q))).toEqual(['{a="new"}']);
    expect((await q.labelValues('a', undefined, [])).values).toEqual(['new']);
  });

  it('hands out chunks through the chunk querier', async () => {
    const head = new Head();
    const app = head.appender();
    for (let i = 0; i < 300; i++) app.append(0, L('a', 'b'), i * 1000, i);
    await app.commit();
    const q = head.chunkQuerier(0, 1e9);
    const set = await q.select(false, undefined, [eq('a', 'b')]);
    expect(set.next()).toBe(true);
    const ci = set.at().chunkIterator();
    let total = 0;
    let last = -1;
    while (ci.next()) {
      const m = ci.at();
      expect(m.mint).toBeGreaterThan(last);
      last = m.maxt;
      total += m.chunk.numSamples();
    }
    expect(ci.err()).toBeUndefined();
    expect(total).toBe(300);
    expect(set.next()).toBe(false);
  });

  it('chunk querier agrees with the querier under isolation and out-of-order data', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 1_000_000, samplesPerChunk: 16 });
    const l = L('a', 'b');
    let app = head.appender();
    for (let t = 0; t < 200; t++) app.append(0, l, 10_000 + t * 10, t);
    await app.commit();
    app = head.appender();
    for (let t = 0; t < 50; t++) app.append(0, l, 9_000 + t * 7, -t); // Out of order, before.
    await app.commit();
    const q = head.querier(0, 1e9);
    const cq = head.chunkQuerier(0, 1e9);
    app = head.appender();
    app.append(0, l, 20_000, 999); // After both queriers: invisible to them.
    await app.commit();
    const want = (await dump(q))['{a="b"}']!;
    expect(want).toHaveLength(250);
    const set = await cq.select(false, undefined, []);
    expect(set.next()).toBe(true);
    const ci = set.at().chunkIterator();
    const got: [number, number][] = [];
    while (ci.next()) {
      const it = ci.at().chunk.iterator();
      while (it.next() !== ValueType.None) got.push([it.atT(), it.atV()]);
    }
    expect(ci.err()).toBeUndefined();
    expect(got).toEqual(want);
    await q.close();
    await cq.close();
  });

  it('seeks within and across chunks', async () => {
    const head = new Head({ samplesPerChunk: 8 });
    const app = head.appender();
    for (let t = 0; t < 100; t++) app.append(0, L('a', 'b'), t * 10, t);
    await app.commit();
    const set = await head.querier(0, 1e9).select(false, undefined, []);
    set.next();
    const it = set.at().iterator();
    expect(it.seek(455)).toBe(ValueType.Float);
    expect(it.atT()).toBe(460);
    expect(it.seek(100)).toBe(ValueType.Float); // Never goes back.
    expect(it.atT()).toBe(460);
    expect(it.next()).toBe(ValueType.Float);
    expect(it.atT()).toBe(470);
    expect(it.seek(990)).toBe(ValueType.Float);
    expect(it.seek(991)).toBe(ValueType.None);
  });

  it('chunk querier hides samples committed after it, even in a chunk cut since', async () => {
    const head = new Head({ samplesPerChunk: 4 });
    let app = head.appender();
    for (let t = 0; t < 5; t++) app.append(0, L('a', 'b'), t, t);
    await app.commit();
    const cq = head.chunkQuerier(0, 1e9);
    app = head.appender();
    for (let t = 5; t < 40; t++) app.append(0, L('a', 'b'), t, t);
    await app.commit();
    expect(head.state.series.getByLabels(L('a', 'b'))!.completed.length).toBeGreaterThan(1);
    const set = await cq.select(false, undefined, []);
    expect(set.next()).toBe(true);
    const ci = set.at().chunkIterator();
    const ts: number[] = [];
    while (ci.next()) {
      const it = ci.at().chunk.iterator();
      while (it.next() !== ValueType.None) ts.push(it.atT());
    }
    expect(ts).toEqual([0, 1, 2, 3, 4]);
    await cq.close();
  });
});
