import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import snappyjs from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { emptyPbHistogram, type PbHistogram } from './proto-histogram.js';
import { ProtoWriter } from './proto-writer.js';
import {
  decodeChunkedReadResponse,
  decodeReadRequest,
  decodeReadResponse,
  encodeChunkedReadResponse,
  encodeReadRequest,
  encodeReadResponse,
  type ReadRequest,
} from './read-request.js';
import { SnappyDecodeError, snappyDecode, snappyDecodedLength, snappyEncode } from './snappy.js';
import { decodeWriteRequest, encodeWriteRequest, type WriteRequest } from './write-request.js';
import { decodeV2Request, encodeV2Request, SymbolTable, type V2Request } from './write-v2.js';

// Doubles compared by bits (NaN payloads such as stale markers must survive), with -0 kept.
function bits(v: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v, true);
  return b.getBigUint64(0, true).toString(16);
}
function normalize(x: unknown): unknown {
  if (typeof x === 'number') return Number.isInteger(x) && !Object.is(x, -0) ? x : `f:${bits(x)}`;
  if (x instanceof Uint8Array) return Array.from(x);
  if (Array.isArray(x)) return x.map(normalize);
  if (x !== null && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = normalize(v);
    return o;
  }
  return x;
}

const ts = fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 });
const dbl = fc.double();
const str = fc.string({ unit: 'binary', maxLength: 200 });
const label = fc.record({ name: str, value: str });
const span = fc.record({ offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), length: fc.nat(2 ** 32 - 1) });
const u64 = fc.nat(Number.MAX_SAFE_INTEGER);
const histogram = (v2: boolean): fc.Arbitrary<PbHistogram> =>
  fc
    .record({
      isFloat: fc.boolean(),
      count: u64,
      countF: dbl,
      sum: dbl,
      schema: fc.integer({ min: -53, max: 8 }),
      zeroThreshold: dbl,
      zc: u64,
      zcF: dbl,
      negativeSpans: fc.array(span, { maxLength: 3 }),
      negativeDeltas: fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 })),
      negativeCounts: fc.array(dbl, { maxLength: 4 }),
      positiveSpans: fc.array(span, { maxLength: 3 }),
      positiveDeltas: fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 })),
      positiveCounts: fc.array(dbl, { maxLength: 4 }),
      resetHint: fc.integer({ min: 0, max: 3 }),
      timestamp: ts,
      customValues: fc.array(dbl, { maxLength: 4 }),
      startTimestamp: v2 ? ts : fc.constant(0),
    })
    .map((r) => {
      const h = emptyPbHistogram();
      if (r.isFloat) {
        h.countFloat = r.countF;
        h.zeroCountFloat = r.zcF;
      } else {
        h.countInt = r.count;
        h.zeroCountInt = r.zc;
      }
      Object.assign(h, {
        sum: r.sum,
        schema: r.schema,
        zeroThreshold: r.zeroThreshold,
        negativeSpans: r.negativeSpans,
        negativeDeltas: r.negativeDeltas,
        negativeCounts: r.negativeCounts,
        positiveSpans: r.positiveSpans,
        positiveDeltas: r.positiveDeltas,
        positiveCounts: r.positiveCounts,
        resetHint: r.resetHint,
        timestamp: r.timestamp,
        customValues: r.customValues,
        startTimestamp: r.startTimestamp,
      });
      return h;
    });

const writeRequest: fc.Arbitrary<WriteRequest> = fc.record({
  timeseries: fc.array(
    fc.record({
      labels: fc.array(label, { maxLength: 6 }),
      samples: fc.array(fc.record({ value: dbl, timestamp: ts }), { maxLength: 20 }),
      exemplars: fc.array(fc.record({ labels: fc.array(label, { maxLength: 2 }), value: dbl, timestamp: ts }), {
        maxLength: 2,
      }),
      histograms: fc.array(histogram(false), { maxLength: 2 }),
    }),
    { maxLength: 8 },
  ),
  metadata: fc.array(fc.record({ type: fc.integer({ min: 0, max: 7 }), metricFamilyName: str, help: str, unit: str }), {
    maxLength: 3,
  }),
});

const refs = fc.array(fc.nat(2 ** 32 - 1), { maxLength: 8 });
const v2Request: fc.Arbitrary<V2Request> = fc.record({
  symbols: fc.array(str, { maxLength: 10 }).map((s) => ['', ...s]),
  timeseries: fc.array(
    fc.record({
      labelsRefs: refs,
      samples: fc.array(fc.record({ value: dbl, timestamp: ts, startTimestamp: ts }), { maxLength: 20 }),
      histograms: fc.array(histogram(true), { maxLength: 2 }),
      exemplars: fc.array(fc.record({ labelsRefs: refs, value: dbl, timestamp: ts }), { maxLength: 2 }),
      metadata: fc.record({ type: fc.integer({ min: 0, max: 7 }), helpRef: fc.nat(), unitRef: fc.nat() }),
    }),
    { maxLength: 8 },
  ),
});

describe('Remote Write 1.0 codec', () => {
  it('round-trips any WriteRequest bit-exactly', () => {
    fc.assert(
      fc.property(writeRequest, (req) => {
        expect(normalize(decodeWriteRequest(encodeWriteRequest(req)))).toEqual(normalize(req));
      }),
    );
  });

  it('reuses a writer: the view is valid until the next encode', () => {
    const w = new ProtoWriter(8);
    const a: WriteRequest = {
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [{ value: 1, timestamp: 5 }],
          exemplars: [],
          histograms: [],
        },
      ],
      metadata: [],
    };
    const first = encodeWriteRequest(a, w).slice();
    expect(Array.from(encodeWriteRequest(a, w))).toEqual(Array.from(first));
  });

  it('encodes what protobufjs reads field by field (labels, sample, negative timestamp)', () => {
    const req: WriteRequest = {
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'x' }],
          samples: [{ value: 1.5, timestamp: -1 }],
          exemplars: [],
          histograms: [],
        },
      ],
      metadata: [],
    };
    const r = protobuf.Reader.create(encodeWriteRequest(req));
    expect(r.uint32()).toBe(0x0a);
    const end = r.uint32() + r.pos;
    expect(r.uint32()).toBe(0x0a); // label
    r.skip(r.uint32());
    expect(r.uint32()).toBe(0x12); // sample
    r.uint32();
    expect(r.uint32()).toBe(0x09);
    expect(r.double()).toBe(1.5);
    expect(r.uint32()).toBe(0x10);
    expect(r.int64().toString()).toBe('-1');
    expect(r.pos).toBe(end);
  });

  it('moves long bodies when their length needs more than one byte', () => {
    const long = 'v'.repeat(20_000);
    const req: WriteRequest = {
      timeseries: [{ labels: [{ name: 'a', value: long }], samples: [], exemplars: [], histograms: [] }],
      metadata: [],
    };
    expect(decodeWriteRequest(encodeWriteRequest(req)).timeseries[0]?.labels[0]?.value).toBe(long);
  });

  it('rejects truncated bytes', () => {
    const b = encodeWriteRequest({
      timeseries: [
        { labels: [{ name: 'a', value: 'b' }], samples: [{ value: 2, timestamp: 3 }], exemplars: [], histograms: [] },
      ],
      metadata: [],
    });
    expect(() => decodeWriteRequest(b.subarray(0, b.length - 2))).toThrow(RangeError);
  });
});

describe('Remote Write 2.0 codec', () => {
  it('round-trips any Request bit-exactly', () => {
    fc.assert(
      fc.property(v2Request, (req) => {
        expect(normalize(decodeV2Request(encodeV2Request(req)))).toEqual(normalize(req));
      }),
    );
  });

  it('SymbolTable interns strings with "" at 0 and resets', () => {
    const t = new SymbolTable();
    expect(t.symbolize('__name__')).toBe(1);
    expect(t.symbolize('up')).toBe(2);
    expect(t.symbolize('__name__')).toBe(1);
    expect(t.symbolize('')).toBe(0);
    expect(t.symbols()).toEqual(['', '__name__', 'up']);
    t.reset();
    expect(t.symbols()).toEqual(['']);
    expect(t.symbolize('up')).toBe(1);
  });
});

describe('remote read codec', () => {
  const matcher = fc.record({ type: fc.integer({ min: 0, max: 3 }), name: str, value: str });
  const readRequest: fc.Arbitrary<ReadRequest> = fc.record({
    queries: fc.array(
      fc.record({
        startTimestampMs: ts,
        endTimestampMs: ts,
        matchers: fc.array(matcher, { maxLength: 3 }),
        hints: fc.option(
          fc.record({
            stepMs: ts,
            func: str,
            startMs: ts,
            endMs: ts,
            grouping: fc.array(str, { maxLength: 3 }),
            by: fc.boolean(),
            rangeMs: ts,
          }),
          { nil: undefined },
        ),
      }),
      { maxLength: 3 },
    ),
    acceptedResponseTypes: fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 2 }),
  });

  it('round-trips ReadRequest', () => {
    fc.assert(
      fc.property(readRequest, (r) => {
        expect(decodeReadRequest(encodeReadRequest(r))).toEqual(r);
      }),
    );
  });

  it('round-trips ReadResponse', () => {
    fc.assert(
      fc.property(fc.array(writeRequest, { maxLength: 3 }), (ws) => {
        const res = { results: ws.map((w) => ({ timeseries: w.timeseries })) };
        expect(normalize(decodeReadResponse(encodeReadResponse(res)))).toEqual(normalize(res));
      }),
    );
  });

  it('round-trips ChunkedReadResponse', () => {
    const chunk = fc.record({
      minTimeMs: ts,
      maxTimeMs: ts,
      type: fc.integer({ min: 0, max: 6 }),
      data: fc.uint8Array({ maxLength: 50 }),
    });
    const res = fc.record({
      chunkedSeries: fc.array(
        fc.record({ labels: fc.array(label, { maxLength: 3 }), chunks: fc.array(chunk, { maxLength: 3 }) }),
        {
          maxLength: 3,
        },
      ),
      queryIndex: fc.nat(),
    });
    fc.assert(
      fc.property(res, (r) => {
        expect(normalize(decodeChunkedReadResponse(encodeChunkedReadResponse(r)))).toEqual(normalize(r));
      }),
    );
  });
});

describe('snappy block format', () => {
  it('round-trips any bytes, and the block starts with the uvarint decoded length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (data) => {
        const block = snappyEncode(data);
        expect(snappyDecodedLength(block)).toBe(data.length);
        expect(Array.from(snappyDecode(block))).toEqual(Array.from(data));
      }),
      { numRuns: 50 },
    );
  });

  it('round-trips compressible bytes (copies of every length and offset) through an independent decoder', () => {
    const piece = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => a.map((x) => x % 4));
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, fc.nat(300)), { maxLength: 60 }), ([...parts]) => {
        const chunks: number[] = [];
        for (const [p, reps] of parts) for (let r = 0; r < (reps % 9) + 1; r++) chunks.push(...p);
        for (let i = 0; i < parts.length % 5; i++) chunks.push(...chunks.slice(0, 70_000));
        const data = Uint8Array.from(chunks.slice(0, 200_000));
        const block = snappyEncode(data);
        expect(block.length).toBeLessThanOrEqual(32 + data.length + Math.floor(data.length / 6));
        expect(Buffer.from(snappyjs.uncompress(block)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('is the block format, not the framed stream format (no stream identifier chunk)', () => {
    const block = snappyEncode(new TextEncoder().encode('hello hello hello hello'));
    // A framed stream starts with 0xff 0x06 0x00 0x00 "sNaPpY"; a block starts with the length.
    expect(block[0]).toBe(23);
    expect(block[0]).not.toBe(0xff);
  });

  it('decodes a block written by hand per the format: a literal element', () => {
    // length 5, then tag 0b000100_00 (literal of 5 bytes: (5-1)<<2), then the bytes.
    const block = Uint8Array.of(5, 4 << 2, 104, 101, 108, 108, 111);
    expect(new TextDecoder().decode(snappyDecode(block))).toBe('hello');
  });

  it('refuses blocks over the size limit and damaged blocks with SnappyDecodeError', () => {
    const block = snappyEncode(new Uint8Array(1000));
    expect(() => snappyDecode(block, 999)).toThrow(SnappyDecodeError);
    expect(() => snappyDecode(Uint8Array.of(10, 0xff, 0xff))).toThrow(SnappyDecodeError);
  });
});
