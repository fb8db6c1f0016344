// A Node app instrumented with the OpenTelemetry metrics SDK, exporting once over OTLP/HTTP
// protobuf to the URL given as its argument, then exiting (0 when the export succeeded). Used by
// the server's OTLP interop test; its dependencies are @tsprom/remote's dev dependencies.
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: otel-push.cjs <OTLP metrics URL>');
  const exporter = new OTLPMetricExporter({ url });
  let failed;
  const orig = exporter.export.bind(exporter);
  exporter.export = (metrics, done) =>
    orig(metrics, (result) => {
      if (result.code !== 0) failed = result.error ?? new Error(`export failed with code ${result.code}`);
      done(result);
    });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'i-1',
      'deployment.environment': 'prod',
    }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
  const meter = provider.getMeter('otel-push');
  const requests = meter.createCounter('http.server.requests', { unit: '{request}' });
  requests.add(3, { 'http.method': 'GET' });
  requests.add(2, { 'http.method': 'POST' });
  const duration = meter.createHistogram('http.server.duration', { unit: 'ms' });
  for (const v of [5, 50, 500]) duration.record(v, { 'http.method': 'GET' });
  meter.createObservableGauge('memory.usage', { unit: 'By' }).addCallback((r) => r.observe(1024));
  await provider.forceFlush();
  await provider.shutdown();
  if (failed) throw failed;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
