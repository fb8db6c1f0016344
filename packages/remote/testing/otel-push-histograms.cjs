// A Node app instrumented with the OpenTelemetry metrics SDK whose `request.latency` histogram is
// aggregated as an OTLP exponential histogram (an ExponentialHistogram view), exporting once over
// OTLP/HTTP protobuf to the URL given as its first argument; the values observed are the remaining
// arguments. Exits 0 when the export succeeded. Used by the server's OTLP interop test; its
// dependencies are @tsprom/remote's dev dependencies.
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { AggregationType, MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');

async function main() {
  const [url, ...values] = process.argv.slice(2);
  if (!url) throw new Error('usage: otel-push-histograms.cjs <OTLP metrics URL> <value>...');
  const exporter = new OTLPMetricExporter({ url });
  let failed;
  const orig = exporter.export.bind(exporter);
  exporter.export = (metrics, done) =>
    orig(metrics, (result) => {
      if (result.code !== 0) failed = result.error ?? new Error(`export failed with code ${result.code}`);
      done(result);
    });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'api', 'service.instance.id': 'i-2' }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    views: [{ instrumentName: 'request.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const latency = provider.getMeter('otel-push-histograms').createHistogram('request.latency', { unit: 's' });
  for (const v of values) latency.record(Number(v), { route: '/a' });
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
