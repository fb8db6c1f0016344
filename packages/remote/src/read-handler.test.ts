import { chunkFromBytes, crc32c } from '@tsprom/chunkenc';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { DB } from '@tsprom/tsdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReadHandler } from './read-handler.js';
import {
  decodeChunkedReadResponse,
  decodeReadResponse,
  encodeReadRequest,
  type PbLabelMatcher,
  PbMatcherType,
  PbResponseType,
} from './read-request.js';
import type { RemoteRequest, RemoteResponse } from './receive-http.js';
import { snappyDecode, snappyEncode } from './snappy.js';

let db: DB;

beforeEach(async () => {
  db = await DB.open();
  const app = db.appender();
  for (let s = 0; s < 3; s++) {
    const ls = Labels.fromStrings('__name__', 'm', 'i', String(s));
    // 300 samples per series: more than one 120-sample chunk each.
    for (let t = 0; t < 300; t++) app.append(0, ls, 1000 + t * 1000, s * 1000 + t);
  }
  app.append(0, Labels.fromStrings('__name__', 'other'), 5000, 1);
  await app.commit();
});
afterEach(async () => {
  await db.close();
});

function handler(ext = Labels.EMPTY, extra: { sampleLimit?: number; maxBytesInFrame?: number } = {}): ReadHandler {
  return new ReadHandler({ queryable: db, externalLabels: () => ext, ...extra });
}

function readReq(matchers: PbLabelMatcher[], types: number[], start = 0, end = 1_000_000): RemoteRequest {
  const body = snappyEncode(
    encodeReadRequest({
      queries: [{ startTimestampMs: start, endTimestampMs: end, matchers, hints: undefined }],
      acceptedResponseTypes: types,
    }),
  );
  return { header: () => undefined, body };
}

const eqM: PbLabelMatcher = { type: PbMatcherType.EQ, name: '__name__', value: 'm' };

async function frames(res: RemoteResponse): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of res.stream!) out.push(f);
  return out;
}

/** Splits a frame into its uvarint length, CRC and message, checking both. */
function unframe(f: Uint8Array): Uint8Array {
  let len = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    const b = f[i++]!;
    len |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  const crc = new DataView(f.buffer, f.byteOffset).getUint32(i, false);
  const msg = f.subarray(i + 4);
  expect(msg.length).toBe(len);
  expect(crc).toBe(crc32c(msg) >>> 0);
  return msg;
}

describe('ReadHandler', () => {
  it('answers SAMPLES with every sample of the matching series, external labels added', async () => {
    const res = await handler(Labels.fromStrings('cluster', 'c1'), {}).handle(readReq([eqM], []));
    expect(res.status).toBe(200);
    expect(res.headers['Content-Encoding']).toBe('snappy');
    const rr = decodeReadResponse(snappyDecode(res.body as Uint8Array));
    expect(rr.results).toHaveLength(1);
    const ts = rr.results[0]!.timeseries;
    expect(ts.map((s) => s.labels)).toEqual(
      [0, 1, 2].map((i) => [
        { name: '__name__', value: 'm' },
        { name: 'cluster', value: 'c1' },
        { name: 'i', value: String(i) },
      ]),
    );
    expect(ts[1]!.samples).toHaveLength(300);
    expect(ts[1]!.samples[299]).toEqual({ timestamp: 300_000, value: 1299 });
  });

  it('turns an equality matcher on an external label into one for its absence', async () => {
    const h = handler(Labels.fromStrings('cluster', 'c1'));
    const hit = await h.handle(readReq([eqM, { type: PbMatcherType.EQ, name: 'cluster', value: 'c1' }], []));
    expect(decodeReadResponse(snappyDecode(hit.body as Uint8Array)).results[0]!.timeseries).toHaveLength(3);
    const miss = await h.handle(readReq([eqM, { type: PbMatcherType.EQ, name: 'cluster', value: 'c2' }], []));
    expect(decodeReadResponse(snappyDecode(miss.body as Uint8Array)).results[0]!.timeseries).toHaveLength(0);
  });

  it('answers 400 past the sample limit, for no supported response type and for a damaged body', async () => {
    const over = await handler(Labels.EMPTY, { sampleLimit: 500 }).handle(readReq([eqM], [PbResponseType.SAMPLES]));
    expect(over.status).toBe(400);
    expect(over.body).toBe('exceeded sample limit (500)\n');
    const unknown = await handler().handle(readReq([eqM], [7]));
    expect(unknown.status).toBe(400);
    expect(String(unknown.body)).toMatch(/^server does not support any of the requested response types: \[7\]/);
    const bad = await handler().handle({
      header: () => undefined,
      body: new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]),
    });
    expect(bad.status).toBe(400);
  });

  it('streams XOR chunks, one series per frame, split by the frame size, with each frame checksummed', async () => {
    for (const maxBytesInFrame of [1048576, 50]) {
      const res = await handler(Labels.fromStrings('cluster', 'c1'), { maxBytesInFrame }).handle(
        readReq([eqM], [PbResponseType.STREAMED_XOR_CHUNKS, PbResponseType.SAMPLES]),
      );
      expect(res.status).toBe(200);
      expect(res.headers['Content-Type']).toBe('application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse');
      const got = new Map<string, number[][]>();
      const fs = await frames(res);
      for (const f of fs) {
        const msg = decodeChunkedReadResponse(unframe(f));
        expect(msg.queryIndex).toBe(0);
        expect(msg.chunkedSeries).toHaveLength(1);
        const cs = msg.chunkedSeries[0]!;
        const key = cs.labels.map((l) => `${l.name}=${l.value}`).join(',');
        const list = got.get(key) ?? [];
        for (const c of cs.chunks) {
          const from = list.length;
          const it = chunkFromBytes(c.type, c.data).iterator();
          while (it.next() === ValueType.Float) list.push([it.atT(), it.atV()]);
          expect([c.minTimeMs, c.maxTimeMs]).toEqual([list[from]![0], list.at(-1)![0]]);
        }
        got.set(key, list);
      }
      expect([...got.keys()]).toEqual([
        '__name__=m,cluster=c1,i=0',
        '__name__=m,cluster=c1,i=1',
        '__name__=m,cluster=c1,i=2',
      ]);
      for (const [k, list] of got) {
        const s = Number(k.at(-1));
        expect(list).toHaveLength(300);
        expect(list[0]).toEqual([1000, s * 1000]);
        expect(list[299]).toEqual([300_000, s * 1000 + 299]);
      }
      // Small frames: one chunk a frame (3 chunks of 120/120/60 samples per series); large: one frame a series.
      expect(fs.length).toBe(maxBytesInFrame === 50 ? 9 : 3);
    }
  });
});
