// The 1.0 receiver reads bodies straight into the appender (receive-v1.ts). It must append exactly
// what protobufjs's own decoding of the same bytes gives, request after request (its label-bytes
// cache carried over), for bodies protobufjs encoded from random requests, damaged ones included.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { type Appendable, isStaleNaN, StaleNaN } from '@tsprom/storage-interfaces';
import { isBadSampleError, WriteHandler } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import { decodeWriteRequest, encodeWriteRequest, type PbTimeSeries, type WriteRequest } from './write-request.js';

const PROTO = `
syntax = "proto3";
package prometheus;
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  string unknown_field = 9;
}
message MetricMetadata { int32 type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
message WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; uint64 unknown_top = 7; }
`;
const root = protobuf.parse(PROTO, { keepCase: false }).root;
const PbWriteRequest = root.lookupType('prometheus.WriteRequest');

// NaN payloads are not compared here: protobufjs's decoding quiets them (a stale marker comes out
// 0x7ff8000000000002), where the receiver keeps the bits on the wire (tested apart below).
const NOW = 1_700_000_000_000;
const names = fc.constantFrom('__name__', 'job', 'instance', 'a', 'é', '');
const values = fc.constantFrom('up', 'x', 'node', '', 'ünï', 'a\u0000b', 'metric_total');
const label = fc.record({ name: names, value: values });
const labelSet = fc.array(label, { maxLength: 4 });
const dbl = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN),
  fc.constant(new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!),
);
const tsArb = fc.oneof(fc.integer({ min: -(2 ** 40), max: NOW }), fc.constantFrom(0, -1, NOW + 3_600_000));

function requestArb(pool: PbTimeSeries['labels'][]) {
  return fc.record({
    timeseries: fc.array(
      fc.record({
        labels: fc.nat(pool.length - 1).map((i) => pool[i]!),
        samples: fc.array(fc.record({ value: dbl, timestamp: tsArb }), { maxLength: 4 }),
        exemplars: fc.oneof(
          { weight: 4, arbitrary: fc.constant([]) },
          fc.array(fc.record({ labels: labelSet, value: dbl, timestamp: tsArb }), { maxLength: 2 }),
        ),
        unknownField: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, fc.string()),
      }),
      { maxLength: 6 },
    ),
    metadata: fc.array(fc.record({ type: fc.nat(7), metricFamilyName: values, help: fc.string(), unit: values }), {
      maxLength: 2,
    }),
    unknownTop: fc.oneof(fc.constant(0), fc.nat()),
  });
}

/** protobufjs's decoding of `bytes`, in this package's types. */
function protobufjsDecode(bytes: Uint8Array): WriteRequest {
  const o = PbWriteRequest.toObject(PbWriteRequest.decode(bytes), { longs: Number, defaults: true }) as {
    timeseries: { labels: PbTimeSeries['labels']; samples: { value: number; timestamp: number }[]; exemplars: [] }[];
  };
  return {
    timeseries: o.timeseries.map((ts) => ({
      labels: ts.labels,
      samples: ts.samples,
      exemplars: ts.exemplars,
      histograms: [],
    })),
    metadata: [],
  };
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

const cases = fc
  .array(labelSet, { minLength: 1, maxLength: 6 })
  .chain((pool) =>
    fc.array(fc.tuple(requestArb(pool), fc.nat(3), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
  );

/** A receiver under test: its handler, appending into `rec` for the run at hand. */
interface Receiver {
  handler: WriteHandler;
  use(rec: Recorder): void;
}

/** Runs of the property: each request is answered and appended as protobufjs's decoding is. */
async function appendsAsProtobufjs(receiver: () => Receiver, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(cases, async (reqs) => {
      const fast = new Recorder(sharedRefs);
      const ref = new Recorder();
      const { handler: hFast, use } = receiver();
      use(fast);
      const invalid0 = hFast.samplesWithInvalidLabels;
      const hRef = new WriteHandler({ appendable: ref, now: () => NOW, receiveWorkers: 0 });
      for (const [r, damage, at, byte] of reqs) {
        let bytes = PbWriteRequest.encode(PbWriteRequest.fromObject(r)).finish();
        // Intact bodies are compared with protobufjs's decoding; a body cut short or with a byte
        // changed with this package's object decoder (which may differ from protobufjs on
        // malformed input, e.g. a known field with another wire type, which it skips).
        let expected: WriteRequest | undefined;
        if (damage >= 2 || bytes.length === 0) expected = protobufjsDecode(bytes);
        else {
          if (damage === 0) bytes = bytes.subarray(0, at % bytes.length);
          else {
            bytes = bytes.slice();
            bytes[at % bytes.length] = byte;
          }
          try {
            expected = decodeWriteRequest(bytes);
          } catch {
            expected = undefined;
          }
        }
        const res = await hFast.handle({ header: headers, body: snappyEncode(bytes) });
        if (expected === undefined) {
          expect(res.status).toBe(400);
          expect(String(res.body)).toMatch(/^proto: prometheus\.WriteRequest: /);
        } else {
          expect(res.status).toBe(await outcome(hRef.append(expected)));
        }
        expect(fast.committed).toEqual(ref.committed);
        expect(hFast.samplesWithInvalidLabels - invalid0).toBe(hRef.samplesWithInvalidLabels);
      }
    }),
    { numRuns },
  );
}

// Refs of every recorder fed by a receiver kept across runs (its ref cache outlives a run).
const sharedRefs = new Map<string, number>();

describe('Remote Write 1.0 read into the appender', () => {
  it('appends what protobufjs decodes, request after request, damaged bodies as the object decoder', async () => {
    await appendsAsProtobufjs(() => {
      const box: { rec?: Recorder } = {};
      // A small cache, so that it starts over within a run.
      const handler = new WriteHandler({
        appendable: { appender: () => box.rec!.appender() },
        now: () => NOW,
        seriesRefCacheSize: 3,
        receiveWorkers: 0,
      });
      return {
        handler,
        use: (rec) => {
          box.rec = rec;
        },
      };
    }, 300);
  });

  it('appends the same through a receive worker (every body scanned off the main thread)', async () => {
    // One handler (and worker) for every run: the recorder it appends into changes with the run.
    const box: { rec?: Recorder } = {};
    const handler = new WriteHandler({
      appendable: { appender: () => box.rec!.appender() },
      now: () => NOW,
      seriesRefCacheSize: 3,
      receiveWorkers: 1,
      workerMinBytes: 0,
    });
    try {
      await appendsAsProtobufjs(
        () => ({
          handler,
          use: (rec) => {
            box.rec = rec;
          },
        }),
        150,
      );
      expect(handler.workersStarted).toBe(1);
    } finally {
      await handler.close();
    }
  });
});

describe('Remote Write 1.0 sample values', () => {
  it('reach the appender with the bits on the wire: a stale marker stays one', async () => {
    // A Float64Array: a JS array of doubles may quiet a NaN stored in it.
    const got = new Float64Array(3);
    let n = 0;
    const rec = new Recorder();
    const appendable: Appendable = {
      appender() {
        const app = rec.appender();
        return {
          ...app,
          append(ref, ls, t, v) {
            got[n++] = v;
            return app.append(ref, ls, t, v);
          },
        };
      },
    };
    const h = new WriteHandler({ appendable, now: () => NOW });
    const body = encodeWriteRequest({
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [
            { value: StaleNaN, timestamp: 1 },
            { value: -0, timestamp: 2 },
            { value: Number.NaN, timestamp: 3 },
          ],
          exemplars: [],
          histograms: [],
        },
      ],
      metadata: [],
    });
    for (let i = 0; i < 2; i++) {
      n = 0;
      const res = await h.handle({ header: headers, body: snappyEncode(body) });
      // The second time, the series is found by its label bytes.
      expect(res.status).toBe(204);
      expect(n).toBe(3);
      expect(isStaleNaN(got[0]!)).toBe(true);
      expect(Object.is(got[1], -0)).toBe(true);
    }
    expect(rec.committed.length).toBe(8);
    expect(rec.committed[1]).toBe('{__name__="up"} 2 8000000000000000');
  });
});
