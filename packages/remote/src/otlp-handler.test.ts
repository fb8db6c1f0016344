// The OpenTelemetry JS metrics SDK with its OTLP/HTTP protobuf exporter pushes to the OTLP
// receiver over HTTP; the series land in a TSDB with the names and labels Prometheus 3 gives them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { DefaultOTLPConfig, type OTLPConfig } from '@tsprom/config';
import { Matcher, MatchType } from '@tsprom/labels';
import {
  CustomBucketsSchema,
  expandSeriesSet,
  type Histogram,
  isStaleNaN,
  samplesFromIterator,
} from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTLPWriteHandler } from './otlp-handler.js';
import { buildMetricName } from './otlp-names.js';
import { OTLPTranslator } from './otlp-translate.js';
import { WriteHandler } from './receive-write-handler.js';

// The SDK's CommonJS builds: its ESM builds import files without extensions, which Node's ESM
// loader (vitest's, for dependencies) does not resolve.
const require = createRequire(import.meta.url);
const { OTLPMetricExporter } =
  require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
const { AggregationType, MeterProvider, PeriodicExportingMetricReader } =
  require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');

let db: DB;
let server: Server;
let url: string;
let otlpConfig: OTLPConfig = DefaultOTLPConfig;
const answers: number[] = [];

beforeEach(async () => {
  answers.length = 0;
  db = await DB.open();
  const handler = new OTLPWriteHandler({ writer: new WriteHandler({ appendable: db }), config: () => otlpConfig });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r = await handler.handle({
        header: (n) => req.headers[n] as string | undefined,
        body: Buffer.concat(chunks),
      });
      answers.push(r.status);
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/otlp/v1/metrics`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.close();
  otlpConfig = DefaultOTLPConfig;
});

/** Every stored series (labels as text) with its last value. */
async function stored(): Promise<Map<string, number>> {
  const q = db.querier(0, Date.now() + 60_000);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Regexp, '__name__', '.+')]);
  const out = new Map<string, number>();
  for (const s of expandSeriesSet(ss)) {
    const samples = samplesFromIterator(s.iterator());
    out.set(s.labels().toString(), (samples.at(-1) as { v: number }).v);
  }
  await q.close();
  return out;
}

/** The histograms stored under metric `name`, by labels as text. */
async function storedHistograms(name: string): Promise<Map<string, Histogram[]>> {
  const q = db.querier(0, Date.now() + 60_000);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', name)]);
  const out = new Map<string, Histogram[]>();
  for (const s of expandSeriesSet(ss)) {
    out.set(
      s.labels().toString(),
      samplesFromIterator(s.iterator()).map((x) => {
        if (!('h' in x) || x.h === undefined) throw new Error(`${s.labels().toString()}: not an integer histogram`);
        return x.h;
      }),
    );
  }
  await q.close();
  return out;
}

/** Absolute bucket counts by index from spans and delta-encoded buckets. */
function bucketCounts(
  spans: readonly { offset: number; length: number }[],
  deltas: readonly number[],
): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0;
  let k = 0;
  let cur = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++, idx++) {
      cur += deltas[k++]!;
      if (cur !== 0) out.set(idx, cur);
    }
  }
  return out;
}

const EXP_OBSERVATIONS = [0, 0.5, 1, 2, 4, 8, 300];

/** Exponential histograms of `latency` observations through an ExponentialHistogram view. */
async function pushExponential(): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'api', 'service.instance.id': 'i-2' }),
    readers: [
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: 3_600_000 }),
    ],
    views: [{ instrumentName: 'latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const latency = provider.getMeter('exp').createHistogram('latency', { unit: 's' });
  for (const v of EXP_OBSERVATIONS) latency.record(v, { route: '/a' });
  await provider.forceFlush();
  await provider.shutdown();
}

async function push(): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'i-1',
      'deployment.environment': 'prod',
    }),
    readers: [
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }), exportIntervalMillis: 3_600_000 }),
    ],
    views: [
      {
        instrumentName: 'http.server.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [10, 100, 1000] } },
      },
    ],
  });
  const meter = provider.getMeter('checkout-meter');
  const requests = meter.createCounter('http.server.requests', { unit: '{request}' });
  requests.add(3, { 'http.method': 'GET' });
  requests.add(2, { 'http.method': 'POST' });
  const duration = meter.createHistogram('http.server.duration', { unit: 'ms' });
  for (const v of [5, 50, 50, 500, 5000]) duration.record(v, { 'http.method': 'GET' });
  meter.createUpDownCounter('active.connections').add(7);
  meter.createObservableGauge('memory.usage', { unit: 'By' }).addCallback((r) => r.observe(1024));
  meter.createObservableGauge('cpu.utilization', { unit: '1' }).addCallback((r) => r.observe(0.25));
  await provider.forceFlush();
  await provider.shutdown();
}

describe('OTLP receiver with the OpenTelemetry JS SDK', () => {
  it('stores counters, up-down counters, gauges and histograms under Prometheus 3 names', async () => {
    await push();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((c) => c === 200)).toBe(true);
    const got = await stored();
    const id = 'instance="i-1", job="shop/checkout"';
    expect(got.get(`{__name__="http_server_requests_total", http_method="GET", ${id}}`)).toBe(3);
    expect(got.get(`{__name__="http_server_requests_total", http_method="POST", ${id}}`)).toBe(2);
    expect(got.get(`{__name__="active_connections", ${id}}`)).toBe(7);
    expect(got.get(`{__name__="memory_usage_bytes", ${id}}`)).toBe(1024);
    expect(got.get(`{__name__="cpu_utilization_ratio", ${id}}`)).toBe(0.25);
    const h = 'http_server_duration_milliseconds';
    expect(got.get(`{__name__="${h}_count", http_method="GET", ${id}}`)).toBe(5);
    expect(got.get(`{__name__="${h}_sum", http_method="GET", ${id}}`)).toBe(5605);
    for (const [le, n] of [
      ['10', 1],
      ['100', 3],
      ['1000', 4],
      ['+Inf', 5],
    ] as const) {
      expect(got.get(`{__name__="${h}_bucket", http_method="GET", ${id}, le="${le}"}`)).toBe(n);
    }
    const info = [...got.keys()].filter((k) => k.startsWith('{__name__="target_info"'));
    expect(info).toHaveLength(1);
    expect(info[0]).toContain('deployment_environment="prod"');
    expect(info[0]).toContain(id);
    expect(info[0]).not.toContain('service_name');
  });

  it('promotes resource attributes when configured and keeps identifying ones in target_info', async () => {
    otlpConfig = {
      ...DefaultOTLPConfig,
      promoteResourceAttributes: ['deployment.environment'],
      keepIdentifyingResourceAttributes: true,
    };
    await push();
    const got = await stored();
    expect(
      got.get('{__name__="active_connections", deployment_environment="prod", instance="i-1", job="shop/checkout"}'),
    ).toBe(7);
    const info = [...got.keys()].find((k) => k.startsWith('{__name__="target_info"'));
    expect(info).toContain('service_name="checkout"');
    expect(info).toContain('service_instance_id="i-1"');
  });

  it('answers a body that is not OTLP with 400 and an unknown content type with 400', async () => {
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x7f, 1]),
    });
    expect(bad.status).toBe(400);
    const ct = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(ct.status).toBe(400);
    expect(await ct.text()).toBe(
      'unsupported content type: text/plain, supported: [application/json, application/x-protobuf]\n',
    );
  });
});

describe('OTLP receiver with exponential and NHCB histograms from the SDK', () => {
  it('stores an exponential histogram as one native histogram series with the observations in its buckets', async () => {
    await pushExponential();
    expect(answers.every((c) => c === 200)).toBe(true);
    const got = await stored();
    // No _count, _sum or _bucket series beside the native histogram.
    expect([...got.keys()].filter((k) => k.includes('latency'))).toEqual([
      '{__name__="latency_seconds", instance="i-2", job="api", route="/a"}',
    ]);
    const hs = await storedHistograms('latency_seconds');
    const [h] = [...hs.values()][0]!;
    expect(h!.count).toBe(EXP_OBSERVATIONS.length);
    expect(h!.sum).toBe(EXP_OBSERVATIONS.reduce((a, b) => a + b, 0));
    expect(h!.zeroCount).toBe(1);
    expect(h!.schema).toBeLessThanOrEqual(8);
    expect(h!.schema).toBeGreaterThanOrEqual(-4);
    expect(h!.negativeSpans).toEqual([]);
    // Bucket i of schema s holds (2^((i-1)/2^s), 2^(i/2^s)].
    const want = new Map<number, number>();
    for (const v of EXP_OBSERVATIONS.filter((x) => x > 0)) {
      const idx = Math.ceil(Math.log2(v) * 2 ** h!.schema);
      want.set(idx, (want.get(idx) ?? 0) + 1);
    }
    expect(bucketCounts(h!.positiveSpans, h!.positiveBuckets)).toEqual(want);
  });

  it('stores an explicit-bucket histogram as a native histogram with custom buckets when configured', async () => {
    otlpConfig = { ...DefaultOTLPConfig, convertHistogramsToNHCB: true };
    await push();
    const got = await stored();
    expect([...got.keys()].some((k) => k.includes('http_server_duration_milliseconds_'))).toBe(false);
    const hs = await storedHistograms('http_server_duration_milliseconds');
    const [h] = hs.get(
      '{__name__="http_server_duration_milliseconds", http_method="GET", instance="i-1", job="shop/checkout"}',
    )!;
    expect(h!.schema).toBe(CustomBucketsSchema);
    expect(h!.customValues).toEqual([10, 100, 1000]);
    expect(h!.count).toBe(5);
    expect(h!.sum).toBe(5605);
    // [5, 50, 50, 500, 5000] in (-Inf,10], (10,100], (100,1000], (1000,+Inf].
    expect(bucketCounts(h!.positiveSpans, h!.positiveBuckets)).toEqual(
      new Map([
        [0, 1],
        [1, 2],
        [2, 1],
        [3, 1],
      ]),
    );
  });
});

describe('buildMetricName', () => {
  it('translates as the strategies say', () => {
    expect(buildMetricName('http.server.duration', 'ms', 'histogram', 'UnderscoreEscapingWithSuffixes')).toBe(
      'http_server_duration_milliseconds',
    );
    expect(buildMetricName('requests.total', '1/s', 'monotonic-counter', 'UnderscoreEscapingWithSuffixes')).toBe(
      'requests_per_second_total',
    );
    expect(buildMetricName('2xx.count', '', 'gauge', 'UnderscoreEscapingWithSuffixes')).toBe('_2xx_count');
    expect(buildMetricName('http.server.duration', 'ms', 'histogram', 'NoUTF8EscapingWithSuffixes')).toBe(
      'http.server.duration_milliseconds',
    );
    expect(buildMetricName('http.server.duration', 'ms', 'histogram', 'NoTranslation')).toBe('http.server.duration');
    expect(buildMetricName('disk.io', 'By', 'monotonic-counter', 'UnderscoreEscapingWithoutSuffixes')).toBe('disk_io');
  });
});

const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] };
const labelsOf = (tr: { timeseries: { labels: { name: string; value: string }[] }[] }): string[] =>
  tr.timeseries.map((t) => t.labels.map((l) => `${l.name}=${l.value}`).join(','));

describe('OTLPTranslator', () => {
  it('refuses sums and histograms that are not cumulative, per metric, and marks points without value stale', () => {
    const tr = new OTLPTranslator(DefaultOTLPConfig).translate({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'd',
                  sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: 1, timeUnixNano: 1e15 }] },
                },
                { name: 'e', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{}, {}] } },
                { name: 'u', exponentialHistogram: { dataPoints: [{}] } },
                { name: 'g', gauge: { dataPoints: [{ asDouble: 2, timeUnixNano: 2e15, flags: 0 }] } },
                { name: 's', gauge: { dataPoints: [{ asDouble: 2, timeUnixNano: 2e15, flags: 1 }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(tr.errors).toEqual([
      'invalid temporality and type combination for metric "d"',
      'invalid temporality and type combination for metric "e"',
      'invalid temporality and type combination for metric "u"',
    ]);
    expect(labelsOf(tr)).toEqual(['__name__=g,job=svc', '__name__=s,job=svc']);
    expect(tr.timeseries[0]!.samples).toEqual([{ timestamp: 2e9, value: 2 }]);
    // No recorded value: a stale marker.
    expect(isStaleNaN(tr.timeseries[1]!.samples[0]!.value)).toBe(true);
  });

  it('stores delta sums and exponential histograms as they come with native delta ingestion', () => {
    const tr = new OTLPTranslator(DefaultOTLPConfig, { allowDeltaTemporality: true }).translate({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'd',
                  sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: 4, timeUnixNano: 1e15 }] },
                },
                {
                  name: 'e',
                  exponentialHistogram: {
                    aggregationTemporality: 1,
                    dataPoints: [{ timeUnixNano: 1e15, count: 1, sum: 3, positive: { offset: 1, bucketCounts: [1] } }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(tr.errors).toEqual([]);
    expect(labelsOf(tr)).toEqual(['__name__=d_total,job=svc', '__name__=e,job=svc']);
    expect(tr.timeseries[0]!.samples).toEqual([{ timestamp: 1e9, value: 4 }]);
    expect(tr.timeseries[1]!.histograms).toMatchObject([{ resetHint: 3, countInt: 1, sum: 3, schema: 0 }]);
    expect(tr.timeseries[1]!.samples).toEqual([]);
  });

  it('carries exemplars of exponential histograms, counters and classic histogram buckets', () => {
    const traceId = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const spanId = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1]);
    const ex = (v: number, attrs: { key: string; value: { stringValue: string } }[] = []) => ({
      asDouble: v,
      timeUnixNano: 5e15,
      traceId,
      spanId,
      filteredAttributes: attrs,
    });
    const tr = new OTLPTranslator(DefaultOTLPConfig).translate({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'e',
                  exponentialHistogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        timeUnixNano: 5e15,
                        count: 1,
                        sum: 3,
                        positive: { bucketCounts: [0, 1] },
                        exemplars: [ex(3, [{ key: 'user', value: { stringValue: 'u1' } }])],
                      },
                    ],
                  },
                },
                {
                  name: 'c',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [{ asInt: 4, timeUnixNano: 5e15, exemplars: [{ asInt: 7, timeUnixNano: 5e15 }] }],
                  },
                },
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        timeUnixNano: 5e15,
                        count: 3,
                        sum: 60,
                        explicitBounds: [1, 10],
                        bucketCounts: [1, 1, 1],
                        exemplars: [ex(50), ex(0.5), ex(10)],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(tr.errors).toEqual([]);
    const by = new Map(tr.timeseries.map((t) => [labelsOf({ timeseries: [t] })[0]!, t.exemplars]));
    const ids = [
      { name: 'trace_id', value: '0102030405060708090a0b0c0d0e0f10' },
      { name: 'span_id', value: 'deadbeef00000001' },
    ];
    expect(by.get('__name__=e,job=svc')).toEqual([
      { labels: [...ids, { name: 'user', value: 'u1' }], value: 3, timestamp: 5e9 },
    ]);
    expect(by.get('__name__=c_total,job=svc')).toEqual([{ labels: [], value: 7, timestamp: 5e9 }]);
    expect(by.get('__name__=h_bucket,job=svc,le=1')!.map((e) => e.value)).toEqual([0.5]);
    expect(by.get('__name__=h_bucket,job=svc,le=10')!.map((e) => e.value)).toEqual([10]);
    expect(by.get('__name__=h_bucket,job=svc,le=+Inf')!.map((e) => e.value)).toEqual([50]);
    expect(by.get('__name__=h_count,job=svc')).toEqual([]);
  });

  it('drops filtered attributes of an exemplar past 128 runes of labels, and refuses a scale below -4', () => {
    const long = 'x'.repeat(128);
    const tr = new OTLPTranslator(DefaultOTLPConfig).translate({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'e',
                  exponentialHistogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        timeUnixNano: 5e15,
                        count: 0,
                        exemplars: [
                          {
                            asDouble: 1,
                            timeUnixNano: 5e15,
                            filteredAttributes: [{ key: 'k', value: { stringValue: long } }],
                          },
                        ],
                      },
                    ],
                  },
                },
                { name: 'bad', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{ scale: -5 }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(tr.errors).toEqual(['cannot convert exponential to native histogram. Scale must be >= -4, was -5']);
    expect(tr.timeseries[0]!.exemplars).toEqual([{ labels: [], value: 1, timestamp: 5e9 }]);
    expect(labelsOf(tr)).toEqual(['__name__=e,job=svc']);
  });
});
