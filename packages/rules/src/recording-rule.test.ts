import { Labels } from '@tsprom/labels';
import { Engine, parseExpr } from '@tsprom/promql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineQueryFunc, RuleResultTypeError } from './query-func.js';
import { DuplicateLabelsetError, RecordingRule, RuleLimitError } from './recording-rule.js';
import type { RuleEvalContext } from './rule.js';
import { openTestStore, type TestStore } from './testing/storage.js';

let store: TestStore;
beforeEach(async () => {
  store = await openTestStore();
  await store.add('up{job="a",instance="1"}', [[0, 1]]);
  await store.add('up{job="a",instance="2"}', [[0, 0]]);
  await store.add('up{job="b",instance="1"}', [[0, 1]]);
});
afterEach(async () => {
  await store.close();
});

const ctx = (limit = 0, queryOffsetMs = 0): RuleEvalContext => ({
  queryOffsetMs,
  queryFunc: store.queryFunc,
  externalURL: '',
  limit,
});

describe('RecordingRule', () => {
  it('renames the result and sets its labels', async () => {
    const r = new RecordingRule('job:up:sum', parseExpr('sum by (job) (up)'), Labels.fromStrings('team', 'x'));
    const v = await r.eval(60_000, ctx());
    expect(v.map((s) => [s.metric.toString(), s.t, s.f])).toEqual([
      ['{__name__="job:up:sum", job="a", team="x"}', 60_000, 1],
      ['{__name__="job:up:sum", job="b", team="x"}', 60_000, 1],
    ]);
  });

  it('queries query_offset earlier and stamps the samples with that time', async () => {
    const r = new RecordingRule('x', parseExpr('up{instance="2"}'), Labels.EMPTY);
    const v = await r.eval(400_000, ctx(0, 200_000));
    expect(v.map((s) => [s.metric.toString(), s.t])).toEqual([['{__name__="x", instance="2", job="a"}', 200_000]]);
  });

  it('records a scalar as a series without labels', async () => {
    const r = new RecordingRule('one', parseExpr('scalar(up{instance="2"}) + 1'), Labels.EMPTY);
    const v = await r.eval(0, ctx());
    expect(v.map((s) => [s.metric.toString(), s.f])).toEqual([['{__name__="one"}', 1]]);
  });

  it('rejects series that become identical', async () => {
    const r = new RecordingRule('x', parseExpr('up'), Labels.fromStrings('instance', 'same'));
    await expect(r.eval(0, ctx())).rejects.toThrow(
      new DuplicateLabelsetError('vector contains metrics with the same labelset after applying rule labels'),
    );
  });

  it('rejects more series than the limit', async () => {
    const r = new RecordingRule('x', parseExpr('up'), Labels.EMPTY);
    const err = await r.eval(0, ctx(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleLimitError);
    expect((err as Error).message).toBe('exceeded limit of 2 with 3 series');
    expect(await r.eval(0, ctx(3))).toHaveLength(3);
  });

  it('passes query errors on', async () => {
    const r = new RecordingRule('x', parseExpr('up'), Labels.EMPTY);
    const failing = { ...ctx(), queryFunc: () => Promise.reject(new Error('storage down')) };
    await expect(r.eval(0, failing)).rejects.toThrow('storage down');
  });

  it('prints as Prometheus YAML', () => {
    const r = new RecordingRule('x', parseExpr('sum(up)'), Labels.fromStrings('a', 'b'));
    expect(r.toString()).toBe('record: x\nexpr: sum(up)\nlabels:\n    a: b\n');
  });
});

describe('engineQueryFunc', () => {
  it('rejects a result that is not a vector or scalar', async () => {
    const q = engineQueryFunc(new Engine(), store.db);
    await expect(q('"text"', 0)).rejects.toBeInstanceOf(RuleResultTypeError);
    await expect(q('up[5m]', 0)).rejects.toBeInstanceOf(RuleResultTypeError);
  });
});
