import { CounterResetHint, STALE_NAN_BITS, StaleNaN } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { ParseErrors } from './errors.js';
import { parseSeriesDesc, type SequenceValue } from './series-desc.js';

function bits(v: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
}

function floats(vs: SequenceValue[]): (number | '_' | 'stale')[] {
  return vs.map((v) => (v.omitted ? '_' : bits(v.value) === STALE_NAN_BITS ? 'stale' : v.value));
}

describe('parseSeriesDesc', () => {
  it('reads labels in every form', () => {
    expect(parseSeriesDesc('a{b="c", d=\'e\'} 1').labels.toString()).toBe('{__name__="a", b="c", d="e"}');
    expect(parseSeriesDesc('{__name__="a"} 1').labels.toString()).toBe('{__name__="a"}');
    expect(parseSeriesDesc('{"my.metric", "a.b"="x"} 1').labels.toString()).toBe('{__name__="my.metric", "a.b"="x"}');
    expect(parseSeriesDesc('a:b_c 1').labels.toString()).toBe('{__name__="a:b_c"}');
    expect(parseSeriesDesc('a{} 1').labels.toString()).toBe('{__name__="a"}');
    expect(parseSeriesDesc('a{b="c",} 1').labels.get('b')).toBe('c');
  });

  it.each([
    ['1 2 3', [1, 2, 3]],
    ['1+1x3', [1, 2, 3, 4]],
    ['-2+4x3', [-2, 2, 6, 10]],
    ['1-2x4', [1, -1, -3, -5, -7]],
    ['1x4', [1, 1, 1, 1, 1]],
    ['1 _x3 stale', [1, '_', '_', '_', 'stale']],
    ['_ 5 _', ['_', 5, '_']],
    ['1e3 -1.5E-1 +2 .5', [1000, -0.15, 2, 0.5]],
    ['Inf -Inf', [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
    ['-30s-1mx2 1h', [-30, -90, -150, 3600]],
    ['0+10x0', [0]],
  ])('%s', (vals, want) => {
    expect(floats(parseSeriesDesc(`m ${vals}`).values)).toEqual(want);
  });

  it('accumulates increments by repeated addition, as Prometheus does', () => {
    const vs = parseSeriesDesc('m 0+0.1x3').values.map((v) => v.value);
    expect(vs).toEqual([0, 0.1, 0.2, 0.30000000000000004]);
  });

  it('writes stale markers with the exact StaleNaN bits', () => {
    const v = parseSeriesDesc('m stale').values[0] as SequenceValue;
    expect(bits(v.value)).toBe(0x7ff0000000000002n);
    expect(bits(StaleNaN)).toBe(STALE_NAN_BITS);
    const nan = parseSeriesDesc('m NaN').values[0] as SequenceValue;
    expect(Number.isNaN(nan.value)).toBe(true);
    expect(bits(nan.value)).not.toBe(STALE_NAN_BITS);
  });

  it('reads the @st suffix of start-timestamp series', () => {
    const d = parseSeriesDesc('m{a="b"}@st _ -1mx2');
    expect(d.startTimestamps).toBe(true);
    expect(floats(d.values)).toEqual(['_', -60, -60, -60]);
    expect(parseSeriesDesc('m 1').startTimestamps).toBe(false);
  });

  it('reads native histograms', () => {
    const d = parseSeriesDesc(
      'h {{schema:1 sum:-0.3 count:3.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7] offset:-3 n_buckets:[4.1 5] n_offset:-5 counter_reset_hint:gauge}}',
    );
    expect(d.values[0]?.histogram).toEqual({
      counterResetHint: CounterResetHint.Gauge,
      schema: 1,
      zeroThreshold: 0.05,
      zeroCount: 7.1,
      count: 3.1,
      sum: -0.3,
      positiveSpans: [{ offset: -3, length: 3 }],
      negativeSpans: [{ offset: -5, length: 2 }],
      positiveBuckets: [5.1, 10, 7],
      negativeBuckets: [4.1, 5],
    });
    const nhcb = parseSeriesDesc('h {{schema:-53 sum:1 count:2 custom_values:[1 5] buckets:[1 1]}}').values[0]
      ?.histogram;
    expect(nhcb?.customValues).toEqual([1, 5]);
    expect(nhcb?.schema).toBe(-53);
  });

  it('expands histogram series', () => {
    const rep = parseSeriesDesc('h {{sum:1 count:1 buckets:[1]}}x2 _').values;
    expect(rep.length).toBe(4);
    expect(rep[2]?.histogram?.count).toBe(1);
    expect(rep[3]?.omitted).toBe(true);
    const inc = parseSeriesDesc(
      'h {{schema:0 sum:5 count:4 buckets:[1 2 1]}}+{{schema:0 sum:1 count:1 buckets:[1] offset:1}}x2',
    ).values;
    expect(inc.map((v) => [v.histogram?.count, v.histogram?.sum, v.histogram?.positiveBuckets])).toEqual([
      [4, 5, [1, 2, 1]],
      [5, 6, [1, 3, 1]],
      [6, 7, [1, 4, 1]],
    ]);
    const dec = parseSeriesDesc('h {{count:10 sum:10 buckets:[5 5]}}-{{count:2 sum:2 buckets:[1 1]}}x1').values;
    expect(dec[1]?.histogram).toMatchObject({ count: 8, sum: 8, positiveBuckets: [4, 4] });
  });

  it.each([
    ['m 1+', 'invalid number'],
    ['m 1+1y2', 'invalid value'],
    ['m 1x', 'invalid repetition count'],
    ['m foo', 'invalid number'],
    ['m{a=1} 1', 'expected string'],
    ['m {{schema:1 bogus:2}}', 'invalid histogram key'],
    ['m {{schema:1', 'unterminated histogram'],
  ])('rejects %j', (desc, msg) => {
    expect(() => parseSeriesDesc(desc)).toThrow(ParseErrors);
    expect(() => parseSeriesDesc(desc)).toThrow(msg);
  });
});
