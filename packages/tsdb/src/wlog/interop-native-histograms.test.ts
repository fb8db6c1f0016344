// Interop with real Prometheus 2.42 for native histogram and exemplar records: Prometheus scrapes a
// protobuf endpoint served by this test, and we decode the WAL records it wrote.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import type { Histogram } from '@tsprom/storage-interfaces';
import { expect, it, onTestFinished } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { RecordType } from '../record/record-type.js';
import type { RefExemplar, RefHistogramSample, RefSeries } from '../record/ref-types.js';
import { readAllRecords } from './read-all.js';
import { missingPeers, type ServerPeer, startPrometheus, waitQuery } from './testing/peers.js';
import { WL } from './wl.js';

const missing = missingPeers();
if (missing.length > 0 && process.env.CI) throw new Error(`interop peers missing in CI: ${missing.join(', ')}`);
const test = missing.length === 0 ? it : it.skip;
const name =
  missing.length === 0
    ? 'decodes the native histogram and exemplar records Prometheus 2.42 writes'
    : `SKIPPED: peers missing (${missing.join(', ')})`;

// Minimal protobuf writer for io.prometheus.client.MetricFamily (delimited), enough for one
// native histogram and one counter with an exemplar.
class Pb {
  bytes: number[] = [];
  varint(x: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(x));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  uint(field: number, x: number): this {
    return this.tag(field, 0).varint(x);
  }
  sint(field: number, x: number): this {
    return this.tag(field, 0).varint(x < 0 ? -2 * x - 1 : 2 * x);
  }
  double(field: number, x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    this.tag(field, 1);
    this.bytes.push(...b);
    return this;
  }
  str(field: number, s: string): this {
    return this.msg(field, new Pb().raw(new TextEncoder().encode(s)));
  }
  raw(b: Uint8Array | number[]): this {
    this.bytes.push(...b);
    return this;
  }
  msg(field: number, m: Pb): this {
    this.tag(field, 2).varint(m.bytes.length);
    this.bytes.push(...m.bytes);
    return this;
  }
}

function label(n: string, v: string): Pb {
  return new Pb().str(1, n).str(2, v);
}

const EXEMPLAR_TS_MS = 1_700_000_000_123;

function metricFamilies(): Uint8Array {
  // Histogram: schema 0, zero threshold 0.001 with count 1, positive buckets 2, 3 | gap | 2.
  const h = new Pb()
    .uint(1, 8)
    .double(2, 12.5)
    .sint(5, 0)
    .double(6, 0.001)
    .uint(7, 1)
    .msg(12, new Pb().sint(1, 0).uint(2, 2))
    .msg(12, new Pb().sint(1, 1).uint(2, 1))
    .sint(13, 2)
    .sint(13, 1)
    .sint(13, -1);
  const hist = new Pb()
    .str(1, 'test_native_seconds')
    .str(2, 'A native histogram.')
    .uint(3, 4)
    .msg(4, new Pb().msg(1, label('kind', 'native')).msg(7, h));
  const exemplar = new Pb()
    .msg(1, label('trace_id', 'abc123'))
    .double(2, 0.5)
    .msg(3, new Pb().uint(1, Math.floor(EXEMPLAR_TS_MS / 1000)).uint(2, (EXEMPLAR_TS_MS % 1000) * 1e6));
  const counter = new Pb()
    .str(1, 'test_requests_total')
    .str(2, 'Requests.')
    .uint(3, 0)
    .msg(4, new Pb().msg(3, new Pb().double(1, 42).msg(2, exemplar)));
  const out = new Pb();
  for (const mf of [hist, counter]) out.varint(mf.bytes.length).raw(mf.bytes);
  return Uint8Array.from(out.bytes);
}

test(name, async () => {
  const root = await mkdtemp(join(tmpdir(), 'nh-interop-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const body = metricFamilies();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const targetPort = (server.address() as AddressInfo).port;
  const cfg = join(root, 'prometheus.yml');
  await writeFile(
    cfg,
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: nh\n    static_configs:\n      - targets: ['127.0.0.1:${targetPort}']\n`,
  );
  const data = join(root, 'data');
  let prom: ServerPeer | undefined;
  try {
    prom = await startPrometheus(cfg, data, ['--enable-feature=native-histograms,exemplar-storage']);
    // Three scrapes stored (the counter and the histogram come in the same scrape).
    await waitQuery(prom.url, 'count_over_time(test_requests_total[1h])', 3);
  } finally {
    await prom?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const dec = new RecordDecoder();
  const series = new Map<number, string>();
  const hs: RefHistogramSample[] = [];
  const exs: RefExemplar[] = [];
  const res = await readAllRecords(join(data, 'wal'), (rec) => {
    switch (dec.type(rec)) {
      case RecordType.Series:
        for (const s of dec.series(rec) as RefSeries[]) series.set(s.ref, s.labels.toString());
        break;
      case RecordType.HistogramSamples:
        dec.histogramSamples(rec, hs);
        break;
      case RecordType.Exemplars:
        dec.exemplars(rec, exs);
        break;
    }
  });
  expect(res.corruption).toBeUndefined();

  expect(hs.length).toBeGreaterThanOrEqual(3);
  for (const s of hs) {
    expect(series.get(s.ref)).toBe(
      `{__name__="test_native_seconds", instance="127.0.0.1:${targetPort}", job="nh", kind="native"}`,
    );
    expect(s.h).toMatchObject({
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 1,
      count: 8,
      sum: 12.5,
      positiveSpans: [
        { offset: 0, length: 2 },
        { offset: 1, length: 1 },
      ],
      negativeSpans: [],
      positiveBuckets: [2, 1, -1],
      negativeBuckets: [],
    });
  }
  expect(exs.length).toBe(1);
  expect(series.get(exs[0]!.ref)).toMatch(/^\{__name__="test_requests_total"/);
  expect(exs[0]!.t).toBe(EXEMPLAR_TS_MS);
  expect(exs[0]!.v).toBe(0.5);
  expect(exs[0]!.labels.toString()).toBe('{trace_id="abc123"}');
}, 300_000);

const name2 =
  missing.length === 0
    ? 'Prometheus 2.42 serves native histograms from a WAL we wrote'
    : `SKIPPED: peers missing (${missing.join(', ')})`;

test(name2, async () => {
  const root = await mkdtemp(join(tmpdir(), 'nh-ours-'));
  try {
    const data = join(root, 'data');
    const enc = new RecordEncoder();
    const w = await WL.open(join(data, 'wal'));
    const t0 = Date.now() - 60_000;
    await w.log(enc.series([{ ref: 1, labels: Labels.fromStrings('__name__', 'ours_native', 'a', 'b') }]));
    const hist = (k: number): Histogram => ({
      counterResetHint: 0,
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 1,
      count: 8 + k,
      sum: 12.5 + k,
      positiveSpans: [
        { offset: 0, length: 2 },
        { offset: 1, length: 1 },
      ],
      negativeSpans: [],
      positiveBuckets: [2, 1, -1 + k],
      negativeBuckets: [],
    });
    for (let k = 0; k < 3; k++) await w.log(...enc.histogramSamples([{ ref: 1, t: t0 + k * 1000, h: hist(k) }]));
    await w.close();

    const cfg = join(root, 'prometheus.yml');
    await writeFile(cfg, 'global:\n  scrape_interval: 1m\n');
    const prom = await startPrometheus(cfg, data, ['--enable-feature=native-histograms']);
    try {
      const q = new URLSearchParams({ query: 'ours_native[10m]', time: String((t0 + 5000) / 1000) });
      const res = (await (await fetch(`${prom.url}/api/v1/query?${q}`)).json()) as {
        data: {
          result: Array<{
            histograms: Array<
              [number, { count: string; sum: string; buckets: Array<[number, string, string, string]> }]
            >;
          }>;
        };
      };
      const got = res.data.result[0]!.histograms;
      expect(got.map(([t]) => Math.round(t * 1000))).toEqual([t0, t0 + 1000, t0 + 2000]);
      got.forEach(([, h], k) => {
        expect(Number(h.count)).toBe(8 + k);
        expect(Number(h.sum)).toBe(12.5 + k);
        // Zero bucket, then (0.5,1], (1,2], (4,8] with absolute counts 2, 3, 2+k.
        expect(h.buckets.map((b) => [b[1], b[2], Number(b[3])])).toEqual([
          ['-0.001', '0.001', 1],
          ['0.5', '1', 2],
          ['1', '2', 3],
          ['4', '8', 2 + k],
        ]);
      });
    } finally {
      await prom.stop();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}, 180_000);
