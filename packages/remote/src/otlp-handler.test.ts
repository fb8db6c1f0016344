// The OpenTelemetry JS metrics SDK with its OTLP/HTTP protobuf exporter pushes to the OTLP
// receiver over HTTP; the series land in a TSDB with the names and labels Prometheus 3 gives them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { DefaultOTLPConfig, type OTLPConfig } from '@tsprom/config';
import { Matcher, MatchType } from '@tsprom/labels';
import { expandSeriesSet, isStaleNaN, samplesFromIterator } from '@tsprom/storage-interfaces';
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

describe('OTLPTranslator', () => {
  it('refuses sums and histograms that are not cumulative, per metric, and counts exponential histograms', () => {
    const tr = new OTLPTranslator(DefaultOTLPConfig).translate({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'd',
                  sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: 1, timeUnixNano: 1e15 }] },
                },
                { name: 'e', exponentialHistogram: { dataPoints: [{}, {}] } },
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
      'exponential histogram "e" not converted: native-histogram conversion of OTLP is not supported',
    ]);
    expect(tr.droppedExponentialHistogramPoints).toBe(2);
    expect(tr.timeseries.map((t) => t.labels.map((l) => `${l.name}=${l.value}`).join(','))).toEqual([
      '__name__=g,job=svc',
      '__name__=s,job=svc',
    ]);
    expect(tr.timeseries[0]!.samples).toEqual([{ timestamp: 2e9, value: 2 }]);
    // No recorded value: a stale marker.
    expect(isStaleNaN(tr.timeseries[1]!.samples[0]!.value)).toBe(true);
  });
});
