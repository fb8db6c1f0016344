// The scrape cache on its own: lookups by position and by map, duplicates, staleness per ref,
// flushing, metadata.
import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScrapeCache } from './scrape-cache.js';

const L = (n: string) => Labels.fromStrings('__name__', n);

/** One successful scrape of `lines` (a ref per distinct line); returns the refs the cache knew. */
function scrape(c: ScrapeCache, lines: string[], refs: Map<string, number>): (number | undefined)[] {
  const known: (number | undefined)[] = [];
  for (const l of lines) {
    let e = c.get(l);
    known.push(e?.ref);
    const duplicate = c.alreadyScraped;
    if (e === undefined) {
      if (!refs.has(l)) refs.set(l, refs.size + 1);
      e = c.addRef(l, refs.get(l)!, L(l));
    }
    if (e !== undefined && !duplicate) c.trackStaleness(e);
  }
  return known;
}

function stale(c: ScrapeCache): number[] {
  const out: number[] = [];
  c.forEachStale((ref) => {
    out.push(ref);
    return true;
  });
  return out.sort((a, b) => a - b);
}

describe('ScrapeCache', () => {
  it('finds every line scraped before, whatever was inserted, removed or reordered', () => {
    const line = fc.integer({ min: 0, max: 30 }).map((i) => `m{i="${i}"}`);
    fc.assert(
      fc.property(fc.array(fc.array(line, { maxLength: 40 }), { minLength: 1, maxLength: 6 }), (scrapes) => {
        const c = new ScrapeCache();
        const refs = new Map<string, number>();
        let prev = new Set<string>();
        for (const lines of scrapes) {
          const known = scrape(c, lines, refs);
          // A line is known iff the previous scrape had it, or it came earlier in this one.
          const seen = new Set<string>();
          lines.forEach((l, i) => {
            expect(known[i] !== undefined, l).toBe(prev.has(l) || seen.has(l));
            if (known[i] !== undefined) expect(known[i]).toBe(refs.get(l));
            seen.add(l);
          });
          // Stale: what the previous scrape had and this one has not.
          const want = [...prev].filter((l) => !seen.has(l)).map((l) => refs.get(l)!);
          expect(stale(c)).toEqual(want.sort((a, b) => a - b));
          c.iterDone(true);
          prev = seen;
        }
      }),
    );
  });

  it('tells a line repeated within a scrape (alreadyScraped)', () => {
    const c = new ScrapeCache();
    scrape(c, ['a', 'b'], new Map());
    c.iterDone(true);
    c.get('a');
    expect(c.alreadyScraped).toBe(false);
    c.get('a');
    expect(c.alreadyScraped).toBe(true);
  });

  it('two texts of one series: not stale while either is scraped', () => {
    const c = new ScrapeCache();
    const e1 = c.addRef('a{x="1",y="2"}', 7, L('a'))!;
    c.trackStaleness(e1);
    c.iterDone(true);
    const e2 = c.addRef('a{y="2",x="1"}', 7, L('a'))!;
    c.trackStaleness(e2);
    expect(stale(c)).toEqual([]);
  });

  it('a failed scrape (discardCurrent) leaves every series of the last one stale', () => {
    const c = new ScrapeCache();
    const refs = new Map<string, number>();
    scrape(c, ['a', 'b'], refs);
    c.iterDone(true);
    scrape(c, ['a'], refs);
    c.discardCurrent();
    expect(stale(c)).toEqual([1, 2]);
    c.iterDone(false);
    // The lines it saw are not duplicates for the next scrape.
    c.get('a');
    expect(c.alreadyScraped).toBe(false);
  });

  it('forgets lines not seen in a successful scrape; failures force a flush only past 2n+1000', () => {
    const c = new ScrapeCache();
    const refs = new Map<string, number>();
    scrape(c, ['a', 'b'], refs);
    c.iterDone(true);
    scrape(c, ['a'], refs);
    c.iterDone(true);
    expect(c.seriesCount).toBe(1);
    const many = Array.from({ length: 1100 }, (_, i) => `x${i}`);
    scrape(c, many, refs);
    expect(c.iterDone(false)).toBe(true); // 1101 entries > 2·1 + 1000.
    expect(c.seriesCount).toBe(1100);
  });

  it('keeps metadata for the API, and ten scrapes after its family went', () => {
    const c = new ScrapeCache();
    c.setType('http_requests', 'counter');
    c.setHelp('http_requests', 'Requests.');
    c.setUnit('http_requests', '');
    expect(c.getMetadata('http_requests')).toEqual({
      metricFamily: 'http_requests',
      type: 'counter',
      help: 'Requests.',
      unit: '',
    });
    expect(c.lengthMetadata()).toBe(1);
    expect(c.sizeMetadata()).toBe('Requests.'.length + 'counter'.length);
    for (let i = 0; i < 11; i++) c.iterDone(true);
    expect(c.listMetadata()).toHaveLength(1);
    c.iterDone(true);
    expect(c.listMetadata()).toEqual([]);
  });
});
