// A big body is decoded and parsed a piece at a time (no string of the whole body): whatever the
// piece size, the parsers return exactly what they return for the body in one piece, errors and
// their positions included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BodyReader, OpenMetricsParser, ParseError, type Parser, PromParser } from './index.js';
import { type Collected, collect, f64Bits } from './testing/collect.js';
import { genSamples, toOpenMetrics, toPromText } from './testing/exposition-gen.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** A reader of `body` that gives at most `most` bytes a call, as a file read may give fewer than asked. */
function readerOf(body: Uint8Array, most: number): BodyReader {
  return {
    read(into, position) {
      const n = Math.max(0, Math.min(into.length, most, body.length - position));
      into.set(body.subarray(position, position + n));
      return n;
    },
  };
}

/** Everything a parser gives for a body: its entries (floats as bits), or its error and where. */
function outcome(make: () => Parser): unknown {
  const seen: Collected[] = [];
  try {
    const p = make();
    seen.push(...collect(p));
    return seen.map((c) => ('value' in c ? { ...c, value: f64Bits(c.value) } : c));
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { reason: err.reason, line: err.line, column: err.column, offset: err.offset };
  }
}

const syntaxChar = fc.constantFrom(
  ...'ab_:{}"=, \t\n#\\1.0e+-NaInfHELPTYUO'.split(''),
  '# HELP ',
  '# TYPE ',
  '# EOF',
  '# EOF\n',
  ' # {',
  'counter',
  'histogram',
  '_created',
  'ä',
  '\n\n',
);

describe('bodies parsed in pieces', () => {
  it('the text parsers give the same entries or the same error for any piece size', () => {
    const body = fc.oneof(
      fc.string({ unit: syntaxChar, maxLength: 120 }).map(enc),
      fc.uint8Array({ maxLength: 120 }),
      genSamples(1).map((s) => enc(toPromText(s, [' ']))),
      genSamples(1000).map((s) => enc(toOpenMetrics(s))),
    );
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 40 }), (b, size) => {
        expect(outcome(() => new PromParser(b, size))).toEqual(outcome(() => new PromParser(b)));
        for (const skipCreatedSeries of [false, true]) {
          expect(outcome(() => new OpenMetricsParser(b, { skipCreatedSeries, pieceBytes: size }))).toEqual(
            outcome(() => new OpenMetricsParser(b, { skipCreatedSeries })),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('OpenMetrics read through a BodyReader gives what the body in memory gives, errors and positions included', () => {
    const body = fc.oneof(
      fc.string({ unit: syntaxChar, maxLength: 120 }).map(enc),
      fc.uint8Array({ maxLength: 120 }),
      genSamples(1000).map((s) => enc(toOpenMetrics(s))),
    );
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), (b, size, most) => {
        for (const skipCreatedSeries of [false, true]) {
          expect(
            outcome(() => new OpenMetricsParser(readerOf(b, most), { skipCreatedSeries, pieceBytes: size })),
          ).toEqual(outcome(() => new OpenMetricsParser(b, { skipCreatedSeries })));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a streamed line longer than the read buffer (1 MiB), and an error after it, keep their positions', () => {
    const b = enc(`# TYPE m gauge\nm{l="${'v'.repeat(3 << 20)}"} 1 2\nm{l="w"} 1 3\nm{ 4\n# EOF\n`);
    const streamed = outcome(() => new OpenMetricsParser(readerOf(b, 100_000), { pieceBytes: 16 }));
    expect(streamed).toMatchObject({ line: 4 });
    expect(streamed).toEqual(outcome(() => new OpenMetricsParser(b)));
  });

  it('a quoted label value holding newlines runs across many pieces', () => {
    const value = 'x\n'.repeat(500);
    const b = enc(`a 1\nm{l="${value}"} 2\nb 3\n`);
    const p = new PromParser(b, 8);
    expect(collect(p).map((c) => ('labels' in c ? c.labels : c))).toEqual([
      '{__name__="a"}',
      `{__name__="m", l="${value.replaceAll('\n', '\\n')}"}`,
      '{__name__="b"}',
    ]);
  });

  it('an error in a later piece names its line, column and byte in the whole body', () => {
    const b = enc(`${'m{l="ä"} 1\n'.repeat(1000)}ok 1\nbad{ 2\n`);
    const err = outcome(() => new PromParser(b, 64)) as { line: number; column: number; offset: number };
    expect(err).toMatchObject({ line: 1002, column: 6, offset: 12 * 1000 + 5 + 5 });
    expect(err).toEqual(outcome(() => new PromParser(b)));
  });

  it('OpenMetrics: data after # EOF in the next piece fails; a _created line in a later piece is found', () => {
    expect(outcome(() => new OpenMetricsParser(enc('a 1\n# EOF\nb 2\n'), { pieceBytes: 4 }))).toMatchObject({
      reason: 'unexpected data after # EOF',
    });
    const om = enc(
      `# TYPE c counter\nc_total{x="1"} 1\n${Array.from({ length: 50 }, (_, i) => `c_total{x="f${i}"} 2\n`).join('')}c_created{x="1"} 1700000000.5\n# EOF\n`,
    );
    const p = new OpenMetricsParser(om, { pieceBytes: 16, skipCreatedSeries: true });
    const got = collect(p).filter((c) => 'series' in c && c.labels.includes('x="1"'));
    expect(got).toEqual(
      collect(new OpenMetricsParser(om, { skipCreatedSeries: true })).filter(
        (c) => 'series' in c && c.labels.includes('x="1"'),
      ),
    );
    expect(got).toEqual([
      { series: 'c_total{x="1"}', labels: '{__name__="c_total", x="1"}', value: 1, ct: 1700000000500 },
    ]);
  });
});
