// The Go formatting promtool's query printers use, without a server: FormatFloat 'f' -1, %q,
// LabelSet and Metric strings, Matrix sorting, time.ParseDuration and promtool's parseTime.
import { describe, expect, it } from 'vitest';
import { goFormatFloat, goQuote, labelSetString, metricString, valueString } from './query-client.js';
import { parseGoDuration, parseTime } from './query.js';

describe('query printing', () => {
  it('formats floats as strconv.FormatFloat(v, f, -1, 64)', () => {
    expect([1e21, 1.5e-7, -2.5e22, 0.1, Number.NaN, Number.NEGATIVE_INFINITY, -0].map(goFormatFloat)).toEqual([
      '1000000000000000000000',
      '0.00000015',
      '-25000000000000000000000',
      '0.1',
      'NaN',
      '-Inf',
      '-0',
    ]);
  });

  it('writes metrics and label sets as common/model does', () => {
    expect(goQuote('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\x01é"');
    expect(metricString({ __name__: 'up' })).toBe('up');
    expect(metricString({})).toBe('{}');
    expect(metricString({ b: '2', __name__: 'm', a: '1' })).toBe('m{a="1", b="2"}');
    expect(labelSetString({ b: '2', __name__: 'm' })).toBe('{__name__="m", b="2"}');
  });

  it('sorts a matrix by LabelSet.Before (fewer labels first)', () => {
    const text = valueString({
      resultType: 'matrix',
      result: [
        { metric: { a: '1', b: '2' }, values: [[1, '1']] },
        { metric: { a: '2' }, values: [[1, '+Inf']] },
      ],
    });
    expect(text).toBe('{a="2"} =>\n+Inf @[1]\n{a="1", b="2"} =>\n1 @[1]');
  });

  it('parses durations and times as Go and promtool', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(() => parseGoDuration('5d')).toThrow('time: invalid duration "5d"');
    expect(parseTime('1700000000.5')).toBe(1_700_000_000_500);
    expect(parseTime('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(() => parseTime('soon')).toThrow('cannot parse "soon" to a valid timestamp');
  });
});
