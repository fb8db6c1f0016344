// The README's usage example, run as a test so the docs cannot drift.
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { expect, it } from 'vitest';
import { DB } from './index.js';

it('runs the README example', async () => {
  const printed: [number, number][] = [];
  const db = await DB.open();
  const app = db.appender();
  const ref = app.append(0, Labels.fromStrings('__name__', 'up', 'job', 'node'), 1_000, 1);
  app.append(ref, Labels.EMPTY, 16_000, 0);
  await app.commit();

  const q = db.querier(0, 60_000);
  const set = await q.select(true, undefined, [new Matcher(MatchType.Equal, 'job', 'node')]);
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== ValueType.None) printed.push([it.atT(), it.atV()]);
  }
  await q.close();
  await db.close();
  expect(printed).toEqual([
    [1000, 1],
    [16000, 0],
  ]);
});
