import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationParseError, formatDuration, parseDuration } from './duration.js';
import { formatFloatF, formatFloatG, parseNumber, StringLiteralError, unquoteString } from './literals.js';

describe('parseDuration / formatDuration', () => {
  it.each([
    ['0', 0, '0s'],
    ['1ms', 1, '1ms'],
    ['1s', 1000, '1s'],
    ['90s', 90_000, '1m30s'],
    ['1h30m', 5_400_000, '1h30m'],
    ['1d', 86_400_000, '1d'],
    ['7d', 604_800_000, '1w'],
    ['8d', 691_200_000, '8d'],
    ['1y', 31_536_000_000, '1y'],
    ['1y1d', 31_622_400_000, '366d'],
    ['1m500ms', 60_500, '1m500ms'],
  ])('%s', (s, ms, formatted) => {
    expect(parseDuration(s)).toBe(ms);
    expect(formatDuration(ms)).toBe(formatted);
  });

  it.each(['', '1', '1.5h', '1m1h', '1h1h', '-1m', 'm', '1M'])('rejects %j', (s) => {
    expect(() => parseDuration(s)).toThrow(DurationParseError);
  });

  it('formats negative durations with a sign', () => {
    expect(formatDuration(-90_000)).toBe('-1m30s');
  });

  it('round-trips any millisecond count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('number literals', () => {
  it.each([
    ['0x1f', 31],
    ['0X_FF', 255],
    ['017', 15],
    ['09', 9],
    ['1e-3', 0.001],
    ['inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
  ])('%s', (s, v) => {
    expect(parseNumber(s)).toBe(v);
  });

  it.each([
    [1, '1'],
    [-0.5, '-0.5'],
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [123456789.125, '123456789.125'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NaN, 'NaN'],
  ])('formatFloatF(%s)', (v, s) => {
    expect(formatFloatF(v)).toBe(s);
  });

  it.each([
    [1, '1'],
    [100000, '100000'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-1.5e-7, '-1.5e-07'],
    [1e100, '1e+100'],
    [5e-324, '5e-324'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ])('formatFloatG(%s)', (v, s) => {
    expect(formatFloatG(v)).toBe(s);
  });

  it('formatFloatG reads back exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Number(formatFloatG(v))).toBe(v);
      }),
    );
  });

  it('formatFloatF reads back exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Number(formatFloatF(v))).toBe(v);
      }),
    );
  });
});

describe('string literals', () => {
  it.each([
    ['"a\\a\\b\\f\\n\\r\\t\\v\\\\"', 'a\x07\b\f\n\r\t\v\\'],
    ["'\\''", "'"],
    ['"\\u00e9\\U0001F600"', 'é😀'],
    ['"\\101\\x42"', 'AB'],
    ['`a\\b\r`', 'a\\b'],
  ])('%s', (lit, v) => {
    expect(unquoteString(lit)).toBe(v);
  });

  it.each([
    ['"\\\'"', 'unknown escape sequence'],
    ['"\\q"', 'unknown escape sequence'],
    ['"\\400"', 'escape sequence is an invalid Unicode code point'],
    ['"\\u12"', "illegal character U+0022 '\"' in escape sequence"],
    ['"\\xZZ"', 'illegal character'],
    ['"\\uD800"', 'invalid Unicode code point'],
    ['"abc', 'unterminated quoted string'],
  ])('rejects %s', (lit, msg) => {
    expect(() => unquoteString(lit)).toThrow(StringLiteralError);
    expect(() => unquoteString(lit)).toThrow(msg);
  });
});
