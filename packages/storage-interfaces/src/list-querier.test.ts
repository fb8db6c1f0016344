import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { ListSeries } from './list-series.js';
import { listQuerier, listQueryable } from './list-querier.js';
import { expandSeriesSet } from './sample-iterators.js';

const series = [
  new ListSeries(Labels.fromStrings('__name__', 'up', 'job', 'b'), []),
  new ListSeries(Labels.fromStrings('__name__', 'up', 'job', 'a', 'zone', 'x'), []),
  new ListSeries(Labels.fromStrings('__name__', 'down'), []),
];

describe('listQuerier', () => {
  it('selects by matchers, sorted if asked', async () => {
    const q = listQuerier(series);
    const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', 'up')]);
    expect(expandSeriesSet(set).map((s) => s.labels().get('job'))).toEqual(['a', 'b']);
    const none = await q.select(false, undefined, [new Matcher(MatchType.Equal, 'job', 'c')]);
    expect(none.next()).toBe(false);
    const noJob = await q.select(false, undefined, [new Matcher(MatchType.Equal, 'job', '')]);
    expect(expandSeriesSet(noJob).map((s) => s.labels().get('__name__'))).toEqual(['down']);
  });

  it('answers label look-ups with limits', async () => {
    const q = listQueryable(series).querier(0, 1);
    expect((await q.labelNames(undefined, [])).values).toEqual(['__name__', 'job', 'zone']);
    expect((await q.labelNames({ limit: 2 }, [])).values).toEqual(['__name__', 'job']);
    expect((await q.labelValues('job', undefined, [])).values).toEqual(['a', 'b']);
    expect((await q.labelValues('job', undefined, [new Matcher(MatchType.Equal, 'zone', 'x')])).values).toEqual(['a']);
    await q.close();
  });
});
