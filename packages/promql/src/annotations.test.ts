import { describe, expect, it } from 'vitest';
import { goQuote, invalidQuantileWarning, possibleNonCounterInfo } from './annotations.js';

describe('annotations', () => {
  it('quotes like Go %q, bytes that are not UTF-8 as \\xNN', () => {
    expect(goQuote('a\udcc5z')).toBe('"a\\xc5z"');
    expect(goQuote('say "hi"')).toBe('"say \\"hi\\""');
  });
  it('read like Prometheus', () => {
    expect(invalidQuantileWarning(Number.NaN, { start: 0, end: 1 }).message).toBe(
      'PromQL warning: quantile value should be between 0 and 1, got NaN',
    );
    const info = possibleNonCounterInfo('foo', { start: 5, end: 8 });
    expect(info.level).toBe('info');
    expect(info.message).toBe(
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "foo"',
    );
  });
});
