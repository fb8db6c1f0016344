import { Labels } from '@tsprom/labels';
import { formatFloatF } from '@tsprom/promql';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goJSONString } from './go-json.js';
import { formatTimestamp, JSONWriter } from './json-writer.js';
import { labelsJSON } from './result-json.js';

function written(fn: (w: JSONWriter) => void): string {
  const w = new JSONWriter(16); // Small, so that the tests grow it.
  fn(w);
  return w.text();
}

const TWO_POW_53 = 2 ** 53;

describe('JSONWriter numbers', () => {
  it('writes any double as formatFloatF (Go FormatFloat f, -1) does', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        expect(written((w) => w.float(v))).toBe(formatFloatF(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes subnormals, integers near 2^53 and every special value as formatFloatF does', () => {
    const special = [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      2.2250738585072014e-308,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      1e-6,
      9.99999999999999e-7,
      1e21,
      9.999999999999999e20,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      0.1,
      -1.5,
      123456789.125,
    ];
    for (const v of special) expect(written((w) => w.float(v))).toBe(formatFloatF(v));
    fc.assert(
      fc.property(fc.integer({ min: -4096, max: 4096 }), (d) => {
        for (const v of [TWO_POW_53 + d * 2, -TWO_POW_53 - d * 2, TWO_POW_53 - 1 - Math.abs(d)]) {
          expect(written((w) => w.float(v))).toBe(formatFloatF(v));
        }
      }),
    );
    const subnormal = fc.double({ min: -2.2250738585072014e-308, max: 2.2250738585072014e-308, noNaN: true });
    fc.assert(
      fc.property(subnormal, (v) => {
        expect(written((w) => w.float(v))).toBe(formatFloatF(v));
      }),
    );
    const integral = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(integral, (v) => {
        expect(written((w) => w.float(v))).toBe(formatFloatF(v));
      }),
    );
  });

  it('writes numbers of few decimals (the decimal path) as formatFloatF does', () => {
    const decimal = fc.tuple(
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.integer({ min: 0, max: 22 }),
      fc.integer({ min: -1, max: 1 }),
    );
    fc.assert(
      fc.property(decimal, ([m, k, nudge]) => {
        // m / 10^k and its neighbouring doubles: the decimal path and the fallback around it.
        const x = m / 10 ** k;
        const v = nudge === 0 ? x : x + nudge * Number.EPSILON * Math.abs(x);
        expect(written((w) => w.float(v))).toBe(formatFloatF(v));
      }),
      { numRuns: 20_000 },
    );
    for (const v of [0.1, 0.2, 0.3, 1.005, 21.37, -0.25, 1.5e-6, 123456.789, 0.1 + 0.2, 4503599627370495.5]) {
      expect(written((w) => w.float(v))).toBe(formatFloatF(v));
    }
  });

  it('writes timestamps as MarshalTimestamp does: seconds, three decimals when not whole', () => {
    expect(written((w) => w.timestamp(1500))).toBe('1.500');
    expect(written((w) => w.timestamp(1001))).toBe('1.001');
    expect(written((w) => w.timestamp(-1010))).toBe('-1.010');
    expect(written((w) => w.timestamp(1767225600000))).toBe('1767225600');
    expect(written((w) => w.timestamp(0))).toBe('0');
    const ms = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(ms, (t) => {
        expect(written((w) => w.timestamp(t))).toBe(formatTimestamp(t));
      }),
    );
    const recent = fc.integer({ min: -(2 ** 42), max: 2 ** 42 });
    fc.assert(
      fc.property(recent, (t) => {
        expect(written((w) => w.timestamp(t))).toBe(formatTimestamp(t));
      }),
    );
  });

  it('writes a point as [t,"v"]', () => {
    expect(written((w) => w.point(1500, -0))).toBe('[1.500,"-0"]');
    expect(written((w) => w.point(2000, Number.NaN))).toBe('[2,"NaN"]');
    expect(written((w) => w.point(3000, 1e-7))).toBe('[3,"0.0000001"]');
  });
});

describe('JSONWriter strings', () => {
  it('escapes any string as goJSONString does, as UTF-8', () => {
    const s = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
    fc.assert(
      fc.property(s, (v) => {
        expect(written((w) => w.string(v))).toBe(goJSONString(v));
      }),
    );
    for (const v of ['', 'a"b', 'a\\b', '<&>', '\u2028', '\u0000\n\t\b\f', 'é', '\ud800', '😀']) {
      expect(written((w) => w.string(v))).toBe(goJSONString(v));
    }
  });

  it('writes a label set as labelsJSON does', () => {
    const pairs = fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 })), { maxLength: 8 });
    fc.assert(
      fc.property(pairs, (ps) => {
        const ls = Labels.fromStrings(...ps.flat());
        expect(written((w) => w.labels(ls))).toBe(labelsJSON(ls));
      }),
    );
  });

  it('keeps what was written when it grows, and starts empty after reset', () => {
    const w = new JSONWriter(4);
    for (let i = 0; i < 1000; i++) w.point(i * 1000, i);
    const text = w.text();
    expect(JSON.parse(`[${text.replaceAll('][', '],[')}]`)).toHaveLength(1000);
    w.reset();
    expect(w.length).toBe(0);
    w.utf8('{"é":1}');
    expect(w.text()).toBe('{"é":1}');
  });
});
