// Native histograms through the scrape loop, end to end: a protobuf body served over HTTP, parsed,
// limited as configured, appended to a real in-memory TSDB and read back.
import { Matcher, MatchType } from '@tsprom/labels';
import { CounterResetHint, type FloatHistogram, type Histogram } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BucketLimitError } from './errors.js';
import { pickSchema } from './histogram-limits.js';
import { type ExpositionServer, startExpositionServer } from './testing/exposition-server.js';
import { makeLoop } from './testing/loop-fixture.js';
import { encodeFamilies, PROTOBUF_CONTENT_TYPE, toDeltas } from './testing/native-histogram-exporter.js';
import { readAll, readHistograms } from './testing/read-storage.js';

const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

let db: DB;
let srv: ExpositionServer;
let inst: string;
beforeEach(async () => {
  db = await DB.open();
  srv = await startExpositionServer({ contentType: PROTOBUF_CONTENT_TYPE });
  inst = `instance="${srv.address}", job="test"`;
});
afterEach(async () => {
  await srv.close();
  await db.close();
});

/** Schema 2: 8 positive buckets (indexes 0..7, counts 1..8), 2 negative ones, 2 in the zero bucket. */
const POS = [1, 2, 3, 4, 5, 6, 7, 8];
const NEG = [1, 1];
const COUNT = 36 + 2 + 2;

function family(
  o: { float?: boolean; exemplars?: object[]; classic?: boolean; ts?: number; ct?: number } = {},
): Uint8Array {
  const histogram: Record<string, unknown> = {
    sample_sum: 123.5,
    schema: 2,
    zero_threshold: 1e-3,
    negative_span: [{ offset: 0, length: 2 }],
    positive_span: [{ offset: 0, length: 8 }],
  };
  if (o.float) {
    Object.assign(histogram, {
      sample_count_float: COUNT,
      zero_count_float: 2,
      negative_count: NEG,
      positive_count: POS,
    });
  } else {
    Object.assign(histogram, {
      sample_count: COUNT,
      zero_count: 2,
      negative_delta: toDeltas(NEG),
      positive_delta: toDeltas(POS),
    });
  }
  if (o.classic) {
    histogram.bucket = [
      { upper_bound: 1, cumulative_count: 5 },
      { upper_bound: 2, cumulative_count: 30 },
    ];
  }
  if (o.exemplars !== undefined) histogram.exemplars = o.exemplars;
  if (o.ct !== undefined) {
    histogram.created_timestamp = { seconds: Math.floor(o.ct / 1000), nanos: (o.ct % 1000) * 1e6 };
  }
  return encodeFamilies([
    {
      name: 'lat_seconds',
      help: 'Latency.',
      type: 4, // HISTOGRAM
      metric: [
        { label: [{ name: 'op', value: 'get' }], histogram, ...(o.ts !== undefined ? { timestamp_ms: o.ts } : {}) },
      ],
    },
  ]);
}

function shape(h: Histogram | FloatHistogram | undefined) {
  if (h === undefined) throw new Error('no histogram');
  return {
    schema: h.schema,
    count: h.count,
    sum: h.sum,
    zeroCount: h.zeroCount,
    positiveSpans: h.positiveSpans,
    positiveBuckets: h.positiveBuckets,
    negativeSpans: h.negativeSpans,
    negativeBuckets: h.negativeBuckets,
  };
}

describe('native histograms from the protobuf format', () => {
  it('are appended as histogram samples, their classic buckets ignored', async () => {
    srv.set({ body: family({ classic: true }) });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const got = await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`);
    expect(got).toHaveLength(1);
    expect(got[0]!.t).toBe(T0);
    expect(shape(got[0]!.h)).toEqual({
      schema: 2,
      count: COUNT,
      sum: 123.5,
      zeroCount: 2,
      positiveSpans: [{ offset: 0, length: 8 }],
      positiveBuckets: toDeltas(POS),
      negativeSpans: [{ offset: 0, length: 2 }],
      negativeBuckets: toDeltas(NEG),
    });
    const names = (await readAll(db)).map((s) => s.name);
    expect(names.filter((n) => n.startsWith('lat_seconds'))).toEqual(['lat_seconds']);
    expect((await readAll(db)).find((s) => s.name === 'scrape_samples_scraped')?.samples).toEqual([[T0, 1]]);
    await f.close();
  });

  it('with always_scrape_classic_histograms, also as classic series', async () => {
    srv.set({ body: family({ classic: true }) });
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, alwaysScrapeClassicHistograms: true },
    });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    expect(await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`)).toHaveLength(1);
    const classic = (await readAll(db)).filter((s) => s.name.startsWith('lat_seconds_'));
    expect(classic.map((s) => [s.labels, s.samples])).toEqual([
      [`{__name__="lat_seconds_bucket", ${inst}, le="+Inf", op="get"}`, [[T0, COUNT]]],
      [`{__name__="lat_seconds_bucket", ${inst}, le="1.0", op="get"}`, [[T0, 5]]],
      [`{__name__="lat_seconds_bucket", ${inst}, le="2.0", op="get"}`, [[T0, 30]]],
      [`{__name__="lat_seconds_count", ${inst}, op="get"}`, [[T0, COUNT]]],
      [`{__name__="lat_seconds_sum", ${inst}, op="get"}`, [[T0, 123.5]]],
    ]);
    await f.close();
  });

  it('without scrape_native_histograms, only as classic series', async () => {
    srv.set({ body: family({ classic: true }) });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: false } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const lat = (await readAll(db)).filter((s) => s.name.startsWith('lat_seconds'));
    expect(lat.map((s) => s.name)).toEqual([
      'lat_seconds_bucket',
      'lat_seconds_bucket',
      'lat_seconds_bucket',
      'lat_seconds_count',
      'lat_seconds_sum',
    ]);
    await f.close();
  });

  it('float histograms are appended as such', async () => {
    srv.set({ body: family({ float: true }) });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const got = await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`);
    expect(got[0]!.h).toBeUndefined();
    expect(shape(got[0]!.fh)).toMatchObject({ schema: 2, count: COUNT, positiveBuckets: POS, negativeBuckets: NEG });
    await f.close();
  });

  it('native_histogram_bucket_limit reduces the resolution until the buckets fit', async () => {
    for (const float of [false, true]) {
      srv.set({ body: family({ float }) });
      const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true, nativeHistogramBucketLimit: 5 } });
      const t = T0 + (float ? 1000 : 0);
      await f.loop.scrapeAndReport(t);
      expect(f.target.lastError).toBeUndefined();
      const got = (await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`)).find((s) => s.t === t);
      // Schema 2 → 1 (pos 0|1,2|3,4|5,6|7: 5 buckets, neg 2) → 0 (pos 0|1,2|3,4: 3, neg 2).
      const pos = [1, 14, 21];
      expect(shape(got?.h ?? got?.fh)).toEqual({
        schema: 0,
        count: COUNT,
        sum: 123.5,
        zeroCount: 2,
        positiveSpans: [{ offset: 0, length: 3 }],
        positiveBuckets: float ? pos : toDeltas(pos),
        negativeSpans: [{ offset: 0, length: 2 }],
        negativeBuckets: float ? NEG : toDeltas(NEG),
      });
      await f.close();
    }
  });

  it('native_histogram_bucket_limit fails the scrape when the lowest resolution still has too many', async () => {
    // Buckets 0 and 1 of either side never merge: 4 buckets at any schema.
    srv.set({ body: family() });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true, nativeHistogramBucketLimit: 3 } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeInstanceOf(BucketLimitError);
    expect(f.target.lastError?.message).toBe('histogram bucket limit exceeded');
    expect(f.target.health).toBe('down');
    expect(f.metrics.exceededNativeHistogramBucketLimit).toBe(1);
    expect(await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`)).toEqual([]);
    const up = (await readAll(db)).find((s) => s.name === 'up');
    expect(up?.samples).toEqual([[T0, 0]]);
    await f.close();
  });

  it('native_histogram_min_bucket_factor caps the schema', async () => {
    srv.set({ body: family() });
    // A growth factor of at least 1.4 is schema 1 (2^(2^-1) ≈ 1.41).
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, nativeHistogramMaxSchema: pickSchema(1.4) },
    });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const got = await readHistograms(db, `{__name__="lat_seconds", ${inst}, op="get"}`);
    expect(shape(got[0]!.h)).toMatchObject({
      schema: 1,
      positiveSpans: [{ offset: 0, length: 5 }],
      positiveBuckets: toDeltas([1, 5, 9, 13, 8]),
    });
    await f.close();
  });

  it('exemplars of a native histogram are stored, those without a timestamp dropped', async () => {
    const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
    srv.set({
      body: family({
        exemplars: [
          { label: [{ name: 'trace_id', value: 'b' }], value: 0.7, timestamp: ts(T0 - 500) },
          { label: [{ name: 'trace_id', value: 'untimed' }], value: 0.9 },
          { label: [{ name: 'trace_id', value: 'a' }], value: 3, timestamp: ts(T0 - 900) },
        ],
      }),
    });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true } });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    const got = db.exemplars(0, T0 + 1000, [new Matcher(MatchType.Equal, '__name__', 'lat_seconds')]);
    expect(got).toHaveLength(1);
    expect(got[0]!.exemplars.map((e) => [e.labels.toString(), e.value, e.ts])).toEqual([
      ['{trace_id="a"}', 3, T0 - 900],
      ['{trace_id="b"}', 0.7, T0 - 500],
    ]);
    await f.close();
  });
});

describe('convert_classic_histograms_to_nhcb', () => {
  const text = `# TYPE rpc_seconds histogram
rpc_seconds_bucket{le="0.5"} 3
rpc_seconds_bucket{le="1"} 5
rpc_seconds_bucket{le="+Inf"} 6
rpc_seconds_sum 4.25
rpc_seconds_count 6
`;

  for (const keep of [false, true]) {
    it(`stores classic histograms of the text format as NHCBs${keep ? ', and as classic series with always_scrape_classic_histograms' : ''}`, async () => {
      srv.set({ body: text, contentType: 'text/plain; version=0.0.4' });
      // scrape_native_histograms does not matter for NHCBs.
      const f = await makeLoop(db, srv.address, {
        options: { convertClassicHistogramsToNHCB: true, alwaysScrapeClassicHistograms: keep },
      });
      await f.loop.scrapeAndReport(T0);
      expect(f.target.lastError).toBeUndefined();
      const got = await readHistograms(db, `{__name__="rpc_seconds", ${inst}}`);
      expect(got).toHaveLength(1);
      expect(shape(got[0]!.h)).toEqual({
        schema: -53,
        count: 6,
        sum: 4.25,
        zeroCount: 0,
        positiveSpans: [{ offset: 0, length: 3 }],
        positiveBuckets: toDeltas([3, 2, 1]),
        negativeSpans: [],
        negativeBuckets: [],
      });
      expect(got[0]!.h?.customValues).toEqual([0.5, 1]);
      const classic = (await readAll(db)).filter((s) => s.name.startsWith('rpc_seconds_'));
      expect(classic).toHaveLength(keep ? 5 : 0);
      const scraped = (await readAll(db)).find((s) => s.name === 'scrape_samples_scraped');
      expect(scraped?.samples).toEqual([[T0, keep ? 6 : 1]]);
      await f.close();
    });
  }
});

describe('created-timestamp-zero-ingestion with native histograms', () => {
  const series = () => `{__name__="lat_seconds", ${inst}, op="get"}`;
  /**
   * A zero histogram as read back: the chunk gave it the bucket layout of the samples after it
   * (Prometheus's appender recodes a chunk when buckets appear), all of them empty.
   */
  function expectZero(h: Histogram | FloatHistogram | undefined): void {
    const z = shape(h);
    expect([z.schema, z.count, z.sum, z.zeroCount, h!.zeroThreshold]).toEqual([2, 0, 0, 0, 1e-3]);
    expect([...z.positiveBuckets, ...z.negativeBuckets].every((b) => b === 0)).toBe(true);
    expect(h!.counterResetHint).not.toBe(CounterResetHint.NotCounterReset);
  }

  it('a zero histogram of the same layout at the created timestamp, then the sample', async () => {
    const ct = T0 - 30_000;
    srv.set({ body: family({ ct }) });
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, enableCreatedTimestampZeroIngestion: true },
    });
    await f.loop.scrapeAndReport(T0);
    expect(f.target.lastError).toBeUndefined();
    // The same created timestamp again: the zero is in place, nothing more is appended.
    await f.loop.scrapeAndReport(T0 + 10_000);
    expect(f.target.lastError).toBeUndefined();
    const got = await readHistograms(db, series());
    expect(got.map((g) => g.t)).toEqual([ct, T0, T0 + 10_000]);
    expectZero(got[0]!.h);
    expect(shape(got[1]!.h).count).toBe(COUNT);
    expect(shape(got[2]!.h).count).toBe(COUNT);
    expect(f.metrics.sampleOutOfOrder).toBe(0);
    await f.close();
  });

  it('float histograms get a float zero histogram', async () => {
    const ct = T0 - 5_500;
    srv.set({ body: family({ float: true, ct }) });
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, enableCreatedTimestampZeroIngestion: true },
    });
    await f.loop.scrapeAndReport(T0);
    const got = await readHistograms(db, series());
    expect(got.map((g) => [g.t, g.h === undefined, g.fh?.count])).toEqual([
      [ct, true, 0],
      [T0, true, COUNT],
    ]);
    expectZero(got[0]!.fh);
    await f.close();
  });

  it('no zero when the created timestamp is older than the last sample, or not before the sample', async () => {
    srv.set({ body: family({ ct: T0 - 30_000 }) });
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, enableCreatedTimestampZeroIngestion: true },
    });
    await f.loop.scrapeAndReport(T0);
    // An older created timestamp than the series' newest sample: quietly not appended.
    srv.set({ body: family({ ct: T0 - 40_000 }) });
    await f.loop.scrapeAndReport(T0 + 10_000);
    // A created timestamp at the sample's own time: no zero either.
    srv.set({ body: family({ ct: T0 + 20_000 }) });
    await f.loop.scrapeAndReport(T0 + 20_000);
    expect(f.target.lastError).toBeUndefined();
    const got = await readHistograms(db, series());
    expect(got.map((g) => [g.t, g.h?.count])).toEqual([
      [T0 - 30_000, 0],
      [T0, COUNT],
      [T0 + 10_000, COUNT],
      [T0 + 20_000, COUNT],
    ]);
    expect(f.metrics.sampleOutOfOrder).toBe(0);
    expect(db.stats().outOfOrderSamples).toBe(0); // A refused zero is no rejected sample.
    await f.close();
  });

  it('a created timestamp after the last sample (a reset): a zero between them', async () => {
    srv.set({ body: family({ ct: T0 - 30_000 }) });
    const f = await makeLoop(db, srv.address, {
      options: { nativeHistograms: true, enableCreatedTimestampZeroIngestion: true },
    });
    await f.loop.scrapeAndReport(T0);
    srv.set({ body: family({ ct: T0 + 5_000 }) });
    await f.loop.scrapeAndReport(T0 + 10_000);
    const got = await readHistograms(db, series());
    expect(got.map((g) => [g.t, g.h?.count])).toEqual([
      [T0 - 30_000, 0],
      [T0, COUNT],
      [T0 + 5_000, 0],
      [T0 + 10_000, COUNT],
    ]);
    await f.close();
  });

  it('without the option, the created timestamp is not used', async () => {
    srv.set({ body: family({ ct: T0 - 30_000 }) });
    const f = await makeLoop(db, srv.address, { options: { nativeHistograms: true } });
    await f.loop.scrapeAndReport(T0);
    expect((await readHistograms(db, series())).map((g) => g.t)).toEqual([T0]);
    await f.close();
  });
});
