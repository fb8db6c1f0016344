import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIME_MS, MIN_TIME_MS, parseDuration, parseLimitParam, parseTime } from './params.js';
import { formatTimestamp } from './result-json.js';

describe('parseTime', () => {
  it.each([
    ['1435781451.781', 1435781451781],
    ['1435781451', 1435781451000],
    ['-1.5', -1500],
    ['0.0005', 1],
    ['1e3', 1_000_000],
    ['2015-07-01T20:10:51.781Z', 1435781451781],
    ['2015-07-01T20:10:51Z', 1435781451000],
    ['2015-07-01T22:10:51.7819+02:00', 1435781451781],
    ['2015-07-01T20:10:51.781999999Z', 1435781451781],
    ['-292273086-05-16T16:47:06Z', MIN_TIME_MS],
    ['292277025-08-18T07:12:54.999999999Z', MAX_TIME_MS],
  ])('reads %s', (s, ms) => {
    expect(parseTime(s)).toBe(ms);
  });

  it.each([
    '',
    'abc',
    '2015-07-01 20:10:51Z',
    '2015-02-30T00:00:00Z',
    '2015-07-01T20:10:51',
    'NaN',
  ])('refuses %j as Prometheus does', (s) => {
    expect(() => parseTime(s)).toThrow(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  });

  it('round-trips any ms time through the API timestamp format', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (ms) => {
        expect(parseTime(formatTimestamp(ms))).toBe(ms);
      }),
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['15', 15_000],
    ['0.5', 500],
    ['1ms', 1],
  ])('reads %s', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it('refuses what is neither', () => {
    expect(() => parseDuration('5 m')).toThrow('cannot parse "5 m" to a valid duration');
    expect(() => parseDuration('1e300')).toThrow('cannot parse "1e300" to a valid duration. It overflows int64');
  });
});

describe('formatTimestamp and parseLimitParam', () => {
  it('writes ms as Prometheus does', () => {
    expect([
      formatTimestamp(1500),
      formatTimestamp(1001),
      formatTimestamp(1010),
      formatTimestamp(-1500),
      formatTimestamp(0),
    ]).toEqual(['1.500', '1.001', '1.010', '-1.500', '0']);
  });

  it('reads limits', () => {
    expect(parseLimitParam('')).toBe(0);
    expect(parseLimitParam('7')).toBe(7);
    expect(() => parseLimitParam('-1')).toThrow('limit must be non-negative');
  });
});
