// V1Writer.appendScanned appends the series whose refs it holds through the appender's bulk form
// (Appender.appendFloatsByRef), falling back to `append` for whatever that leaves. It must store
// exactly what the one-sample-at-a-time path stores and fail the same way, request after request:
// out-of-order, duplicate, too-old and future samples, series new or with invalid labels, refs the
// storage does not hold, series the scan only locates (with exemplars) between runs, with and
// without an out-of-order window, and with a worker's ids or not.
import fc from 'fast-check';
import { Matcher, MatchType } from '@tsprom/labels';
import { type Appender, expandSeriesSet, samplesFromIterator } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { describe, expect, it } from 'vitest';
import { V1Writer } from './receive-v1.js';
import { type ScannedV1, scanUsualV1 } from './receive-v1-scan.js';
import { SeriesRefCache } from './series-ref-cache.js';
import { SeriesRefMirror } from './series-ref-mirror.js';
import { encodeWriteRequest, type PbTimeSeries } from './write-request.js';

const NOW = 1_700_000_000_000;
const MAX_T = NOW + 600_000;

/** Every Appender method of `app` but the bulk form: appendScanned then appends sample by sample. */
function withoutBulk(app: Appender): Appender {
  return {
    append: (ref, ls, t, v) => app.append(ref, ls, t, v),
    appendExemplar: (ref, ls, e) => app.appendExemplar(ref, ls, e),
    appendHistogram: (ref, ls, t, h, fh) => app.appendHistogram(ref, ls, t, h, fh),
    appendSTZeroSample: (ref, ls, t, st) => app.appendSTZeroSample(ref, ls, t, st),
    appendHistogramSTZeroSample: (ref, ls, t, st, h, fh) => app.appendHistogramSTZeroSample(ref, ls, t, st, h, fh),
    updateMetadata: (ref, ls, m) => app.updateMetadata(ref, ls, m),
    setOptions: (o) => app.setOptions(o),
    commit: () => app.commit(),
    rollback: () => app.rollback(),
  };
}

/** Series names: the last has a label name Prometheus refuses (the series is skipped and counted). */
const POOL: PbTimeSeries['labels'][] = [
  [{ name: '__name__', value: 'a' }],
  [
    { name: '__name__', value: 'b' },
    { name: 'job', value: 'x' },
  ],
  [
    { name: '__name__', value: 'c' },
    { name: 'job', value: 'y' },
  ],
  [{ name: '__name__', value: 'd' }],
  [
    { name: '__name__', value: 'e' },
    { name: '0bad', value: 'z' },
  ],
];

// Timestamps near NOW (steps of 1 s, so that orders, duplicates and the window all come up), far
// back, or in the future past MAX_T.
const tsArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((k) => NOW + k * 1000) },
  { weight: 1, arbitrary: fc.constantFrom(NOW - 10 * 3_600_000, MAX_T + 1) },
);
const vArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }));

const step = fc.record({
  series: fc.array(
    fc.record({
      at: fc.nat(POOL.length - 1),
      samples: fc.array(fc.record({ timestamp: tsArb, value: vArb }), { maxLength: 4 }),
      // With an exemplar the scan only locates the series, decoded and appended in its turn
      // between the runs of the others.
      exemplar: fc.boolean(),
    }),
    { maxLength: 8 },
  ),
  // Ids of cache entries whose ref is replaced by one the head does not hold, before this request.
  staleIds: fc.array(fc.nat(POOL.length - 1), { maxLength: 2 }),
  withIds: fc.boolean(),
});

/** A receive worker's mirror of a writer's cache, and what it was taught of it. */
interface Taught {
  readonly mirror: SeriesRefMirror;
  epoch: number;
  taught: number;
}

const taught = (): Taught => ({ mirror: new SeriesRefMirror(), epoch: -1, taught: 0 });

interface Outcome {
  appended: number;
  error: string | undefined;
  invalid: number;
}

async function stored(db: DB): Promise<string[]> {
  const q = db.querier(0, MAX_T * 2);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Regexp, '__name__', '.+')]);
  const out: string[] = [];
  for (const s of expandSeriesSet(ss)) {
    const xs = samplesFromIterator(s.iterator()).map(
      (x) => `${x.t}=${Object.is((x as { v: number }).v, -0) ? '-0' : (x as { v: number }).v}`,
    );
    out.push(`${s.labels().toString()} ${xs.join(',')}`);
  }
  await q.close();
  return out;
}

/** Appends one scanned body with `w` into `db` (through `wrap`), commits or rolls back. */
async function receive(
  db: DB,
  w: V1Writer,
  wrap: (a: Appender) => Appender,
  body: Uint8Array,
  withIds: boolean,
  m: Taught,
): Promise<Outcome> {
  if (withIds) {
    // As the worker pool teaches a worker: what the cache added since the last lesson.
    const lesson = w.cache.lesson(m.epoch, m.taught, 1 << 16);
    if (lesson !== undefined) {
      m.mirror.learn(lesson);
      m.epoch = lesson.epoch;
      m.taught = lesson.from + lesson.hashes.length;
    }
  }
  // As a worker scans: a taught one leaves the series its mirror finds in a row unhashed.
  const taught = withIds && m.mirror.epoch >= 0;
  let scan: ScannedV1 = scanUsualV1(body, !taught)!;
  if (taught) scan = { ...scan, ids: m.mirror.resolve(body, scan, false), epoch: m.mirror.epoch };
  const app = wrap(db.appender());
  try {
    const appended = w.appendScanned(app, body, scan, MAX_T);
    await app.commit();
    return { appended, error: undefined, invalid: w.takeInvalid() };
  } catch (err) {
    await app.rollback();
    return { appended: -1, error: `${(err as Error).name}: ${(err as Error).message}`, invalid: w.takeInvalid() };
  }
}

/** `app`, counting the samples its bulk form took. */
function countingBulk(app: Appender, took: { n: number }): Appender {
  const bulk = app.appendFloatsByRef!.bind(app);
  return {
    ...withoutBulk(app),
    appendFloatsByRef: (refs, ts, vs, from, to) => {
      const k = bulk(refs, ts, vs, from, to);
      took.n += k - from;
      return k;
    },
  };
}

describe('V1Writer.appendScanned through the bulk form', () => {
  it.each([
    [0, undefined],
    [20_000, undefined],
    // A cache of 2 entries: adding a series clears it, and with it the ids of a run.
    [0, 2],
  ])(
    'stores and answers as sample-by-sample appending does (out-of-order window %i ms, cache size %s)',
    async (window, cacheSize) => {
      const took = { n: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
          const bulkDB = await DB.open(undefined, { outOfOrderTimeWindowMs: window });
          const oneDB = await DB.open(undefined, { outOfOrderTimeWindowMs: window });
          try {
            const bulk = new V1Writer(() => undefined, new SeriesRefCache(cacheSize));
            const one = new V1Writer(() => undefined, new SeriesRefCache(cacheSize));
            const bulkMirror = taught();
            const oneMirror = taught();
            for (const s of steps) {
              // Both caches hold the same entries under the same ids (same requests, same order).
              for (const id of s.staleIds) {
                if (bulk.cache.byId(id) === undefined) continue;
                bulk.cache.setRef(id, 900_000 + id);
                one.cache.setRef(id, 900_000 + id);
              }
              const body = encodeWriteRequest({
                timeseries: s.series.map((x) => ({
                  labels: POOL[x.at]!,
                  samples: x.samples,
                  exemplars: x.exemplar
                    ? [{ labels: [{ name: 'trace_id', value: 't' }], value: 1, timestamp: NOW }]
                    : [],
                  histograms: [],
                })),
                metadata: [],
              });
              const got = await receive(bulkDB, bulk, (a) => countingBulk(a, took), body, s.withIds, bulkMirror);
              const want = await receive(oneDB, one, withoutBulk, body.slice(), s.withIds, oneMirror);
              expect(got).toEqual(want);
            }
            expect(await stored(bulkDB)).toEqual(await stored(oneDB));
          } finally {
            await bulkDB.close();
            await oneDB.close();
          }
        }),
        { numRuns: 150 },
      );
      // The bulk form did take samples (the property would hold, too, if it never did).
      expect(took.n).toBeGreaterThan(0);
    },
    60_000,
  );
});
