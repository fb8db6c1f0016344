import { expect, it } from 'vitest';
import { goBase2Bytes, goDuration, goFormatFloatE, goQuote, goTimeUTC, tabwrite } from './go-format.js';

it.each([
  [0, '0s'],
  [1, '1ms'],
  [999, '999ms'],
  [30_001, '30.001s'],
  [90_000, '1m30s'],
  [7_200_000, '2h0m0s'],
  [7_200_500, '2h0m0.5s'],
  [-1500, '-1.5s'],
])('goDuration(%d) = %s', (ms, s) => {
  expect(goDuration(ms)).toBe(s);
});

it('formats times, sizes and tab-aligned columns as promtool does', () => {
  expect(goTimeUTC(1_000_000)).toBe('1970-01-01 00:16:40 +0000 UTC');
  expect(goTimeUTC(1_030_001)).toBe('1970-01-01 00:17:10.001 +0000 UTC');
  expect(goTimeUTC(1_700_000_000_120)).toBe('2023-11-14 22:13:20.12 +0000 UTC');
  expect(goBase2Bytes(896)).toBe('896B');
  expect(goBase2Bytes(0)).toBe('0B');
  expect(goBase2Bytes(1536)).toBe('1KiB512B');
  expect(goBase2Bytes(12 * 1024 * 1024)).toBe('12MiB');
  // promtool tsdb list's header over an empty directory, and a row.
  expect(
    tabwrite(
      [['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE']],
      13,
      2,
    ),
  ).toBe('BLOCK ULID   MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE\n');
  expect(
    tabwrite(
      [
        ['BLOCK ULID', 'MIN TIME', 'SIZE'],
        ['01M96F0N6N78FBZ7C7MJWBBQ5E', '1000000', '896'],
      ],
      13,
      2,
    ),
  ).toBe('BLOCK ULID                  MIN TIME     SIZE\n01M96F0N6N78FBZ7C7MJWBBQ5E  1000000      896\n');
});

it.each([
  [4, '4E+00'],
  [-2.5, '-2.5E+00'],
  [0.0166, '1.66E-02'],
  [1 / 60, '1.6666666666666666E-02'],
  [18, '1.8E+01'],
  [1e300, '1E+300'],
  [5e-324, '5E-324'],
  [0, '0E+00'],
  [-0, '-0E+00'],
  [Number.NaN, 'NaN'],
  [Number.POSITIVE_INFINITY, '+Inf'],
  [Number.NEGATIVE_INFINITY, '-Inf'],
])('goFormatFloatE(%d) = %s', (v, s) => {
  expect(goFormatFloatE(v)).toBe(s);
});

it('quotes as Go %q does', () => {
  expect(goQuote('up{job="a"}')).toBe('"up{job=\\"a\\"}"');
  expect(goQuote('a\nb\t\u0001é')).toBe('"a\\nb\\t\\x01é"');
});
