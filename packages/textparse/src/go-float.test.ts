import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatGoShortestG,
  formatOpenMetricsFloat,
  lastFloatStatus,
  NormalNaN,
  parseGoFloat,
  parseGoInt,
} from './go-float.js';
import { f64Bits } from './testing/collect.js';

const pf = (s: string) => parseGoFloat(s, 0, s.length);

describe('parseGoFloat', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['+12', 12],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E+3', 1000],
    ['2.5e-3', 0.0025],
    ['123456789012345678', 123456789012345680],
    ['0.1', 0.1],
    ['1e-400', 0],
    ['4.9e-324', 5e-324],
    ['inf', Number.POSITIVE_INFINITY],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-INFINITY', Number.NEGATIVE_INFINITY],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('%s', (s, want) => {
    const v = pf(s);
    expect(lastFloatStatus()).toBe(0);
    expect(f64Bits(v)).toBe(f64Bits(want));
  });

  it('reads NaN in any case, without sign, as NormalNaN', () => {
    for (const s of ['NaN', 'nan', 'NAN']) {
      expect(f64Bits(pf(s))).toBe(f64Bits(NormalNaN));
      expect(lastFloatStatus()).toBe(0);
    }
    expect(f64Bits(NormalNaN)).toBe(0x7ff8000000000001n);
  });

  it.each([
    ['', 1],
    ['+', 1],
    ['-NaN', 1],
    ['+nan', 1],
    ['infin', 1],
    ['1e', 1],
    ['e1', 1],
    ['.', 1],
    ['1.2.3', 1],
    [' 1', 1],
    ['1 ', 1],
    ['0x10', 1],
    ['0x1p3', 3],
    ['1_000', 3],
    ['1e400', 2],
    ['-1e309', 2],
  ])('rejects %j (status %i)', (s, st) => {
    pf(s);
    expect(lastFloatStatus()).toBe(st);
  });

  it('agrees with Number() on every decimal it accepts', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        for (const s of [String(v), v.toExponential(), v.toFixed(Math.min(20, 5))]) {
          if (!Number.isFinite(Number(s))) continue;
          expect(f64Bits(pf(s))).toBe(f64Bits(Number(s)));
        }
      }),
    );
  });
});

describe('parseGoFloat on decimal strings', () => {
  it('rounds like Number() (the fast path and the general one)', () => {
    const digitsArb = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.constantFrom('', '-', '+'),
        digitsArb,
        fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: 20 })),
        fc.option(fc.integer({ min: -340, max: 340 })),
        (sign, int, frac, exp) => {
          const s = `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`;
          const want = Number(s);
          const got = pf(s);
          if (!Number.isFinite(want)) expect(lastFloatStatus()).toBe(2);
          else expect(f64Bits(got)).toBe(f64Bits(want));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('parseGoInt', () => {
  it('reads int64 and rejects out of range', () => {
    expect(parseGoInt('-3982045', 0, 8)).toBe(-3982045);
    expect(parseGoInt('9223372036854775807', 0, 19)).toBe(2 ** 63);
    expect(lastFloatStatus()).toBe(0);
    parseGoInt('9223372036854775808', 0, 19);
    expect(lastFloatStatus()).toBe(2);
  });
});

describe('formatting', () => {
  it.each([
    [0.1, '0.1', '0.1'],
    [1, '1', '1.0'],
    [100, '100', '100.0'],
    [123456, '123456', '123456.0'],
    [1e6, '1e+06', '1e+06'],
    [1234567, '1.234567e+06', '1.234567e+06'],
    [0.0001, '0.0001', '0.0001'],
    [0.00001, '1e-05', '1e-05'],
    [1.5e-7, '1.5e-07', '1.5e-07'],
    [1e21, '1e+21', '1e+21'],
    [5e-324, '5e-324', '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308', '1.7976931348623157e+308'],
    [-2.5, '-2.5', '-2.5'],
    [-0, '-0', '-0.0'],
    [0.25, '0.25', '0.25'],
  ])('%d: %s / %s', (v, g, om) => {
    expect(formatGoShortestG(v)).toBe(g);
    expect(formatOpenMetricsFloat(v)).toBe(om);
  });

  it('writes NaN and infinities as OpenMetrics does', () => {
    expect(formatOpenMetricsFloat(Number.NaN)).toBe('NaN');
    expect(formatOpenMetricsFloat(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatOpenMetricsFloat(Number.NEGATIVE_INFINITY)).toBe('-Inf');
  });

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatOpenMetricsFloat(v);
        expect(f64Bits(pf(s))).toBe(f64Bits(v));
      }),
    );
  });
});
