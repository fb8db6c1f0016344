// A receive worker's SeriesRefMirror must name a series by exactly the id the main thread's
// SeriesRefCache holds it under (or not at all), lesson after lesson, across the cache's clears;
// and a receiver using those ids must append what one reading every body itself appends.
import fc from 'fast-check';
import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { scanUsualV1, seriesHash } from './receive-v1-scan.js';
import { WriteHandler } from './receive-write-handler.js';
import { SeriesRefCache } from './series-ref-cache.js';
import { SeriesRefMirror } from './series-ref-mirror.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import { encodeWriteRequest, type PbLabel } from './write-request.js';

const NOW = 1_700_000_000_000;
// Few distinct names and values: label sets alike but for a byte, and some hashing alike.
const text = fc.constantFrom('__name__', 'up', 'job', 'a', 'b', 'é', '');
const labelSet = fc.array(fc.record({ name: text, value: text }), { maxLength: 3 });

function body(sets: PbLabel[][], t: number): Uint8Array {
  return encodeWriteRequest({
    timeseries: sets.map((labels, i) => ({
      labels,
      samples: [{ timestamp: t, value: i }],
      exemplars: [],
      histograms: [],
    })),
    metadata: [],
  });
}

describe('SeriesRefMirror', () => {
  it('resolves a scanned series to the id the cache holds its label bytes under, once taught (lessons whole or cut short), else to -1', () => {
    fc.assert(
      fc.property(
        fc.array(labelSet, { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        // undefined: lessons as the pool asks them (whole, for caches this small).
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        (pool, requests, max, lessonMax) => {
          const cache = new SeriesRefCache(max);
          const mirror = new SeriesRefMirror();
          let taughtEpoch = -1;
          let taught = 0;
          for (const picks of requests) {
            const buf = body(
              picks.map((p) => pool[p % pool.length]!),
              NOW,
            );
            const scan = scanUsualV1(buf)!;
            const lesson = cache.lesson(taughtEpoch, taught, lessonMax);
            if (lesson !== undefined) {
              if (lessonMax !== undefined) expect(lesson.hashes.length).toBeLessThanOrEqual(lessonMax);
              // A whole lesson leaves nothing of the epoch untaught.
              else expect(cache.byId(lesson.from + lesson.hashes.length)).toBeUndefined();
              mirror.learn(lesson);
              taughtEpoch = lesson.epoch;
              taught = lesson.from + lesson.hashes.length;
            }
            const ids = mirror.resolve(buf, scan);
            expect(mirror.epoch).toBe(cache.epoch);
            // As a taught worker scans: unhashed, the mirror hashing what it does not find in a row.
            const bare = scanUsualV1(buf, false)!;
            expect(mirror.resolve(buf, bare, false)).toEqual(ids);
            for (let i = 0; i < scan.series; i++) {
              expect(seriesHash(buf, { ...bare, ids }, i)).toBe(scan.hashes[i]);
              if (ids[i]! < 0) expect(bare.hashes[i]).toBe(scan.hashes[i]);
            }
            // What the cache holds as the request comes (before its new series are added).
            for (let i = 0; i < scan.series; i++) {
              const entry = cache.get(buf, scan.labels[2 * i]!, scan.labels[2 * i + 1]!, scan.hashes[i]!);
              expect(ids[i]).toBe(entry !== undefined && entry.id < taught ? entry.id : -1);
              if (entry !== undefined) expect(cache.byId(entry.id)).toBe(entry);
            }
            for (let i = 0; i < scan.series; i++) {
              const a = scan.labels[2 * i]!;
              const b = scan.labels[2 * i + 1]!;
              if (cache.get(buf, a, b, scan.hashes[i]!) === undefined)
                cache.add(buf, a, b, scan.hashes[i]!, Labels.EMPTY, 0);
            }
          }
        },
      ),
    );
  });

  it('finds series in the order learnt without hashing them, and hashes one unlike the entry expected next', () => {
    const set = (v: string): PbLabel[] => [
      { name: '__name__', value: 'up' },
      { name: 'job', value: v },
    ];
    const cache = new SeriesRefCache();
    const first = body([set('a'), set('b'), set('c')], NOW);
    const scan = scanUsualV1(first)!;
    for (let i = 0; i < scan.series; i++)
      cache.add(first, scan.labels[2 * i]!, scan.labels[2 * i + 1]!, scan.hashes[i]!, Labels.EMPTY, 0);
    const mirror = new SeriesRefMirror();
    mirror.learn(cache.lesson(-1, 0)!);

    const again = body([set('a'), set('b'), set('c')], NOW + 1);
    const s1 = scanUsualV1(again, false)!;
    expect([...mirror.resolve(again, s1, false)]).toEqual([0, 1, 2]);
    // The first is looked up by its hash; the next two are the entries after it.
    expect(s1.hashes[0]).toBe(scan.hashes[0]);
    expect([s1.hashes[1], s1.hashes[2]]).toEqual([0, 0]);

    // 'd' is one byte off 'b' (the entry expected after 'a'): not taken for it, hashed, not found.
    const off = body([set('a'), set('d'), set('c'), set('a')], NOW + 2);
    const s2 = scanUsualV1(off, false)!;
    const hashed = scanUsualV1(off)!;
    expect([...mirror.resolve(off, s2, false)]).toEqual([0, -1, 2, 0]);
    expect(s2.hashes[1]).toBe(hashed.hashes[1]);
    expect(s2.hashes[2]).toBe(hashed.hashes[2]);
    expect(s2.hashes[3]).toBe(hashed.hashes[3]);
  });

  it.each([2, 64])('lets receive workers resolve series as the main thread would (cache of %i)', async (size) => {
    const box: { rec?: Recorder } = {};
    const sharedRefs = new Map<string, number>();
    const handler = new WriteHandler({
      appendable: { appender: () => box.rec!.appender() },
      now: () => NOW,
      seriesRefCacheSize: size,
      receiveWorkers: 2,
      workerMinBytes: 0,
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(labelSet, { minLength: 1, maxLength: 8 }),
          fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
          async (pool, requests) => {
            const fast = new Recorder(sharedRefs);
            const ref = new Recorder();
            box.rec = fast;
            const hRef = new WriteHandler({ appendable: ref, now: () => NOW, receiveWorkers: 0 });
            let t = NOW - 1_000_000;
            // Two requests in flight at a time, as from senders with several connections.
            for (let r = 0; r + 1 < requests.length; r += 2) {
              const bodies = [requests[r]!, requests[r + 1]!].map((picks) =>
                body(
                  picks.map((p) => pool[p % pool.length]!),
                  t++,
                ),
              );
              const got = await Promise.all(
                bodies.map((b) => handler.handle({ header: () => undefined, body: snappyEncode(b) })),
              );
              for (const b of bodies) await hRef.handle({ header: () => undefined, body: snappyEncode(b) });
              expect(got.map((x) => x.status)).toEqual([204, 204]);
            }
            expect(fast.committed).toEqual(ref.committed);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await handler.close();
    }
  });
});
