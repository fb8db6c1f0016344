import { Matcher, MatchType } from '@tsprom/labels';
import { expandSeriesSet, samplesFromIterator } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteRequest } from './receive-http.js';
import {
  ProtoMsgV1,
  ProtoMsgV2,
  WriteHandler,
  WrittenExemplarsHeader,
  WrittenSamplesHeader,
} from './receive-write-handler.js';
import { snappyEncode } from './snappy.js';
import { encodeWriteRequest, type PbTimeSeries } from './write-request.js';
import { encodeV2Request, SymbolTable, type V2TimeSeries } from './write-v2.js';

const NOW = 1_700_000_000_000;

function request(body: Uint8Array, headers: Record<string, string> = {}): RemoteRequest {
  const h = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { header: (n) => h.get(n), body };
}

function series(name: string, samples: [number, number][], extra: Record<string, string> = {}): PbTimeSeries {
  const labels = Object.entries({ __name__: name, ...extra })
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([n, value]) => ({ name: n, value }));
  return {
    labels,
    samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
    exemplars: [],
    histograms: [],
  };
}

function v1Body(ts: PbTimeSeries[]): Uint8Array {
  return snappyEncode(encodeWriteRequest({ timeseries: ts, metadata: [] }));
}

function v2Body(list: { labels: Record<string, string>; samples: [number, number][]; help?: string }[]): Uint8Array {
  const st = new SymbolTable();
  const timeseries: V2TimeSeries[] = list.map((s) => {
    const refs: number[] = [];
    for (const [n, v] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
      refs.push(st.symbolize(n), st.symbolize(v));
    }
    return {
      labelsRefs: refs,
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value, startTimestamp: 0 })),
      histograms: [],
      exemplars: [],
      metadata: { type: 2, helpRef: s.help === undefined ? 0 : st.symbolize(s.help), unitRef: 0 },
    };
  });
  return snappyEncode(encodeV2Request({ symbols: [...st.symbols()], timeseries }));
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

async function stored(name: string): Promise<Map<string, [number, number][]>> {
  const q = db.querier(0, NOW + 3_600_000);
  const ss = await q.select(true, undefined, [new Matcher(MatchType.Equal, '__name__', name)]);
  const out = new Map<string, [number, number][]>();
  for (const s of expandSeriesSet(ss)) {
    out.set(
      s.labels().toString(),
      samplesFromIterator(s.iterator()).map((x) => [x.t, (x as { v: number }).v]),
    );
  }
  await q.close();
  return out;
}

describe('WriteHandler, Remote Write 1.0', () => {
  it('appends every sample and answers 204 (no Content-Type: a 1.0 sender)', async () => {
    const res = await handler.handle(
      request(
        v1Body([
          series(
            'up',
            [
              [NOW - 2000, 1],
              [NOW - 1000, 0],
            ],
            { job: 'a' },
          ),
          series('up', [[NOW - 1000, 1]], { job: 'b' }),
        ]),
      ),
    );
    expect(res.status).toBe(204);
    expect(res.headers[WrittenSamplesHeader]).toBeUndefined();
    const got = await stored('up');
    expect(got.get('{__name__="up", job="a"}')).toEqual([
      [NOW - 2000, 1],
      [NOW - 1000, 0],
    ]);
    expect(got.get('{__name__="up", job="b"}')).toEqual([[NOW - 1000, 1]]);
  });

  it('answers an out-of-order sample with 400 and rolls the whole request back', async () => {
    const ok = await handler.handle(
      request(v1Body([series('m', [[NOW - 1000, 1]])]), { 'content-type': 'application/x-protobuf' }),
    );
    expect(ok.status).toBe(204);
    const res = await handler.handle(
      request(v1Body([series('n', [[NOW - 500, 5]]), series('m', [[NOW - 2000, 2]])]), {
        'content-type': `application/x-protobuf;proto=${ProtoMsgV1}`,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toBe('out of order sample\n');
    expect(res.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect((await stored('m')).get('{__name__="m"}')).toEqual([[NOW - 1000, 1]]);
    expect((await stored('n')).size).toBe(0);
  });

  it('answers a duplicate sample with 400 and a sample over 10 minutes ahead as out of bounds', async () => {
    await handler.handle(request(v1Body([series('d', [[NOW - 1000, 1]])])));
    const dup = await handler.handle(request(v1Body([series('d', [[NOW - 1000, 2]])])));
    expect(dup.status).toBe(400);
    expect(String(dup.body)).toMatch(/^duplicate sample for timestamp/);
    const ahead = await handler.handle(request(v1Body([series('d', [[NOW + 11 * 60_000, 2]])])));
    expect(ahead.status).toBe(400);
    expect(ahead.body).toBe('out of bounds\n');
  });

  it('skips series without a metric name and keeps the rest', async () => {
    const noName: PbTimeSeries = {
      labels: [{ name: 'job', value: 'x' }],
      samples: [{ timestamp: NOW, value: 1 }],
      exemplars: [],
      histograms: [],
    };
    const res = await handler.handle(request(v1Body([noName, series('kept', [[NOW, 3]])])));
    expect(res.status).toBe(204);
    expect(handler.samplesWithInvalidLabels).toBe(1);
    expect((await stored('kept')).get('{__name__="kept"}')).toEqual([[NOW, 3]]);
  });

  it.each([
    0, 1,
  ])('answers a refused sample as the decoder would, before a damaged or odd label (%i workers)', async (receiveWorkers) => {
    const h = new WriteHandler({ appendable: db, now: () => NOW, receiveWorkers, workerMinBytes: 0 });
    try {
      const ahead = encodeWriteRequest({ timeseries: [series('a', [[NOW + 11 * 60_000, 1]])], metadata: [] });
      // A TimeSeries holding one Label whose field has wire type 7: the decoder refuses it.
      const damaged = new Uint8Array([...ahead, 0x0a, 0x03, 0x0a, 0x01, 0x0f]);
      const bad = await h.handle(request(snappyEncode(damaged)));
      expect(bad.status).toBe(400);
      expect(String(bad.body)).toMatch(/^proto: prometheus\.WriteRequest: /);
      // A Label with an unknown field holding a 10-byte varint: decoded, so the refusal stands.
      const varint10 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
      const odd = new Uint8Array([...ahead, 0x0a, 0x0d, 0x0a, 0x0b, 0x18, ...varint10]);
      const res = await h.handle(request(snappyEncode(odd)));
      expect(res.status).toBe(400);
      expect(res.body).toBe('out of bounds\n');
      expect(h.workersStarted).toBe(receiveWorkers);
    } finally {
      await h.close();
    }
  });
});

describe('WriteHandler, bad requests', () => {
  it('answers a damaged snappy body with 400', async () => {
    const res = await handler.handle(request(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])));
    expect(res.status).toBe(400);
    expect(String(res.body)).toMatch(/snappy/);
  });

  it('answers a body that is not a WriteRequest with 400', async () => {
    const res = await handler.handle(request(snappyEncode(new Uint8Array([0x0a, 0x50, 1, 2]))));
    expect(res.status).toBe(400);
    expect(String(res.body)).toMatch(/^proto: prometheus\.WriteRequest: /);
  });

  it('answers a foreign content type, an unknown proto and a foreign encoding with 415', async () => {
    const body = v1Body([series('x', [[NOW, 1]])]);
    const json = await handler.handle(request(body, { 'content-type': 'application/json' }));
    expect(json.status).toBe(415);
    expect(json.body).toBe(
      'expected application/x-protobuf as the first (media) part, got application/json content-type\n',
    );
    const proto = await handler.handle(request(body, { 'content-type': 'application/x-protobuf;proto=foo.Bar' }));
    expect(proto.status).toBe(415);
    expect(String(proto.body)).toMatch(/unknown remote write protobuf message foo\.Bar/);
    const gzip = await handler.handle(request(body, { 'content-encoding': 'gzip' }));
    expect(gzip.status).toBe(415);
    expect(gzip.body).toBe('gzip encoding (compression) is not accepted by this server; only snappy is acceptable\n');
    const only1 = new WriteHandler({ appendable: db, acceptedProtoMsgs: [ProtoMsgV1] });
    const v2 = await only1.handle(request(body, { 'content-type': `application/x-protobuf;proto=${ProtoMsgV2}` }));
    expect(v2.status).toBe(415);
    expect((await stored('x')).size).toBe(0);
  });
});

describe('WriteHandler, Remote Write 2.0', () => {
  const ct = { 'content-type': `application/x-protobuf;proto=${ProtoMsgV2}`, 'content-encoding': 'snappy' };

  it('appends samples, stores metadata and sets the Written headers', async () => {
    const res = await handler.handle(
      request(
        v2Body([
          {
            labels: { __name__: 'g', i: '1' },
            samples: [
              [NOW - 10, 1.5],
              [NOW, 2.5],
            ],
            help: 'a gauge',
          },
        ]),
        ct,
      ),
    );
    expect(res.status).toBe(204);
    expect(res.headers[WrittenSamplesHeader]).toBe('2');
    expect(res.headers[WrittenExemplarsHeader]).toBe('0');
    expect((await stored('g')).get('{__name__="g", i="1"}')).toEqual([
      [NOW - 10, 1.5],
      [NOW, 2.5],
    ]);
  });

  it('writes what it can and answers 400 naming each rejected sample and invalid series', async () => {
    await handler.handle(request(v2Body([{ labels: { __name__: 'o' }, samples: [[NOW, 1]] }]), ct));
    const res = await handler.handle(
      request(
        v2Body([
          {
            labels: { __name__: 'o' },
            samples: [
              [NOW - 5000, 9],
              [NOW + 1000, 2],
            ],
          },
          { labels: { job: 'no-name' }, samples: [[NOW, 1]] },
          { labels: { __name__: 'p' }, samples: [[NOW, 7]] },
        ]),
        ct,
      ),
    );
    expect(res.status).toBe(400);
    expect(res.headers[WrittenSamplesHeader]).toBe('2');
    expect(res.body).toBe(
      'out of order sample for series {__name__="o"}\ninvalid metric name or labels, got {job="no-name"}\n',
    );
    expect((await stored('o')).get('{__name__="o"}')).toEqual([
      [NOW, 1],
      [NOW + 1000, 2],
    ]);
    expect((await stored('p')).get('{__name__="p"}')).toEqual([[NOW, 7]]);
  });

  it('answers a label ref out of the symbol table with 400', async () => {
    const body = snappyEncode(
      encodeV2Request({
        symbols: ['', '__name__', 'x'],
        timeseries: [
          {
            labelsRefs: [1, 9],
            samples: [{ value: 1, timestamp: NOW, startTimestamp: 0 }],
            histograms: [],
            exemplars: [],
            metadata: { type: 0, helpRef: 0, unitRef: 0 },
          },
        ],
      }),
    );
    const res = await handler.handle(request(body, ct));
    expect(res.status).toBe(400);
    expect(String(res.body)).toMatch(/^parsing labels for series \[1 9\]: .*out of range/);
    expect(res.headers[WrittenSamplesHeader]).toBe('0');
  });
});
