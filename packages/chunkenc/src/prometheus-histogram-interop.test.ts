// Compatibility with real Prometheus (2.42, native histograms on): integer and float histograms pushed through its
// remote write receiver end up in head chunks, which it m-maps to chunks_head/ when they are
// complete (and flushes on shutdown). Every histogram chunk it wrote must decode to the histograms
// we sent, re-encode to the same bytes, and come out byte for byte of our appender fed the same
// samples (same recoding, same cuts, same counter reset header, stale markers alike).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FloatHistogram, Histogram, SampleIterator } from '@tsprom/storage-interfaces';
import {
  CounterResetHint,
  copyFloatHistogram,
  copyHistogram,
  Encoding,
  histogramToFloat,
  isStaleNaN,
  StaleNaN,
  ValueType,
} from '@tsprom/storage-interfaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { float64Bits } from './float-bits.js';
import { FloatHistogramChunk } from './float-histogram-chunk.js';
import { HistogramChunk } from './histogram-chunk.js';
import { CounterResetHeader } from './histogram-layout.js';
import { canonical, type HistogramSeed, intHistogram } from './testing/histogram-gen.js';
import { encodeHistogramWriteRequest, type HistogramSeries, snappyLiterals } from '@tsprom/test-support';
import { hex } from './testing/test-helpers.js';
import { uvarint, type VarintResult } from './varint.js';

const PROMETHEUS = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const havePrometheus = existsSync(PROMETHEUS);
if (!havePrometheus && process.env.CI) throw new Error(`${PROMETHEUS} is missing (required when CI is set)`);
const title = havePrometheus
  ? 'histogram and float histogram chunks written by real Prometheus (remote write, chunks_head)'
  : `SKIPPED: ${PROMETHEUS} not installed (histogram chunks written by real Prometheus)`;

const HEAD_CHUNKS_MAGIC = 0x0130bc91;
const T0 = 1_700_006_400_000; // On a 2 h boundary: the head cuts no chunk on time within 75 min.

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  name: string;
  float: boolean;
  samples: { t: number; h: Histogram | FloatHistogram }[];
}

// Counter histograms whose buckets only ever appear (Prometheus 2.42 counts a vanished bucket as a
// reset even when empty), with resets, schema and zero threshold changes, and gauges.
function makeSeries(): Sent[] {
  const r = rng(42);
  const out: Sent[] = [];
  const counter = (
    name: string,
    seeds: (i: number) => HistogramSeed,
    resetEvery: number,
    big: boolean,
    n = 300,
  ): void => {
    const samples: { t: number; h: Histogram }[] = [];
    let t = T0 + Math.floor(r() * 1000);
    const abs = new Map<string, number>();
    let z = 0;
    for (let i = 0; i < n; i++) {
      const seed = seeds(i);
      if (resetEvery > 0 && i > 0 && i % resetEvery === 0) {
        abs.clear();
        z = 0;
      }
      const fill = (spans: HistogramSeed['positiveSpans'], sign: string): number[] => {
        const vs: number[] = [];
        let idx = 0;
        for (const s of spans) {
          idx += s.offset;
          for (let j = 0; j < s.length; j++, idx++) {
            const k = `${seed.schema}${sign}${idx}`;
            const v = (abs.get(k) ?? 0) + Math.floor(r() * (big ? 2 ** 30 : 5));
            abs.set(k, v);
            vs.push(v);
          }
        }
        return vs;
      };
      const p = fill(seed.positiveSpans, '+');
      const ng = fill(seed.negativeSpans, '-');
      z += Math.floor(r() * 3);
      const sum = out.length * 1e9 + i * 0.25 + (big ? r() * 1e6 : 0);
      samples.push({ t, h: intHistogram(seed, z, sum, p, ng) });
      t += 15_000 + Math.floor((r() - 0.5) * 20);
    }
    out.push({ name, float: false, samples });
  };
  // New buckets above, below and between the old ones: recoding with forward inserts.
  counter(
    'h_growing',
    (i) => ({
      schema: 3,
      zeroThreshold: 2 ** -128,
      positiveSpans:
        i < 40
          ? [{ offset: 0, length: 2 }]
          : i < 90
            ? [{ offset: 0, length: 3 }]
            : i < 170
              ? [
                  { offset: -3, length: 1 },
                  { offset: 2, length: 3 },
                ]
              : [
                  { offset: -3, length: 1 },
                  { offset: 0, length: 1 },
                  { offset: 1, length: 3 },
                  { offset: 5, length: 2 },
                ],
      negativeSpans: i < 200 ? [] : [{ offset: 1, length: 2 }],
    }),
    0,
    false,
  );
  counter(
    'h_resets',
    () => ({
      schema: 0,
      zeroThreshold: 0.001,
      positiveSpans: [{ offset: -1, length: 4 }],
      negativeSpans: [
        { offset: 0, length: 2 },
        { offset: 3, length: 1 },
      ],
    }),
    70,
    false,
  );
  counter(
    'h_schema_change',
    (i) => ({
      schema: i < 150 ? 2 : 1,
      zeroThreshold: i < 230 ? 2 ** -128 : 2 ** -10,
      positiveSpans: [{ offset: 1, length: 5 }],
      negativeSpans: [],
    }),
    0,
    false,
  );
  counter(
    'h_big',
    () => ({
      schema: 8,
      zeroThreshold: 0,
      positiveSpans: [{ offset: 100, length: 6 }],
      negativeSpans: [{ offset: -50, length: 3 }],
    }),
    0,
    true,
  );
  // Gauge histograms: counts go up and down, buckets come and go.
  const gauge: { t: number; h: Histogram }[] = [];
  let t = T0 + 500;
  for (let i = 0; i < 300; i++) {
    const lo = Math.floor(r() * 4);
    const len = 1 + Math.floor(r() * 4);
    const seed: HistogramSeed = {
      schema: 1,
      zeroThreshold: 2 ** -128,
      positiveSpans: [{ offset: lo, length: len }],
      negativeSpans: [],
    };
    const p = Array.from({ length: len }, () => 1 + Math.floor(r() * 9));
    gauge.push({ t, h: intHistogram(seed, Math.floor(r() * 5), out.length * 1e9 + i, p, [], CounterResetHint.Gauge) });
    t += 15_000;
  }
  out.push({ name: 'h_gauge', float: false, samples: gauge });
  // Stale markers (a stale NaN sum): they go into the open chunk; a histogram after one does not.
  const stale = out[1]!.samples.map(({ t, h }, i) => {
    const c = { ...h, sum: h.sum + 0.125 };
    if (i === 100 || i === 101 || i === 200) {
      c.sum = StaleNaN;
      c.positiveSpans = [];
      c.negativeSpans = [];
      c.positiveBuckets = [];
      c.negativeBuckets = [];
      return { t: t + 1, h: c };
    }
    return { t: t + 1, h: c };
  });
  out.push({ name: 'h_stale', float: false, samples: stale });
  // Float histograms: the same shapes with fractional counts (each bucket scaled by 1.5).
  for (const s of out.slice()) {
    out.push({
      name: `f${s.name}`,
      float: true,
      samples: s.samples.map(({ t, h }) => {
        const f = histogramToFloat(h as Histogram);
        f.positiveBuckets = f.positiveBuckets.map((v) => v * 1.5);
        f.negativeBuckets = f.negativeBuckets.map((v) => v * 1.5);
        f.zeroCount *= 1.5;
        f.count *= 1.5;
        if (!isStaleNaN(f.sum)) f.sum += 5e8;
        return { t: t + 3, h: f }; // Stale markers have equal sums: keep the samples apart by time.
      }),
    });
  }
  return out;
}

interface HeadChunk {
  ref: bigint;
  mint: number;
  maxt: number;
  encoding: number;
  data: Uint8Array;
}

function readHeadChunks(dir: string): HeadChunk[] {
  const out: HeadChunk[] = [];
  const vr: VarintResult = { value: 0, n: 0 };
  for (const f of readdirSync(dir).sort()) {
    const b = readFileSync(join(dir, f));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(dv.getUint32(0)).toBe(HEAD_CHUNKS_MAGIC);
    let p = 8;
    while (p + 25 < b.length) {
      const ref = dv.getBigUint64(p);
      if (ref === 0n && dv.getBigUint64(p + 8) === 0n) break; // Preallocated zeros: the end.
      const mint = Number(dv.getBigInt64(p + 8));
      const maxt = Number(dv.getBigInt64(p + 16));
      const encoding = b[p + 24]!;
      uvarint(b, p + 25, vr);
      const start = p + 25 + vr.n;
      const data = new Uint8Array(b.subarray(start, start + vr.value));
      // The CRC covers series ref through data (head chunk format).
      expect(crc32c(b.subarray(p, start + vr.value))).toBe(dv.getUint32(start + vr.value));
      out.push({ ref, mint, maxt, encoding, data });
      p = start + vr.value + 4;
    }
  }
  return out;
}

async function startPrometheus(dir: string): Promise<{ url: string; stop: () => Promise<void>; output: () => string }> {
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const proc: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-remote-write-receiver',
      '--enable-feature=native-histograms',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    process.kill(proc.pid, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited early:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 60 s:\n${out}`);
    }
    const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(out);
    if (m !== null) {
      const url = `http://127.0.0.1:${m[1]}`;
      try {
        const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) return { url, stop, output: () => out };
      } catch {
        // Not answering yet.
      }
    }
    await sleep(100);
  }
}

function staleOnly(): Histogram {
  return {
    ...intHistogram({ schema: 0, zeroThreshold: 0, positiveSpans: [], negativeSpans: [] }, 0, 0, [], []),
    sum: StaleNaN,
  };
}

type AnyChunk = HistogramChunk | FloatHistogramChunk;
interface Codec {
  fromBytes(b: Uint8Array): AnyChunk;
  make(): AnyChunk;
  append(c: AnyChunk, t: number, h: Histogram | FloatHistogram, prev?: AnyChunk): AnyChunk | undefined;
  at(it: SampleIterator): Histogram | FloatHistogram;
}
const intCodec: Codec = {
  fromBytes: (b) => HistogramChunk.fromBytes(b),
  make: () => new HistogramChunk(),
  append: (c, t, h, prev) =>
    (c as HistogramChunk).appendHistogram(t, h as Histogram, prev as HistogramChunk | undefined),
  at: (it) => copyHistogram(it.atHistogram()),
};
const floatCodec: Codec = {
  fromBytes: (b) => FloatHistogramChunk.fromBytes(b),
  make: () => new FloatHistogramChunk(),
  append: (c, t, h, prev) =>
    (c as FloatHistogramChunk).appendFloatHistogram(t, h as FloatHistogram, prev as FloatHistogramChunk | undefined),
  at: (it) => copyFloatHistogram(it.atFloatHistogram()),
};

describe.runIf(havePrometheus)(title, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsprom-hchunk-'));
  const sent = makeSeries();
  let chunks: HeadChunk[] = [];
  let promOutput = '';

  beforeAll(async () => {
    const prom = await startPrometheus(dir);
    try {
      const series: HistogramSeries[] = sent.map((s) => ({
        labels: [['__name__', s.name]],
        samples: s.samples.map(({ t, h }) => ({ t, h, float: s.float })),
      }));
      const body = snappyLiterals(encodeHistogramWriteRequest(series));
      const res = await fetch(`${prom.url}/api/v1/write`, {
        method: 'POST',
        body,
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Encoding': 'snappy',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
        },
      });
      const text = await res.text();
      if (res.status !== 204) throw new Error(`remote write: ${res.status} ${text}`);
    } finally {
      await prom.stop();
      promOutput = prom.output();
    }
    chunks = readHeadChunks(join(dir, 'data', 'chunks_head'));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('wrote histogram and float histogram chunks for every series', () => {
    const hist = chunks.filter((c) => c.encoding === Encoding.Histogram || c.encoding === Encoding.FloatHistogram);
    expect(hist.length, promOutput).toBeGreaterThan(sent.length);
    expect(new Set(hist.map((c) => c.ref)).size).toBe(sent.length);
    expect(hist.filter((c) => c.encoding === Encoding.FloatHistogram).length).toBeGreaterThan(sent.length / 2);
  });

  it.each([
    ['integer', Encoding.Histogram],
    ['float', Encoding.FloatHistogram],
  ])('decodes each %s histogram chunk to what was sent, re-encodes it to the same bytes, and our appender writes it the same', (_kind, encoding) => {
    const float = encoding === Encoding.FloatHistogram;
    const codec = float ? floatCodec : intCodec;
    const bySample = new Map<string, { s: Sent; i: number }>();
    for (const s of sent) {
      for (let i = 0; i < s.samples.length; i++)
        bySample.set(`${s.samples[i]!.t}/${float64Bits(s.samples[i]!.h.sum)}`, { s, i });
    }
    const hist = chunks.filter((c) => c.encoding === encoding).sort((a, b) => a.mint - b.mint);
    const prevOf = new Map<bigint, AnyChunk>();
    let checked = 0;
    const headers = new Set<number>();
    let recoded = 0;
    let staleSeen = 0;
    for (const hc of hist) {
      const c = codec.fromBytes(hc.data);
      // 1. Decode: the histograms we sent, at the timestamps we sent.
      const it = c.iterator();
      const decoded: { t: number; h: Histogram | FloatHistogram }[] = [];
      let series: Sent | undefined;
      let first = -1;
      while (it.next() !== ValueType.None) {
        const h = codec.at(it);
        const hit = bySample.get(`${it.atT()}/${float64Bits(h.sum)}`);
        expect(hit, `sample at ${it.atT()} not sent`).toBeDefined();
        if (series === undefined) {
          series = hit!.s;
          first = hit!.i;
        }
        expect(hit!.s).toBe(series);
        expect(series.float).toBe(float);
        expect(hit!.i).toBe(first + decoded.length);
        const want = hit!.s.samples[hit!.i]!.h;
        // A stale marker decodes to its stale sum alone (the rest is not stored).
        if (isStaleNaN(want.sum)) {
          expect(canonical(h, !float)).toBe(canonical(staleOnly(), !float));
          staleSeen++;
        } else expect(canonical(h, !float)).toBe(canonical(want, !float));
        decoded.push({ t: it.atT(), h });
      }
      expect(it.err()).toBeUndefined();
      expect(decoded[0]!.t).toBe(hc.mint);
      expect(decoded[decoded.length - 1]!.t).toBe(hc.maxt);
      // 2. Re-encode the decoded samples: the same bytes.
      const again = codec.make();
      for (const { t, h } of decoded) expect(codec.append(again, t, h)).toBeUndefined();
      again.setCounterResetHeader(c.counterResetHeader());
      expect(hex(again.bytes()), `${series!.name} re-encoded`).toBe(hex(hc.data));
      // 3. Our appender fed what we sent (continuing the series' previous chunk): the same chunk.
      let ours = codec.make();
      const prev = prevOf.get(hc.ref);
      for (let i = first; i < first + decoded.length; i++) {
        const { t, h } = series!.samples[i]!;
        const next = codec.append(ours, t, h, ours.numSamples() === 0 ? prev : undefined);
        if (next !== undefined) {
          expect(next.numSamples(), `${series!.name}: our appender cut at ${t}`).toBeGreaterThan(1);
          ours = next;
          recoded++;
        }
      }
      expect(hex(ours.bytes()), `${series!.name} appended from ${hc.mint}`).toBe(hex(hc.data));
      headers.add(c.counterResetHeader());
      prevOf.set(hc.ref, c);
      checked++;
    }
    expect(checked).toBe(hist.length);
    // The data covered what matters: all four counter reset headers, and recoding.
    expect([...headers].sort()).toEqual(
      [
        CounterResetHeader.UnknownCounterReset,
        CounterResetHeader.NotCounterReset,
        CounterResetHeader.CounterReset,
        CounterResetHeader.GaugeType,
      ].sort(),
    );
    expect(recoded).toBeGreaterThanOrEqual(5);
    expect(staleSeen).toBe(3);
  });
});
