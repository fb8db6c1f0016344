import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { BatchEncoder } from './batch-encoder.js';
import { SeriesStore } from './series-store.js';
import type { SampleBatch } from './shard-buffer.js';
import { decodeWriteRequest, PbMetricType } from './write-request.js';
import { decodeV2Request } from './write-v2.js';

function batch(rows: [ref: number, t: number, v: number][]): SampleBatch {
  const n = rows.length;
  const b = {
    refs: new Float64Array(n),
    ts: new Float64Array(n),
    vs: new Float64Array(n),
    marks: new Float64Array(n),
    length: n,
    objects: [],
    oMarks: [],
    oLength: 0,
  };
  rows.forEach(([r, t, v], i) => {
    b.refs[i] = r;
    b.ts[i] = t;
    b.vs[i] = v;
  });
  return b;
}

function store(): SeriesStore {
  const s = new SeriesStore(Labels.EMPTY, []);
  s.storeSeries(
    [
      { ref: 7, labels: Labels.fromStrings('__name__', 'up', 'job', 'a') },
      { ref: 3, labels: Labels.fromStrings('__name__', 'req_total', 'job', 'a') },
    ],
    0,
  );
  s.storeMetadata([{ ref: 3, type: 'counter', help: 'Requests.', unit: 'requests' }]);
  return s;
}

const rows: [number, number, number][] = [
  [7, 1000, 1],
  [3, 1000, 10],
  [7, 2000, 0],
  [3, 2000, 11],
  [7, 3000, 1],
];

describe('BatchEncoder', () => {
  it('Remote Write 1.0: one TimeSeries per series, samples in their order', () => {
    const req = decodeWriteRequest(new BatchEncoder(false).encode(batch(rows), store()));
    const got = req.timeseries.map((ts) => [
      ts.labels.map((l) => `${l.name}=${l.value}`).join(','),
      ts.samples.map((s) => [s.timestamp, s.value]),
    ]);
    expect(got).toEqual([
      [
        '__name__=req_total,job=a',
        [
          [1000, 10],
          [2000, 11],
        ],
      ],
      [
        '__name__=up,job=a',
        [
          [1000, 1],
          [2000, 0],
          [3000, 1],
        ],
      ],
    ]);
  });

  it('Remote Write 2.0: labels and metadata resolve through the symbol table, also after a series reset', () => {
    const s = store();
    const enc = new BatchEncoder(true);
    for (let round = 0; round < 2; round++) {
      const req = decodeV2Request(enc.encode(batch(rows), s));
      expect(req.symbols[0]).toBe('');
      expect(new Set(req.symbols).size).toBe(req.symbols.length);
      const byName = new Map(
        req.timeseries.map((ts) => {
          const ls = ts.labelsRefs.map((r) => req.symbols[r]);
          return [ls[1], { ls, ts }];
        }),
      );
      expect(byName.get('up')!.ls).toEqual(['__name__', 'up', 'job', 'a']);
      expect(byName.get('up')!.ts.samples.map((x) => x.timestamp)).toEqual([1000, 2000, 3000]);
      const req3 = byName.get('req_total')!.ts;
      expect(req3.metadata.type).toBe(PbMetricType.COUNTER);
      expect(req.symbols[req3.metadata.helpRef]).toBe('Requests.');
      expect(req.symbols[req3.metadata.unitRef]).toBe('requests');
      s.storeSeries([{ ref: 9, labels: Labels.fromStrings('__name__', 'gone') }], 0);
      s.storeSeries(
        [
          { ref: 7, labels: Labels.EMPTY },
          { ref: 3, labels: Labels.EMPTY },
        ],
        5,
      );
      s.seriesReset(5); // Forgets ref 9 and renumbers the string table.
      expect(s.strings).not.toContain('gone');
    }
  });
});
