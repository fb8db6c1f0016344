// Go's fmt as printf reaches it. Expected strings are Go's (promtool 2.42, Go 1.19, printed them).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFloat } from './go-float-format.js';
import { sprint, sprintf } from './go-fmt.js';
import { GoHTML } from './go-values.js';

describe('sprintf', () => {
  it.each([
    [
      '%s|%q|%v|%d|%5.2f|%-6s|%06.1f|%x|%X',
      ['s', 'q', 1.5, 42n, 3.14158, 'ab', 2.5, 255n, 'hi'],
      's|"q"|1.5|42| 3.14|ab    |0002.5|ff|6869',
    ],
    [
      '%e|%g|%t|%c|%U|%o|%b|%%',
      [1234.5678, 0.000012345, true, 65n, 9731n, 8n, 5n],
      '1.234568e+03|1.2345e-05|true|A|U+2603|10|101|%',
    ],
    [
      '%x|%X|%.3x|%v|%6.2v|%q|%#U|%08.3f',
      [1.5, 255.0, 'hi', -0, 3.14158, 65n, 9731n, -3.14158],
      "0x1.8p+00|0X1.FEP+07|6869|-0|   3.1|'A'|U+2603 '☃'|-003.142",
    ],
    [
      '%x|% x|%#q|%+d|%+.1e|% d|%#x|%#o|%8.3s|%-8d|%08d',
      ['héllo', 'ab', 'a', 5n, 12345.678, 3n, 255n, 8n, 'abcdef', 7n, -42n],
      '68c3a96c6c6f|61 62|`a`|+5|+1.2e+04| 3|0xff|010|     abc|7       |-0000042',
    ],
    ['%5t|%-5d|%x|%o|%c', [true, 3n, -255n, -8n, 128512n], ' true|3    |-ff|-10|😀'],
    [
      '%e %E %.0e %g %G %.3e',
      [0, 1e-7, 15.5, 1e-5, 1e21, 123456.0],
      '0.000000e+00 1.000000E-07 2e+01 1e-05 1E+21 1.235e+05',
    ],
    ['%10.4g|%-10.1f|%+.2e', [3.14158, 2.25, -0.000123], '     3.142|2.2       |-1.23e-04'],
    // Ties round to even on the exact binary value: 0.125 is exact, 0.05 is not.
    [
      '%.2f %.0f %.0f %.1f %.3g %.4g %g %v',
      [0.125, 0.5, 2.5, 0.05, 1234567.0, 0.00001234, 100000.0, 1e21],
      '0.12 0 2 0.1 1.23e+06 1.234e-05 100000 1e+21',
    ],
    [
      '%v|%5.1f|%+v|% v|%08.2f|%v',
      [Number.POSITIVE_INFINITY, 1.0, 1.0, 1.0, -1.0, Number.NaN],
      '+Inf|  1.0|1| 1|-0001.00|NaN',
    ],
    ['%d %s', [1.5, 1n], '%!d(float64=1.5) %!s(int=1)'],
    ['%d %d', [1n], '1 %!d(MISSING)'],
    ['%d', [1n, 'x', 2.5], '1%!(EXTRA string=x, float64=2.5)'],
    ['%!', [], '%!!(MISSING)'],
    ['%', [], '%!(NOVERB)'],
    ['%[2]d %[1]s', ['a', 3n], '3 a'],
    ['%*d|%.*f', [5n, 42n, 2n, 3.14158], '   42|3.14'],
    ['%v %s %d', [{ a: 'b' }, ['x', 1n], ['y']], 'map[a:b] [x %!s(int=1)] [%!d(string=y)]'],
    ['%v %s', [null, new GoHTML('<b>')], '<nil> <b>'],
    ['%T %T %T %T %T', [1n, 1.5, 's', { a: 'b' }, [1n]], 'int float64 string map[string]string []interface {}'],
  ])('%s', (format, args, want) => {
    expect(sprintf(format, args as unknown[])).toBe(want);
  });

  it('prints operands as Sprint does: spaces only between two non-strings', () => {
    expect(sprint([1n, 2n, 'a', 'b', 3.5, true])).toBe('1 2ab3.5 true');
  });
});

describe('Go float formatting', () => {
  it('prints the shortest digits that read back (%v), in Go exponent form', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = sprintf('%v', [v]);
        expect(Object.is(Number(s), v) || (v === 0 && Number(s) === 0)).toBe(true);
        expect(s).toMatch(/^-?(?:\d+(?:\.\d+)?|\d(?:\.\d+)?e[+-]\d{2,3})$/);
      }),
    );
  });

  it('rounds %.Nf and %.Ne correctly (agrees with JavaScript away from exact ties)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 12 }), (v, n) => {
        // Exact decimal ties are where Go (to even) and JavaScript (away from zero) differ.
        const w = v * (1 + 2 ** -40) + 2 ** -30;
        const exact = formatFloat(w, 'f', 1100);
        const frac = exact.slice(exact.indexOf('.') + 1 + n);
        const sig = exact.replace(/[-.]/g, '').replace(/^0+/, '');
        fc.pre(!/^50*$/.test(frac) && !/^50*$/.test(sig.slice(n + 1)));
        expect(formatFloat(w, 'f', n)).toBe(w.toFixed(n).replace(/^-(0\.?0*)$/, '-$1'));
        expect(formatFloat(w, 'e', n)).toBe(w.toExponential(n).replace(/e([+-])(\d)$/, 'e$10$2'));
      }),
    );
  });
});
