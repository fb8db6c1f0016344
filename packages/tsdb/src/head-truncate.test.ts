import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';
import { truncateSliced, truncateSteps } from './head-truncate.js';

const L = (...s: string[]) => Labels.fromStrings(...s);

/** 1,000 series; those with an even index stop at t = 900, the others go on to t = 2,900. */
async function fill(): Promise<Head> {
  const head = new Head({ chunkRangeMs: 1000 });
  const app = head.appender();
  for (let t = 0; t < 3000; t += 100) {
    for (let i = 0; i < 1000; i++) if (i % 2 === 1 || t < 1000) app.append(0, L('i', String(i)), t, t + i);
  }
  await app.commit();
  return head;
}

async function contents(head: Head): Promise<Record<string, number[]>> {
  const q = head.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, [new Matcher(MatchType.Regexp, 'i', '.+')]);
  const out: Record<string, number[]> = {};
  while (set.next()) {
    const it = set.at().iterator();
    const ts: number[] = [];
    while (it.next() !== ValueType.None) ts.push(it.atT());
    out[set.at().labels().toString()] = ts;
  }
  await q.close();
  return out;
}

describe('truncation in slices', () => {
  it('leaves the head as truncating at once does', async () => {
    const a = await fill();
    const b = await fill();
    const removedA = a.truncate(2000);
    // A 0 ms slice yields at every step.
    const removedB = await truncateSliced(b.state, 2000, 0);
    expect([...removedB].sort()).toEqual([...removedA].sort());
    expect(removedA.size).toBe(500);
    expect(b.stats()).toEqual(a.stats());
    expect(b.stats().numSamples).toBe(500 * 10);
    expect(await contents(b)).toEqual(await contents(a));
    expect((await b.querier(0, 1e9).labelValues('i', undefined, [])).values).toHaveLength(500);
  });

  it('keeps a series that a commit between steps filled again', async () => {
    const head = await fill();
    const steps = truncateSteps(head.state, 2000);
    // The first step scans the first few hundred series: series 0 is found empty.
    let r = steps.next();
    expect(r.done).not.toBe(true);
    expect(head.state.series.getByLabels(L('i', '0'))?.isEmpty()).toBe(true);
    const app = head.appender();
    app.append(0, L('i', '0'), 2500, 1); // Scanned and found empty before this commit.
    await app.commit();
    while (r.done !== true) r = steps.next();
    const removed = r.value;
    expect(removed.has(head.state.series.getByLabels(L('i', '0'))?.ref ?? -1)).toBe(false);
    expect(removed.size).toBe(499);
    expect((await contents(head))['{i="0"}']).toEqual([2500]);
    expect(head.stats().numSeries).toBe(501);
    expect(head.stats().numSamples).toBe(500 * 10 + 1);
  });
});
