// Remote Write 2.0 bodies are snappy-decoded by a receive worker (the main thread decodes the
// protobuf and appends): whatever the body, intact, damaged before or after compression, or
// larger than allowed, the worker path must answer and store exactly as decoding it all on the
// main thread does, 1.0 and 2.0 requests in flight together included.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RemoteResponse } from './receive-http.js';
import { ProtoMsgV2, WriteHandler } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import { encodeWriteRequest } from './write-request.js';
import { encodeV2Request, SymbolTable, type V2TimeSeries } from './write-v2.js';

const NOW = 1_700_000_000_000;
const text = fc.constantFrom('__name__', 'up', 'job', 'a', 'é', '');
const labels = fc.array(fc.tuple(text, text), { maxLength: 3 });
const ts = fc.oneof(fc.integer({ min: NOW - 100_000, max: NOW }), fc.constantFrom(-1, NOW + 3_600_000));
const series = fc.record({
  labels,
  samples: fc.array(fc.record({ timestamp: ts, value: fc.double() }), { maxLength: 3 }),
  help: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
});
/** Damage: none, the decoded body cut short or a byte of it changed, or the same to the compressed body. */
const damage = fc.tuple(fc.nat(6), fc.nat(), fc.nat(255));

function v2Bytes(
  list: { labels: [string, string][]; samples: { timestamp: number; value: number }[]; help?: string }[],
) {
  const st = new SymbolTable();
  const timeseries: V2TimeSeries[] = list.map((s) => ({
    labelsRefs: s.labels.flatMap(([n, v]) => [st.symbolize(n), st.symbolize(v)]),
    samples: s.samples.map((x) => ({ ...x, startTimestamp: 0 })),
    histograms: [],
    exemplars: [],
    metadata: { type: 2, helpRef: s.help === undefined ? 0 : st.symbolize(s.help), unitRef: 0 },
  }));
  return encodeV2Request({ symbols: [...st.symbols()], timeseries });
}

function damaged(b: Uint8Array, kind: number, at: number, byte: number): Uint8Array {
  if (b.length === 0 || kind > 1) return b;
  if (kind === 0) return b.subarray(0, at % b.length);
  const c = b.slice();
  c[at % c.length] = byte;
  return c;
}

const V2 = (n: string) => (n === 'content-type' ? `application/x-protobuf;proto=${ProtoMsgV2}` : undefined);
const V1 = (n: string) => (n === 'content-type' ? 'application/x-protobuf' : undefined);

/** What an answer says, headers and body included. */
function said(r: RemoteResponse): string {
  return JSON.stringify([r.status, r.headers, String(r.body ?? '')]);
}

const box: { rec?: Recorder } = {};
const refs = new Map<string, number>();
const viaWorker = new WriteHandler({
  appendable: { appender: () => box.rec!.appender() },
  now: () => NOW,
  receiveWorkers: 1,
  workerMinBytes: 0,
  // Small, so that some bodies decode to more than allowed.
  maxDecodedBytes: 200,
});
// Bodies of 120 bytes or more go to the worker, smaller ones are decoded on the main thread.
const bySize = new WriteHandler({
  appendable: { appender: () => box.rec!.appender() },
  now: () => NOW,
  receiveWorkers: 1,
  workerMinBytes: 120,
});
afterAll(() => Promise.all([viaWorker.close(), bySize.close()]));

describe('Remote Write 2.0 bodies decoded by a receive worker', () => {
  it('are answered and stored as when decoded on the main thread, intact or damaged, among 1.0 ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(series, { maxLength: 4 }), damage, fc.boolean()), { minLength: 1, maxLength: 4 }),
        async (reqs) => {
          const fast = new Recorder(refs);
          box.rec = fast;
          const main = new Recorder();
          const onMain = new WriteHandler({
            appendable: main,
            now: () => NOW,
            receiveWorkers: 0,
            maxDecodedBytes: 200,
          });
          const bodies = reqs.map(([ss, [kind, at, byte], v1]) => {
            const raw = v1
              ? encodeWriteRequest({
                  timeseries: ss.map((s) => ({
                    labels: s.labels.map(([name, value]) => ({ name, value })),
                    samples: s.samples,
                    exemplars: [],
                    histograms: [],
                  })),
                  metadata: [],
                })
              : v2Bytes(ss);
            const body =
              kind < 2 ? snappyEncode(damaged(raw, kind, at, byte)) : damaged(snappyEncode(raw), kind - 2, at, byte);
            return { body, header: v1 ? V1 : V2 };
          });
          // All in flight at once through the worker (appended in the order they came), one by one on the main thread.
          const got = await Promise.all(
            bodies.map((b) => viaWorker.handle({ header: b.header, body: b.body.slice() })),
          );
          const want: RemoteResponse[] = [];
          for (const b of bodies) want.push(await onMain.handle({ header: b.header, body: b.body.slice() }));
          expect(got.map(said)).toEqual(want.map(said));
          expect(fast.committed).toEqual(main.committed);
        },
      ),
      { numRuns: 200 },
    );
    expect(viaWorker.workersStarted).toBe(1);
  });

  it('are appended in the order they came when small ones, decoded on the main thread, come after big ones', async () => {
    const big = fc.array(series, { minLength: 6, maxLength: 10 });
    const small = fc.array(series, { maxLength: 1 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(big, small), fc.boolean()), { minLength: 2, maxLength: 5 }),
        async (reqs) => {
          const fast = new Recorder(refs);
          box.rec = fast;
          const main = new Recorder();
          const onMain = new WriteHandler({ appendable: main, now: () => NOW, receiveWorkers: 0 });
          const bodies = reqs.map(([ss, v1]) => ({
            header: v1 ? V1 : V2,
            body: snappyEncode(
              v1
                ? encodeWriteRequest({
                    timeseries: ss.map((s) => ({
                      labels: s.labels.map(([name, value]) => ({ name, value })),
                      samples: s.samples,
                      exemplars: [],
                      histograms: [],
                    })),
                    metadata: [],
                  })
                : v2Bytes(ss),
            ),
          }));
          const got = await Promise.all(bodies.map((b) => bySize.handle({ header: b.header, body: b.body.slice() })));
          const want: RemoteResponse[] = [];
          for (const b of bodies) want.push(await onMain.handle({ header: b.header, body: b.body.slice() }));
          expect(got.map(said)).toEqual(want.map(said));
          expect(fast.committed).toEqual(main.committed);
        },
      ),
      { numRuns: 100 },
    );
    expect(bySize.workersStarted).toBe(1);
  });
});
