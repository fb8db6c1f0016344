import { CounterResetHint, CustomBucketsSchema } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { newParser } from './new-parser.js';
import { Entry, type Parser } from './parser.js';
import { encodeFamilies } from './testing/proto.js';

const enc = new TextEncoder();

function entries(p: Parser): unknown[] {
  const out: unknown[] = [];
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e === Entry.Series) out.push([p.labels().toString(), p.value()]);
    if (e === Entry.Histogram) {
      const ex = [];
      for (let x = p.exemplar(); x !== undefined; x = p.exemplar()) ex.push(`${x.labels.toString()} ${x.value}`);
      out.push({ series: p.series(), labels: p.labels().toString(), h: p.histogram() ?? p.floatHistogram(), ex });
    }
  }
  return out;
}

const TEXT = `# TYPE rpc_seconds histogram
rpc_seconds_bucket{op="a",le="0.5"} 3
rpc_seconds_bucket{op="a",le="1"} 5
rpc_seconds_bucket{op="a",le="+Inf"} 6
rpc_seconds_sum{op="a"} 4.25
rpc_seconds_count{op="a"} 6
rpc_seconds_bucket{op="b",le="0.5"} 0
rpc_seconds_bucket{op="b",le="1"} 0.5
rpc_seconds_bucket{op="b",le="+Inf"} 0.5
rpc_seconds_sum{op="b"} 0.25
rpc_seconds_count{op="b"} 0.5
# TYPE up gauge
up 1
`;

const NHCB_A = {
  counterResetHint: CounterResetHint.Unknown,
  schema: CustomBucketsSchema,
  zeroThreshold: 0,
  zeroCount: 0,
  count: 6,
  sum: 4.25,
  positiveSpans: [{ offset: 0, length: 3 }],
  negativeSpans: [],
  positiveBuckets: [3, -1, -1], // 3, 2, 1
  negativeBuckets: [],
  customValues: [0.5, 1],
};

describe('NHCBParser', () => {
  it('converts classic histograms of the text format and drops their series', () => {
    const p = newParser(enc.encode(TEXT), 'text/plain; version=0.0.4', { convertClassicHistogramsToNHCB: true });
    expect(entries(p.parser)).toEqual([
      { series: 'rpc_seconds{op="a"}', labels: '{__name__="rpc_seconds", op="a"}', h: NHCB_A, ex: [] },
      {
        series: 'rpc_seconds{op="b"}',
        labels: '{__name__="rpc_seconds", op="b"}',
        // Float counts make a float histogram; the empty first bucket is compacted away.
        h: {
          ...NHCB_A,
          count: 0.5,
          sum: 0.25,
          positiveSpans: [{ offset: 1, length: 1 }],
          positiveBuckets: [0.5],
        },
        ex: [],
      },
      ['{__name__="up"}', 1],
    ]);
  });

  it('keeps the classic series too with always_scrape_classic_histograms', () => {
    const p = newParser(enc.encode(TEXT), 'text/plain; version=0.0.4', {
      convertClassicHistogramsToNHCB: true,
      parseClassicHistograms: true,
    });
    const got = entries(p.parser);
    expect(got).toHaveLength(13);
    expect(got[5]).toMatchObject({ series: 'rpc_seconds{op="a"}', h: NHCB_A });
    expect(got.slice(0, 5)).toEqual([
      ['{__name__="rpc_seconds_bucket", le="0.5", op="a"}', 3],
      ['{__name__="rpc_seconds_bucket", le="1.0", op="a"}', 5],
      ['{__name__="rpc_seconds_bucket", le="+Inf", op="a"}', 6],
      ['{__name__="rpc_seconds_sum", op="a"}', 4.25],
      ['{__name__="rpc_seconds_count", op="a"}', 6],
    ]);
  });

  it('carries the exemplars of OpenMetrics buckets to the NHCB, and the classic series keep theirs', () => {
    const om = `# TYPE rpc_seconds histogram
rpc_seconds_bucket{le="0.5"} 3 # {trace_id="x"} 0.25 1.5
rpc_seconds_bucket{le="+Inf"} 4 # {trace_id="y"} 2
rpc_seconds_count 4
rpc_seconds_sum 3
# EOF
`;
    const p = newParser(enc.encode(om), 'application/openmetrics-text; version=1.0.0', {
      convertClassicHistogramsToNHCB: true,
      parseClassicHistograms: true,
    }).parser;
    const exOfSeries: string[] = [];
    let nhcbEx: string[] = [];
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
      const ex = [];
      for (let x = p.exemplar(); x !== undefined; x = p.exemplar()) ex.push(`${x.labels.toString()} ${x.value}`);
      if (e === Entry.Histogram) nhcbEx = ex;
      else if (e === Entry.Series) exOfSeries.push(...ex);
    }
    expect(nhcbEx).toEqual(['{trace_id="x"} 0.25', '{trace_id="y"} 2']);
    expect(exOfSeries).toEqual(nhcbEx);
  });

  it('converts protobuf classic histograms but not the classic buckets of a native one', () => {
    const body = encodeFamilies([
      {
        name: 'classic_seconds',
        type: 4,
        metric: [
          {
            histogram: {
              sample_count: 6,
              sample_sum: 4.25,
              bucket: [
                { upper_bound: 0.5, cumulative_count: 3 },
                { upper_bound: 1, cumulative_count: 5 },
              ],
            },
          },
        ],
      },
      {
        name: 'native_seconds',
        type: 4,
        metric: [
          {
            histogram: {
              sample_count: 1,
              sample_sum: 1,
              schema: 0,
              zero_threshold: 0.001,
              positive_span: [{ offset: 0, length: 1 }],
              positive_delta: [1],
              bucket: [{ upper_bound: 1, cumulative_count: 1 }],
            },
          },
        ],
      },
    ]);
    const ct = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
    const got = entries(
      newParser(body, ct, { convertClassicHistogramsToNHCB: true, parseClassicHistograms: true }).parser,
    );
    const kinds = got.map((x) => (Array.isArray(x) ? x[0] : (x as { labels: string }).labels));
    expect(kinds).toEqual([
      '{__name__="classic_seconds_count"}',
      '{__name__="classic_seconds_sum"}',
      '{__name__="classic_seconds_bucket", le="0.5"}',
      '{__name__="classic_seconds_bucket", le="1.0"}',
      '{__name__="classic_seconds_bucket", le="+Inf"}',
      '{__name__="classic_seconds"}',
      '{__name__="native_seconds"}',
      '{__name__="native_seconds_count"}',
      '{__name__="native_seconds_sum"}',
      '{__name__="native_seconds_bucket", le="1.0"}',
      '{__name__="native_seconds_bucket", le="+Inf"}',
    ]);
    expect(got[5]).toMatchObject({ h: { schema: CustomBucketsSchema, count: 6, customValues: [0.5, 1] } });
    expect(got[6]).toMatchObject({ h: { schema: 0, count: 1 } });
  });

  it('gives no NHCB for buckets that are not cumulative', () => {
    const text =
      '# TYPE x histogram\nx_bucket{le="1"} 5\nx_bucket{le="2"} 3\nx_bucket{le="+Inf"} 5\nx_count 5\nx_sum 1\n';
    const p = newParser(enc.encode(text), 'text/plain', { convertClassicHistogramsToNHCB: true });
    expect(entries(p.parser)).toEqual([]);
  });
});
