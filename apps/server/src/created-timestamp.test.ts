// `--enable-feature=created-timestamp-zero-ingestion` end to end: tsprom scrapes an exporter that
// serves the protobuf format with a counter carrying a created timestamp. With the feature the
// scrape asks for protobuf first (Prometheus's DefaultProtoFirstScrapeProtocols) and a 0 sample is
// stored at the created timestamp before the counter's samples; without it, neither.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtoWriter } from '@tsprom/remote';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getJSON, startTsprom, waitFor } from './testing/tsprom-process.js';

const PROTO_TYPE = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** io.prometheus.client.MetricFamily `requests_total` (COUNTER) with one metric: value and created timestamp. */
function counterFamily(value: number, createdMs: number): Uint8Array {
  const w = new ProtoWriter(256);
  const family = w.fork(); // The delimited format: each family's length in front of it.
  w.tag(1, 2);
  w.string('requests_total');
  w.tag(3, 0);
  w.uint32(0); // COUNTER
  w.tag(4, 2);
  const metric = w.fork();
  w.tag(1, 2);
  const label = w.fork();
  w.tag(1, 2);
  w.string('path');
  w.tag(2, 2);
  w.string('/');
  w.ldelim(label);
  w.tag(3, 2);
  const counter = w.fork();
  w.tag(1, 1);
  w.double(value);
  w.tag(3, 2);
  const ts = w.fork();
  w.tag(1, 0);
  w.int64(Math.floor(createdMs / 1000));
  w.tag(2, 0);
  w.int64((createdMs % 1000) * 1e6);
  w.ldelim(ts);
  w.ldelim(counter);
  w.ldelim(metric);
  w.ldelim(family);
  return w.finish().slice();
}

/** An exporter on 127.0.0.1 (a free port) answering protobuf when asked for it, else text. */
async function startExporter(createdMs: number): Promise<{ server: Server; address: string; accepts: string[] }> {
  const accepts: string[] = [];
  const server = createServer((req, res) => {
    const accept = req.headers.accept ?? '';
    accepts.push(accept);
    if (accept.startsWith('application/vnd.google.protobuf')) {
      res.writeHead(200, { 'content-type': PROTO_TYPE });
      res.end(counterFamily(5, createdMs));
    } else {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end('# TYPE requests_total counter\nrequests_total{path="/"} 5\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, accepts };
}

interface MatrixResult {
  data: { result: { values: [number, string][] }[] };
}

async function run(features: string[]): Promise<{ values: [number, string][]; accept: string; createdMs: number }> {
  const createdMs = Date.now() - 60_000 - 250;
  const exporter = await startExporter(createdMs);
  onTestFinished(() => new Promise<void>((resolve) => exporter.server.close(() => resolve())));
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-ct-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'prometheus.yml');
  await writeFile(
    cfg,
    `scrape_configs:\n  - job_name: app\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['${exporter.address}']\n`,
  );
  const srv = await startTsprom([`--config.file=${cfg}`, '--storage.tsdb.path=data', ...features], dir);
  try {
    let values: [number, string][] = [];
    await waitFor('two scrapes of requests_total', async () => {
      const q = new URLSearchParams({ query: 'requests_total[10m]', time: String(Date.now() / 1000 + 1) });
      const r = (await getJSON(`${srv.url}/api/v1/query?${q}`)).body as MatrixResult;
      values = r.data.result[0]?.values ?? [];
      return values.filter(([, v]) => v === '5').length >= 2;
    });
    return { values, accept: exporter.accepts[0]!, createdMs };
  } finally {
    await srv.stop();
  }
}

describe('--enable-feature=created-timestamp-zero-ingestion', () => {
  it('asks for protobuf first and stores a 0 at the created timestamp', { timeout: 240_000 }, async () => {
    const { values, accept, createdMs } = await run(['--enable-feature=created-timestamp-zero-ingestion']);
    expect(accept.startsWith('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily')).toBe(true);
    // The zero once, at the created timestamp (in seconds, as the API gives it), then the samples.
    expect(values[0]).toEqual([createdMs / 1000, '0']);
    expect(values.slice(1).every(([, v]) => v === '5')).toBe(true);
  });

  it(
    'without the feature: the default protocols (OpenMetrics first) and no 0 sample',
    { timeout: 240_000 },
    async () => {
      const { values, accept } = await run([]);
      expect(accept.startsWith('application/openmetrics-text')).toBe(true);
      expect(values.every(([, v]) => v === '5')).toBe(true);
    },
  );
});
