import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Annotation, Annotations } from './annotations.js';
import { ListSeries } from './list-series.js';
import { noopChunkQuerier, noopQuerier } from './noop-querier.js';
import { expandSeriesSet } from './sample-iterators.js';
import {
  emptyChunkSeriesSet,
  emptySeriesSet,
  errorChunkSeriesSet,
  errorSeriesSet,
  ListSeriesSet,
  seriesSetFromList,
  warningsOnlySeriesSet,
} from './series-set.js';

const s = (...kv: string[]) => new ListSeries(Labels.fromStrings(...kv), []);

describe('seriesSetFromList', () => {
  it('keeps the order, or sorts a copy by labels', () => {
    const list = [s('a', '2'), s('a', '1', 'b', '1'), s('a', '1')];
    expect(expandSeriesSet(seriesSetFromList(list)).map((x) => x.labels().toString())).toEqual([
      '{a="2"}',
      '{a="1", b="1"}',
      '{a="1"}',
    ]);
    expect(expandSeriesSet(seriesSetFromList(list, true)).map((x) => x.labels().toString())).toEqual([
      '{a="1"}',
      '{a="1", b="1"}',
      '{a="2"}',
    ]);
    expect(list[0]?.labels().get('a')).toBe('2');
  });

  it('carries warnings and stays exhausted', () => {
    const ws = new Annotations().add(new Annotation('warning', 'w'));
    const set = new ListSeriesSet([s('a', '1')], ws);
    expect(set.next()).toBe(true);
    expect(set.next()).toBe(false);
    expect(set.next()).toBe(false);
    expect(() => set.at()).toThrow();
    expect(set.warnings()).toBe(ws);
  });
});

describe('fixed sets', () => {
  it.each([
    ['emptySeriesSet', emptySeriesSet(), undefined],
    ['emptyChunkSeriesSet', emptyChunkSeriesSet(), undefined],
    ['errorSeriesSet', errorSeriesSet(new Error('e1')), 'e1'],
    ['errorChunkSeriesSet', errorChunkSeriesSet(new Error('e2')), 'e2'],
    ['warningsOnlySeriesSet', warningsOnlySeriesSet(new Annotations().add(new Error('w'))), undefined],
  ])('%s has no series', (_name, set, err) => {
    expect(set.next()).toBe(false);
    expect(set.err()?.message).toBe(err);
  });

  it('warningsOnlySeriesSet carries its warnings', () => {
    const set = warningsOnlySeriesSet(new Annotations().add(new Error('w')));
    expect([...set.warnings()].map((e) => e.message)).toEqual(['w']);
  });
});

describe('noop queriers', () => {
  it('find nothing', async () => {
    for (const q of [noopQuerier(), noopChunkQuerier()]) {
      const set = await q.select(true, undefined, []);
      expect(set.next()).toBe(false);
      expect((await q.labelNames(undefined, [])).values).toEqual([]);
      expect((await q.labelValues('x', undefined, [])).values).toEqual([]);
      await q.close();
    }
    expect(noopQuerier()).toBe(noopQuerier());
  });
});
