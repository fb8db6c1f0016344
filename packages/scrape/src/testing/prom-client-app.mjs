// A small Node app instrumented with prom-client, for scrape interop tests: the Prometheus text
// format at /metrics, OpenMetrics (with an exemplar) at /openmetrics. Every value is fixed, so a
// test knows what a scrape must store. Prints `listening on 127.0.0.1:<port>`.
import { createServer } from 'node:http';
import client from 'prom-client';

function instrument(reg, om) {
  const jobs = new client.Counter({
    name: 'app_jobs_total',
    help: 'Jobs done.',
    labelNames: ['queue'],
    registers: [reg],
    enableExemplars: om,
  });
  if (om) jobs.inc({ labels: { queue: 'a' }, value: 3, exemplarLabels: { trace_id: 'abc' } });
  else jobs.inc({ queue: 'a' }, 3);
  if (om) jobs.inc({ labels: { queue: 'b"\\' }, value: 2 });
  else jobs.inc({ queue: 'b"\\' }, 2);
  new client.Gauge({ name: 'app_temperature_celsius', help: 'Temperature.', registers: [reg] }).set(-12.5);
  const h = new client.Histogram({
    name: 'app_latency_seconds',
    help: 'Latency.',
    buckets: [0.1, 1, 10],
    registers: [reg],
  });
  for (const v of [0.05, 0.5, 5, 50]) h.observe(v);
  const s = new client.Summary({ name: 'app_size_bytes', help: 'Sizes.', percentiles: [0.5, 0.9], registers: [reg] });
  for (let i = 1; i <= 10; i++) s.observe(i);
  new client.Gauge({ name: 'app_info', help: 'Build.', labelNames: ['version'], registers: [reg] })
    .labels('1.2.3')
    .set(1);
}

const text = new client.Registry();
instrument(text, false);
const om = new client.Registry(client.Registry.OPENMETRICS_CONTENT_TYPE);
instrument(om, true);

const server = createServer(async (req, res) => {
  const reg = req.url === '/openmetrics' ? om : text;
  res.writeHead(200, { 'content-type': reg.contentType });
  res.end(await reg.metrics());
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
