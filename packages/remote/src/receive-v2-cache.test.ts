// A 2.0 series seen before is appended with its cached labels and ref: a receiver keeping its
// cache (small, so that it empties between requests) must answer and store exactly as one meeting
// every series for the first time does, and two label sets never share a key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RemoteResponse } from './receive-http.js';
import { v2SeriesKey } from './receive-v2-cache.js';
import { ProtoMsgV2, WriteHandler } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { Recorder } from './testing/recording-appendable.js';
import { encodeV2Request, SymbolTable, type V2TimeSeries } from './write-v2.js';

const NOW = 1_700_000_000_000;
// Few names and values: the same series again and again, some invalid (no name, a bad name, '').
const text = fc.constantFrom('__name__', 'up', 'job', '0bad', 'é', '');
const labelSet = fc.array(fc.tuple(text, text), { maxLength: 3 });
const ts = fc.oneof(fc.integer({ min: NOW - 100_000, max: NOW }), fc.constantFrom(-1, NOW + 3_600_000));
const series = fc.record({
  at: fc.nat(),
  samples: fc.array(fc.record({ timestamp: ts, value: fc.double() }), { maxLength: 3 }),
  exemplar: fc.boolean(),
  help: fc.option(fc.constantFrom('h', 'help'), { nil: undefined }),
});

const headers = (n: string) => (n === 'content-type' ? `application/x-protobuf;proto=${ProtoMsgV2}` : undefined);

function body(
  pool: [string, string][][],
  ss: { at: number; samples: { timestamp: number; value: number }[]; exemplar: boolean; help?: string }[],
) {
  const st = new SymbolTable();
  const timeseries: V2TimeSeries[] = ss.map((s) => ({
    labelsRefs: pool[s.at % pool.length]!.flatMap(([n, v]) => [st.symbolize(n), st.symbolize(v)]),
    samples: s.samples.map((x) => ({ ...x, startTimestamp: 0 })),
    histograms: [],
    exemplars: s.exemplar
      ? [{ labelsRefs: [st.symbolize('trace_id'), st.symbolize('t')], value: 1, timestamp: NOW }]
      : [],
    metadata: { type: 2, helpRef: s.help === undefined ? 0 : st.symbolize(s.help), unitRef: 0 },
  }));
  return snappyEncode(encodeV2Request({ symbols: [...st.symbols()], timeseries }));
}

function said(r: RemoteResponse): string {
  return JSON.stringify([r.status, r.headers, String(r.body ?? '')]);
}

describe('the 2.0 series cache', () => {
  it('gives two label sets two keys', () => {
    fc.assert(
      fc.property(labelSet, labelSet, (a, b) => {
        const key = (ls: [string, string][]) =>
          v2SeriesKey(
            ls.map((l) => l[0]),
            ls.map((l) => l[1]),
          );
        if (key(a) === key(b)) expect(a).toEqual(b);
      }),
    );
    // Lengths keep apart what plain joining would not.
    expect(v2SeriesKey(['a:1', 'b'], ['c', 'd'])).not.toBe(v2SeriesKey(['a'], ['1:b']));
  });

  it.each([2, 64])('answers and stores as a receiver without one (cache of %i)', async (size) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(labelSet, { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(series, { maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        async (pool, reqs) => {
          const refs = new Map<string, number>();
          const kept = new Recorder(refs);
          const keeping = new WriteHandler({
            appendable: kept,
            now: () => NOW,
            receiveWorkers: 0,
            seriesRefCacheSize: size,
          });
          const fresh = new Recorder(refs);
          let freshInvalid = 0;
          for (const ss of reqs) {
            const b = body(pool, ss);
            const got = await keeping.handle({ header: headers, body: b.slice() });
            // A new handler each request: every series met for the first time.
            const first = new WriteHandler({ appendable: fresh, now: () => NOW, receiveWorkers: 0 });
            const want = await first.handle({ header: headers, body: b.slice() });
            expect(said(got)).toBe(said(want));
            freshInvalid += first.samplesWithInvalidLabels;
          }
          expect(kept.committed).toEqual(fresh.committed);
          expect(keeping.samplesWithInvalidLabels).toBe(freshInvalid);
        },
      ),
      { numRuns: 150 },
    );
  });
});
