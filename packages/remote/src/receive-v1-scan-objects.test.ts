// A receive worker's scan takes 1.0 bodies with native histograms, exemplars, metadata and labels
// split around samples (receive-v1-scan.ts, ScannedV1.objects/metadata): such series are located
// there and decoded alone on the main thread. Whatever the body, intact or damaged, the worker path
// must answer and append exactly as the main thread's reader and the reference decoder do.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { PbHistogram } from './proto-histogram.js';
import { hashBytes } from './hash-bytes.js';
import { scanUsualV1 } from './receive-v1-scan.js';
import { isBadSampleError, WriteHandler } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import {
  decodeWriteRequest,
  encodeWriteRequest,
  type PbExemplar,
  type PbTimeSeries,
  type WriteRequest,
} from './write-request.js';

const NOW = 1_700_000_000_000;
const text = fc.constantFrom('__name__', 'job', 'up', '', 'é', 'node', 'x');
const labelSet = fc.array(fc.record({ name: text, value: text }), { maxLength: 3 });
const ts = fc.oneof(fc.integer({ min: 0, max: NOW }), fc.constantFrom(-1, NOW + 3_600_000));
const spans = fc.array(fc.record({ offset: fc.integer({ min: -3, max: 3 }), length: fc.nat(3) }), { maxLength: 2 });
const histogram: fc.Arbitrary<PbHistogram> = fc
  .record({
    int: fc.boolean(),
    count: fc.nat(100),
    sum: fc.double({ noNaN: true }),
    schema: fc.integer({ min: -4, max: 8 }),
    zeroThreshold: fc.constantFrom(0, 0.001),
    zeroCount: fc.nat(5),
    negativeSpans: spans,
    positiveSpans: spans,
    buckets: fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }),
    resetHint: fc.nat(3),
    timestamp: ts,
    customValues: fc.oneof(fc.constant<number[]>([]), fc.array(fc.double({ noNaN: true }), { maxLength: 2 })),
  })
  .map((h) => ({
    countInt: h.int ? h.count : undefined,
    countFloat: h.int ? undefined : h.count + 0.5,
    sum: h.sum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCountInt: h.int ? h.zeroCount : undefined,
    zeroCountFloat: h.int ? undefined : h.zeroCount,
    negativeSpans: h.negativeSpans,
    negativeDeltas: h.int ? h.buckets.slice(0, 2) : [],
    negativeCounts: h.int ? [] : h.buckets.slice(0, 2).map(Math.abs),
    positiveSpans: h.positiveSpans,
    positiveDeltas: h.int ? h.buckets : [],
    positiveCounts: h.int ? [] : h.buckets.map(Math.abs),
    resetHint: h.resetHint,
    timestamp: h.timestamp,
    customValues: h.customValues,
    startTimestamp: 0,
  }));
const series = fc.record({
  labels: labelSet,
  samples: fc.array(fc.record({ value: fc.double(), timestamp: ts }), { maxLength: 3 }),
  exemplars: fc.oneof(
    { weight: 3, arbitrary: fc.constant<PbExemplar[]>([]) },
    fc.array(fc.record({ labels: labelSet, value: fc.double(), timestamp: ts }), { maxLength: 2 }),
  ),
  histograms: fc.oneof(fc.constant<PbHistogram[]>([]), fc.array(histogram, { maxLength: 2 })),
  /** Labels from this one on are written after the samples (not in one run). */
  splitAt: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, fc.nat(3)),
});
const metadata = fc.array(
  fc.record({ type: fc.nat(7), metricFamilyName: text, help: fc.string({ maxLength: 4 }), unit: text }),
  { maxLength: 2 },
);
/** Damage: none, cut short at, or a byte changed at. */
const damage = fc.tuple(fc.nat(4), fc.nat(), fc.nat(255));

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

/** What an arbitrary generates. */
type Of<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** A TimeSeries' fields alone (its WriteRequest field's tag and length stripped). */
function fields(t: PbTimeSeries): Uint8Array {
  const b = encodeWriteRequest({ timeseries: [t], metadata: [] });
  let p = 1;
  while (b[p]! >= 0x80) p++;
  return b.subarray(p + 1);
}

/** A WriteRequest's bytes; a series with `splitAt` has the labels from there on after its samples. */
function body(ss: Of<typeof series>[], md: Of<typeof metadata>): Uint8Array {
  const parts: number[] = [];
  for (const s of ss) {
    const at = s.splitAt < 0 ? s.labels.length : Math.min(s.splitAt, s.labels.length);
    const head = fields({ ...s, labels: s.labels.slice(0, at) });
    const tail = fields({ labels: s.labels.slice(at), samples: [], exemplars: [], histograms: [] });
    parts.push(0x0a, ...varint(head.length + tail.length), ...head, ...tail);
  }
  parts.push(...encodeWriteRequest({ timeseries: [], metadata: md }));
  return new Uint8Array(parts);
}

const headers = (n: string) => (n === 'content-type' ? 'application/x-protobuf' : undefined);

async function outcome(p: Promise<void>): Promise<number> {
  try {
    await p;
    return 204;
  } catch (err) {
    return isBadSampleError(err) ? 400 : 500;
  }
}

// One worker handler for every run (its worker and series mirror carried over, as in a server).
const box: { rec?: Recorder } = {};
const refs = new Map<string, number>();
const viaWorker = new WriteHandler({
  appendable: { appender: () => box.rec!.appender() },
  now: () => NOW,
  seriesRefCacheSize: 4,
  receiveWorkers: 1,
  workerMinBytes: 0,
});
afterAll(() => viaWorker.close());

describe('the receive worker scan with histograms, exemplars, metadata, split labels', () => {
  it('locates exactly the series with exemplars, histograms or split labels, and reads the rest', () => {
    fc.assert(
      fc.property(fc.array(series, { maxLength: 5 }), metadata, (ss, md) => {
        const b = body(ss, md);
        const scan = scanUsualV1(b);
        expect(scan).toBeDefined();
        // Labels split by samples are not one run; split with nothing between, they still are.
        const want = ss.flatMap((s, i) =>
          s.exemplars.length > 0 ||
          s.histograms.length > 0 ||
          (s.splitAt > 0 && s.splitAt < s.labels.length && s.samples.length > 0)
            ? [i]
            : [],
        );
        const located = [...(scan!.objects ?? [])].filter((_, k) => k % 2 === 0);
        expect(located).toEqual(want);
        // A located series keeps its label run (the cache finds it by it) unless its labels are split.
        for (const i of want) {
          const s = ss[i]!;
          const between = s.samples.length + s.exemplars.length + s.histograms.length > 0;
          const split = s.splitAt > 0 && s.splitAt < s.labels.length && between;
          const a = scan!.labels[2 * i]!;
          const z = scan!.labels[2 * i + 1]!;
          expect(z > a).toBe(!split && s.labels.length > 0);
          expect(scan!.hashes[i]).toBe(hashBytes(b, a, z));
        }
        expect(scan!.metadata?.length ?? 0).toBe(md.length);
        const decoded = decodeWriteRequest(b);
        let from = 0;
        for (let i = 0; i < ss.length; i++) {
          const to = scan!.ends[i]!;
          const got = Array.from({ length: to - from }, (_, k) => [scan!.timestamps[from + k], scan!.values[from + k]]);
          const samples = want.includes(i) ? [] : decoded.timeseries[i]!.samples.map((s) => [s.timestamp, s.value]);
          expect(got).toEqual(samples);
          from = to;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('appends and answers as the main thread and the reference decoder, bodies intact or damaged', async () => {
    let scanned = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(series, { maxLength: 5 }), metadata, damage), { maxLength: 3 }),
        async (reqs) => {
          const fast = new Recorder(refs);
          box.rec = fast;
          const main = new Recorder();
          const hMain = new WriteHandler({ appendable: main, now: () => NOW, receiveWorkers: 0 });
          const ref = new Recorder();
          const hRef = new WriteHandler({ appendable: ref, now: () => NOW, receiveWorkers: 0 });
          for (const [ss, md, [kind, at, byte]] of reqs) {
            let b = body(ss, md);
            if (kind === 0 && b.length > 0) b = b.subarray(0, at % b.length);
            else if (kind === 1 && b.length > 0) {
              b = b.slice();
              b[at % b.length] = byte;
            }
            if (scanUsualV1(b) !== undefined && ss.some((s) => s.histograms.length > 0)) scanned++;
            let expected: WriteRequest | undefined;
            try {
              expected = decodeWriteRequest(b);
            } catch {
              expected = undefined;
            }
            const res = await viaWorker.handle({ header: headers, body: snappyEncode(b) });
            const resMain = await hMain.handle({ header: headers, body: snappyEncode(b) });
            expect(res.status).toBe(resMain.status);
            expect(String(res.body)).toBe(String(resMain.body));
            if (expected === undefined) expect(res.status).toBe(400);
            else expect(res.status).toBe(await outcome(hRef.append(expected)));
            expect(fast.committed).toEqual(main.committed);
            expect(fast.committed).toEqual(ref.committed);
          }
        },
      ),
      { numRuns: 150 },
    );
    // Bodies with histograms did reach the worker's scan (not only its fallback).
    expect(scanned).toBeGreaterThan(0);
    expect(viaWorker.workersStarted).toBe(1);
  });
});
