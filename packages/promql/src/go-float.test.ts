import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFloatF, formatFloatG, goPow, parseGoFloat } from './go-float.js';

describe('Go float formatting', () => {
  it('formats without exponent and round-trips any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatFloatF(v);
        expect(s).not.toMatch(/e/);
        expect(Object.is(Number(s), v)).toBe(true);
      }),
    );
  });
  it.each([
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NaN, 'NaN'],
  ])('formatFloatF(%s) = %s', (v, s) => expect(formatFloatF(v)).toBe(s));
  it.each([
    [5, '5'],
    [0.25, '0.25'],
    [1e21, '1e+21'],
    [1e6, '1e+06'],
    [123456.5, '123456.5'],
    [-1234567, '-1.234567e+06'],
    [1e-5, '1e-05'],
    [Number.NaN, 'NaN'],
  ])('formatFloatG(%s) = %s', (v, s) => expect(formatFloatG(v)).toBe(s));
  it.each([
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-inf', Number.NEGATIVE_INFINITY],
    ['1e3', 1000],
    ['.5', 0.5],
    ['0x10', 16],
    ['Hello', null],
    ['', null],
  ])('parseGoFloat(%j)', (s, v) => expect(parseGoFloat(s)).toBe(v));
  it('pow follows Go on special cases', () => {
    expect(goPow(1, Number.NaN)).toBe(1);
    expect(goPow(-1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(goPow(2, 10)).toBe(1024);
  });
});
