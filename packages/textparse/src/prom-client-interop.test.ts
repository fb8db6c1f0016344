// Real bytes from a second producer: prom-client (the Node.js client library) writes its registry
// in the Prometheus text format and in OpenMetrics, with exemplars. Both must parse to the same
// series (OpenMetrics adding `_created` series), with the values the instrumentation recorded.
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Entry, newParser, OpenMetricsParser, type Parser, PromParser } from './index.js';

function registry(contentType: string): client.Registry {
  const reg = new client.Registry();
  reg.setContentType(contentType as never);
  const om = contentType === client.Registry.OPENMETRICS_CONTENT_TYPE;
  const c = new client.Counter({
    name: 'jobs_total',
    help: 'Jobs done.\nSecond "line" \\ here.',
    labelNames: ['queue', 'status'],
    registers: [reg],
    enableExemplars: om,
  });
  if (om) c.inc({ labels: { queue: 'a', status: 'ok' }, value: 3, exemplarLabels: { traceId: 'abc123' } as never });
  else c.inc({ queue: 'a', status: 'ok' }, 3);
  if (om) c.inc({ labels: { queue: 'b"x\\y\nz', status: 'fail' }, value: 1.5 });
  else c.inc({ queue: 'b"x\\y\nz', status: 'fail' }, 1.5);
  const g = new client.Gauge({ name: 'temp_celsius', help: 'T.', registers: [reg] });
  g.set(-12.25);
  const h = new client.Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames: ['route'],
    buckets: [0.005, 0.1, 1, 10],
    registers: [reg],
  });
  for (const v of [0.001, 0.05, 0.5, 5, 50]) h.observe({ route: '/x' }, v);
  const s = new client.Summary({ name: 'size_bytes', help: 'S.', percentiles: [0.5, 0.9], registers: [reg] });
  for (let i = 1; i <= 10; i++) s.observe(i);
  return reg;
}

function read(p: Parser): Map<string, number> {
  const out = new Map<string, number>();
  for (let e = p.next(); e !== Entry.EOF; e = p.next())
    if (e === Entry.Series) out.set(p.labels().toString(), p.value());
  return out;
}

describe('prom-client expositions', () => {
  it('text and OpenMetrics give the same series and values', async () => {
    const text = new TextEncoder().encode(await registry(client.Registry.PROMETHEUS_CONTENT_TYPE).metrics());
    const omReg = registry(client.Registry.OPENMETRICS_CONTENT_TYPE);
    const om = new TextEncoder().encode(await omReg.metrics());
    const t = newParser(text, client.Registry.PROMETHEUS_CONTENT_TYPE);
    const o = newParser(om, omReg.contentType);
    expect(t.parser).toBeInstanceOf(PromParser);
    expect(o.parser).toBeInstanceOf(OpenMetricsParser);
    const fromText = read(t.parser);
    const fromOm = read(o.parser);
    for (const [k, v] of fromText) expect(fromOm.get(k), k).toBe(v);
    const extra = [...fromOm.keys()].filter((k) => !fromText.has(k));
    for (const k of extra) expect(k).toMatch(/_created"/);
    expect(fromText.get('{__name__="jobs_total", queue="a", status="ok"}')).toBe(3);
    expect(fromText.get('{__name__="jobs_total", queue="b\\"x\\\\y\\nz", status="fail"}')).toBe(1.5);
    expect(fromText.get('{__name__="latency_seconds_bucket", le="0.1", route="/x"}')).toBe(2);
    expect(fromText.get('{__name__="latency_seconds_bucket", le="1.0", route="/x"}')).toBe(3);
    expect(fromText.get('{__name__="latency_seconds_bucket", le="10.0", route="/x"}')).toBe(4);
    expect(fromText.get('{__name__="latency_seconds_bucket", le="+Inf", route="/x"}')).toBe(5);
    expect(fromText.get('{__name__="temp_celsius"}')).toBe(-12.25);
  });

  it('reads the exemplar and created timestamps prom-client writes in OpenMetrics', async () => {
    const reg = registry(client.Registry.OPENMETRICS_CONTENT_TYPE);
    const p = new OpenMetricsParser(new TextEncoder().encode(await reg.metrics()));
    let exemplars = 0;
    let help = '';
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
      if (e === Entry.Help && p.metadataName() === 'jobs') help = p.help();
      if (e !== Entry.Series) continue;
      const ex = p.exemplar();
      if (ex !== undefined) {
        exemplars++;
        expect(ex.labels.get('traceId')).toBe('abc123');
        expect(ex.value).toBe(3);
      }
    }
    expect(exemplars).toBe(1);
    expect(help).toBe('Jobs done.\nSecond "line" \\ here.');
  });
});
