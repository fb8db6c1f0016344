import { Matcher, MatchType } from '@tsprom/labels';
import {
  CustomBucketsSchema,
  expandSeriesSet,
  type FloatHistogram,
  type Histogram,
  type Sample,
  samplesFromIterator,
} from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyPbHistogram, type PbHistogram } from './proto-histogram.js';
import { fromFloatHistogram, fromIntHistogram } from './receive-convert.js';
import type { RemoteRequest } from './receive-http.js';
import { ProtoMsgV2, WriteHandler, WrittenHistogramsHeader, WrittenSamplesHeader } from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { encodeWriteRequest } from './write-request.js';
import { encodeV2Request, SymbolTable } from './write-v2.js';

const NOW = 1_700_000_000_000;

const intH: Histogram = {
  counterResetHint: 0,
  schema: 1,
  zeroThreshold: 0.001,
  zeroCount: 2,
  count: 10,
  sum: 18.4,
  positiveSpans: [
    { offset: 0, length: 2 },
    { offset: 1, length: 2 },
  ],
  negativeSpans: [{ offset: 0, length: 1 }],
  positiveBuckets: [1, 1, -1, 0],
  negativeBuckets: [3],
};

const floatH: FloatHistogram = {
  counterResetHint: 0,
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 1.5,
  count: 7.5,
  sum: -3.25,
  positiveSpans: [{ offset: -1, length: 3 }],
  negativeSpans: [],
  positiveBuckets: [1, 2.5, 2.5],
  negativeBuckets: [],
};

// A native histogram with custom buckets (NHCB): bounds 1, 2, 5, and +Inf implied.
const customH: Histogram = {
  counterResetHint: 0,
  schema: CustomBucketsSchema,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 6,
  sum: 9,
  positiveSpans: [{ offset: 0, length: 4 }],
  negativeSpans: [],
  positiveBuckets: [1, 1, 0, -1],
  negativeBuckets: [],
  customValues: [1, 2, 5],
};

function request(body: Uint8Array, headers: Record<string, string> = {}): RemoteRequest {
  const h = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { header: (n) => h.get(n), body };
}

function v1(name: string, hs: PbHistogram[]): Uint8Array {
  return snappyEncode(
    encodeWriteRequest({
      timeseries: [{ labels: [{ name: '__name__', value: name }], samples: [], exemplars: [], histograms: hs }],
      metadata: [],
    }),
  );
}

function v2(name: string, hs: PbHistogram[]): Uint8Array {
  const st = new SymbolTable();
  const labelsRefs = [st.symbolize('__name__'), st.symbolize(name)];
  return snappyEncode(
    encodeV2Request({
      symbols: [...st.symbols()],
      timeseries: [
        { labelsRefs, samples: [], histograms: hs, exemplars: [], metadata: { type: 3, helpRef: 0, unitRef: 0 } },
      ],
    }),
  );
}

let db: DB;
let handler: WriteHandler;

beforeEach(async () => {
  db = await DB.open();
  handler = new WriteHandler({ appendable: db, now: () => NOW });
});
afterEach(async () => {
  await db.close();
});

async function stored(name: string): Promise<Sample[]> {
  const q = db.querier(0, NOW + 3_600_000);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', name)]);
  const all = expandSeriesSet(ss);
  const out = all.length === 0 ? [] : samplesFromIterator(all[0]!.iterator());
  await q.close();
  return out;
}

// The counter-reset hint read back is the chunk's, not the one sent: compare the rest.
function withoutHint(s: Sample): Sample {
  if ('h' in s && s.h !== undefined) return { t: s.t, h: { ...s.h, counterResetHint: 0 } };
  if ('fh' in s && s.fh !== undefined) return { t: s.t, fh: { ...s.fh, counterResetHint: 0 } };
  return s;
}

describe('receiving native histograms', () => {
  it('stores integer, float and custom-bucket histograms of a 1.0 request as they were sent', async () => {
    const res = await handler.handle(
      request(v1('h1', [fromIntHistogram(NOW - 2000, intH), fromIntHistogram(NOW - 1000, intH)])),
    );
    expect(res.status).toBe(204);
    expect((await stored('h1')).map(withoutHint)).toEqual([
      { t: NOW - 2000, h: intH },
      { t: NOW - 1000, h: intH },
    ]);
    expect((await handler.handle(request(v1('f1', [fromFloatHistogram(NOW, floatH)])))).status).toBe(204);
    expect((await stored('f1')).map(withoutHint)).toEqual([{ t: NOW, fh: floatH }]);
    expect((await handler.handle(request(v1('c1', [fromIntHistogram(NOW, customH)])))).status).toBe(204);
    expect((await stored('c1')).map(withoutHint)).toEqual([{ t: NOW, h: customH }]);
    expect(handler.samplesAppended).toBe(4);
  });

  it('stores histograms of a 2.0 request and counts them in the written-histograms header', async () => {
    const hs = [fromIntHistogram(NOW - 1000, customH), fromIntHistogram(NOW, customH)];
    const res = await handler.handle(
      request(v2('c2', hs), { 'Content-Type': `application/x-protobuf;proto=${ProtoMsgV2}` }),
    );
    expect(res.status).toBe(204);
    expect(res.headers?.[WrittenHistogramsHeader]).toBe('2');
    expect(res.headers?.[WrittenSamplesHeader]).toBe('0');
    expect((await stored('c2')).map(withoutHint)).toEqual([
      { t: NOW - 1000, h: customH },
      { t: NOW, h: customH },
    ]);
    const fres = await handler.handle(
      request(v2('f2', [fromFloatHistogram(NOW, floatH)]), {
        'Content-Type': `application/x-protobuf;proto=${ProtoMsgV2}`,
      }),
    );
    expect(fres.status).toBe(204);
    expect((await stored('f2')).map(withoutHint)).toEqual([{ t: NOW, fh: floatH }]);
  });

  it('answers 400 to a histogram whose spans do not match its buckets, storing nothing of a 1.0 request', async () => {
    const bad = fromIntHistogram(NOW, intH);
    bad.positiveDeltas = [1, 1, -1];
    const res = await handler.handle(request(v1('bad1', [fromIntHistogram(NOW - 1000, intH), bad])));
    expect(res.status).toBe(400);
    expect(String(res.body)).toContain(
      'histogram spans specify different number of buckets than provided: spans need 4 buckets, have 3 buckets',
    );
    expect(await stored('bad1')).toEqual([]);
  });

  it('answers 400 to a bad histogram of a 2.0 request and stores the good ones', async () => {
    const bad = emptyPbHistogram();
    bad.countFloat = 3;
    bad.schema = CustomBucketsSchema;
    bad.positiveSpans = [{ offset: 0, length: 2 }];
    bad.positiveCounts = [1, 2];
    bad.customValues = [2, 1]; // Bounds must increase.
    bad.timestamp = NOW;
    const res = await handler.handle(
      request(v2('bad2', [fromIntHistogram(NOW - 1000, customH), bad]), {
        'Content-Type': `application/x-protobuf;proto=${ProtoMsgV2}`,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers?.[WrittenHistogramsHeader]).toBe('1');
    expect((await stored('bad2')).map(withoutHint)).toEqual([{ t: NOW - 1000, h: customH }]);
  });
});
