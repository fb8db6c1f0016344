import { describe, expect, it } from 'vitest';
import { ParseError, ProtobufParser } from './index.js';
import { collect, thrown } from './testing/collect.js';
import { encodeFamilies } from './testing/proto.js';

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('ProtobufParser', () => {
  it('reads counters, gauges, untyped and summaries with their metadata', () => {
    const body = encodeFamilies([
      {
        name: 'req_total',
        help: 'Requests.',
        type: 0,
        metric: [
          {
            label: [{ name: 'code', value: '200' }],
            counter: {
              value: 42,
              exemplar: { label: [{ name: 'trace_id', value: 'abc' }], value: 1.5, timestamp: ts(1700000000123) },
              created_timestamp: ts(1600000000456),
            },
            timestamp_ms: 1700000001000,
          },
        ],
      },
      { name: 'empty', help: 'no metrics', type: 1, metric: [] },
      { name: 'temp_celsius', help: '', type: 1, unit: 'celsius', metric: [{ gauge: { value: -3.5 } }] },
      { name: 'raw', type: 3, metric: [{ untyped: { value: 7 } }] },
      {
        name: 'rpc_seconds',
        type: 2,
        metric: [
          {
            label: [{ name: 'service', value: 'a.b' }],
            summary: {
              sample_count: 10,
              sample_sum: 2.5,
              quantile: [
                { quantile: 0.5, value: 0.2 },
                { quantile: 1, value: 0.9 },
              ],
              created_timestamp: ts(5000),
            },
          },
          { summary: { sample_count: 1, sample_sum: 1 } },
        ],
      },
    ]);
    expect(collect(new ProtobufParser(body))).toEqual([
      { help: ['req_total', 'Requests.'] },
      { type: ['req_total', 'counter'] },
      {
        series: 'req_total\xffcode\xff200',
        labels: '{__name__="req_total", code="200"}',
        value: 42,
        t: 1700000001000,
        ct: 1600000000456,
        exemplar: { labels: '{trace_id="abc"}', value: 1.5, ts: 1700000000123 },
      },
      { help: ['temp_celsius', ''] },
      { unit: ['temp_celsius', 'celsius'] },
      { type: ['temp_celsius', 'gauge'] },
      { series: 'temp_celsius', labels: '{__name__="temp_celsius"}', value: -3.5 },
      { help: ['raw', ''] },
      { type: ['raw', 'unknown'] },
      { series: 'raw', labels: '{__name__="raw"}', value: 7 },
      { help: ['rpc_seconds', ''] },
      { type: ['rpc_seconds', 'summary'] },
      {
        series: 'rpc_seconds_count\xffservice\xffa.b',
        labels: '{__name__="rpc_seconds_count", service="a.b"}',
        value: 10,
        ct: 5000,
      },
      {
        series: 'rpc_seconds_sum\xffservice\xffa.b',
        labels: '{__name__="rpc_seconds_sum", service="a.b"}',
        value: 2.5,
        ct: 5000,
      },
      {
        series: 'rpc_seconds\xffservice\xffa.b\xffquantile\xff0.5',
        labels: '{__name__="rpc_seconds", quantile="0.5", service="a.b"}',
        value: 0.2,
        ct: 5000,
      },
      {
        series: 'rpc_seconds\xffservice\xffa.b\xffquantile\xff1.0',
        labels: '{__name__="rpc_seconds", quantile="1.0", service="a.b"}',
        value: 0.9,
        ct: 5000,
      },
      { series: 'rpc_seconds_count', labels: '{__name__="rpc_seconds_count"}', value: 1 },
      { series: 'rpc_seconds_sum', labels: '{__name__="rpc_seconds_sum"}', value: 1 },
    ]);
  });

  const classic = {
    name: 'lat',
    type: 4,
    metric: [
      {
        histogram: {
          sample_count: 5,
          sample_sum: 12,
          bucket: [
            { cumulative_count: 2, upper_bound: 1, exemplar: { label: [{ name: 't', value: '1' }], value: 0.5 } },
            { cumulative_count: 4, upper_bound: 2.5 },
          ],
        },
      },
    ],
  };

  it('reads a classic histogram, adding the +Inf bucket', () => {
    expect(collect(new ProtobufParser(encodeFamilies([classic]))).slice(2)).toEqual([
      { series: 'lat_count', labels: '{__name__="lat_count"}', value: 5 },
      { series: 'lat_sum', labels: '{__name__="lat_sum"}', value: 12 },
      {
        series: 'lat_bucket\xffle\xff1.0',
        labels: '{__name__="lat_bucket", le="1.0"}',
        value: 2,
        exemplar: { labels: '{t="1"}', value: 0.5 },
      },
      { series: 'lat_bucket\xffle\xff2.5', labels: '{__name__="lat_bucket", le="2.5"}', value: 4 },
      { series: 'lat_bucket\xffle\xff+Inf', labels: '{__name__="lat_bucket", le="+Inf"}', value: 5 },
    ]);
  });

  const native = {
    name: 'nh',
    type: 4,
    metric: [
      {
        label: [{ name: 'a', value: 'b' }],
        timestamp_ms: 1234,
        histogram: {
          sample_count: 6,
          sample_sum: 10,
          schema: 1,
          zero_threshold: 0.001,
          zero_count: 1,
          created_timestamp: ts(1000),
          // Buckets 0..3 with counts 2, 0, 0, 3 and a span of length 0: compacted to [0,0]+[3,3].
          positive_span: [
            { offset: 0, length: 4 },
            { offset: 2, length: 0 },
          ],
          positive_delta: [2, -2, 0, 3],
          negative_span: [{ offset: -2, length: 1 }],
          negative_delta: [0],
          bucket: [{ cumulative_count: 3, upper_bound: 1 }],
          exemplars: [
            { label: [{ name: 'x', value: '1' }], value: 1, timestamp: ts(1500) },
            { label: [{ name: 'x', value: '2' }], value: 2 },
            { label: [{ name: 'x', value: '3' }], value: 3, timestamp: ts(1600) },
          ],
        },
      },
    ],
  };

  it('reads a native histogram, compacted, with its timestamped exemplars', () => {
    expect(collect(new ProtobufParser(encodeFamilies([native]))).slice(2)).toEqual([
      {
        histogram: 'nh\xffa\xffb',
        labels: '{__name__="nh", a="b"}',
        t: 1234,
        ct: 1000,
        exemplars: 2,
        h: {
          counterResetHint: 0,
          schema: 1,
          zeroThreshold: 0.001,
          zeroCount: 1,
          count: 6,
          sum: 10,
          positiveSpans: [
            { offset: 0, length: 1 },
            { offset: 2, length: 1 },
          ],
          positiveBuckets: [2, 1],
          negativeSpans: [],
          negativeBuckets: [],
        },
      },
    ]);
  });

  it('also emits the classic series of a native histogram when asked, or only them without native histograms', () => {
    const both = collect(new ProtobufParser(encodeFamilies([native]), { parseClassicHistograms: true })).slice(2);
    expect(both.map((e) => ('histogram' in e ? `H ${e.labels}` : 'labels' in e ? e.labels : ''))).toEqual([
      'H {__name__="nh", a="b"}',
      '{__name__="nh_count", a="b"}',
      '{__name__="nh_sum", a="b"}',
      '{__name__="nh_bucket", a="b", le="1.0"}',
      '{__name__="nh_bucket", a="b", le="+Inf"}',
    ]);
    const classicOnly = collect(new ProtobufParser(encodeFamilies([native]), { nativeHistograms: false })).slice(2);
    expect(classicOnly.map((e) => ('labels' in e ? e.labels : ''))).toEqual(
      both.slice(1).map((e) => ('labels' in e ? e.labels : '')),
    );
  });

  it('reads float and gauge histograms', () => {
    const body = encodeFamilies([
      {
        name: 'fh',
        type: 5,
        metric: [
          {
            histogram: {
              sample_count_float: 2.5,
              sample_sum: 3,
              schema: 0,
              zero_count_float: 0.5,
              positive_span: [{ offset: 1, length: 2 }],
              positive_count: [1.5, 0.5],
            },
          },
        ],
      },
    ]);
    const [h] = collect(new ProtobufParser(body)).slice(2);
    expect(h).toEqual({
      histogram: 'fh',
      labels: '{__name__="fh"}',
      h: {
        counterResetHint: 3,
        schema: 0,
        zeroThreshold: 0,
        zeroCount: 0.5,
        count: 2.5,
        sum: 3,
        positiveSpans: [{ offset: 1, length: 2 }],
        positiveBuckets: [1.5, 0.5],
        negativeSpans: [],
        negativeBuckets: [],
      },
    });
  });

  const bad: [string, Uint8Array, string][] = [
    [
      'a varint longer than 5 bytes',
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      'protobufparse: invalid varint encountered',
    ],
    [
      'a truncated message',
      new Uint8Array([0x10, 0x0a, 0x01]),
      'protobufparse: insufficient length of buffer, expected at least 17 bytes, got 3 bytes',
    ],
    [
      'a family without name',
      encodeFamilies([{ type: 1, metric: [{ gauge: { value: 1 } }] }]),
      'invalid metric name: ',
    ],
    [
      'an unknown metric type',
      encodeFamilies([{ name: 'x', type: 1, metric: [{ gauge: { value: 1 } }] }]).map((b, i) => (i === 5 ? 9 : b)),
      'unknown metric type for metric "x": 9',
    ],
    [
      'a unit that is not a suffix',
      encodeFamilies([{ name: 'x_total', type: 0, unit: 'seconds', metric: [{ counter: { value: 1 } }] }]),
      'unit "seconds" not a suffix of counter "x_total"',
    ],
    [
      'spans that do not match the buckets',
      encodeFamilies([
        {
          name: 'h',
          type: 4,
          metric: [{ histogram: { schema: 0, positive_span: [{ offset: 0, length: 2 }], positive_delta: [1] } }],
        },
      ]),
      'histogram of "h": spans specify 2 buckets but 1 are given: histogram spans specify different number of buckets than provided',
    ],
  ];

  it.each(bad)('rejects %s', (_, body, reason) => {
    const err = thrown(() => collect(new ProtobufParser(body)));
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).reason).toBe(reason);
    expect((err as ParseError).line).toBe(0);
  });

  it('rejects label values that are not valid UTF-8', () => {
    const body = encodeFamilies([
      { name: 'x', type: 1, metric: [{ label: [{ name: 'a', value: 'Z' }], gauge: { value: 1 } }] },
    ]);
    const i = body.lastIndexOf('Z'.charCodeAt(0));
    body[i] = 0xff;
    const err = thrown(() => collect(new ProtobufParser(body))) as ParseError;
    expect(err).toBeInstanceOf(ParseError);
    expect(err.reason).toBe('invalid label value: \udcff');
  });
});
