// The usage example of README.md, kept runnable so the docs cannot drift.
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { expect, it } from 'vitest';
import {
  chainedSeriesMerge,
  ListSeries,
  listQueryable,
  newMergeQuerier,
  type Sample,
  samplesFromIterator,
  ValueType,
} from './index.js';

it('README example: two list-backed queryables merged, selected and iterated', async () => {
  const up = (job: string) => Labels.fromStrings('__name__', 'up', 'job', job);
  const local = listQueryable([
    new ListSeries(up('api'), [
      { t: 1000, v: 1 },
      { t: 2000, v: 1 },
    ]),
  ]);
  const remote = listQueryable([
    new ListSeries(up('api'), [
      { t: 2000, v: 0 },
      { t: 3000, v: 1 },
    ]),
    new ListSeries(up('db'), [{ t: 1000, v: 0 }]),
  ]);

  // The local data is primary: its failures fail the query, and it wins equal timestamps.
  // The remote one is secondary: its failures become warnings.
  const q = newMergeQuerier([local.querier(0, 3000)], [remote.querier(0, 3000)], chainedSeriesMerge);
  const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', 'up')]);

  const got: Record<string, Sample[]> = {};
  while (set.next()) {
    const series = set.at();
    const it = series.iterator();
    const samples: Sample[] = [];
    while (it.next() === ValueType.Float) samples.push({ t: it.atT(), v: it.atV() });
    if (it.err()) throw it.err();
    got[series.labels().get('job')] = samples;
  }
  if (set.err()) throw set.err();
  await q.close();

  expect(got).toEqual({
    api: [
      { t: 1000, v: 1 },
      { t: 2000, v: 1 },
      { t: 3000, v: 1 },
    ],
    db: [{ t: 1000, v: 0 }],
  });
  expect([...set.warnings()]).toEqual([]);
  // samplesFromIterator is the short form for tests.
  expect(samplesFromIterator(new ListSeries(up('x'), [{ t: 1, v: 2 }]).iterator())).toEqual([{ t: 1, v: 2 }]);
});
