// Properties every parser keeps: valid expositions round-trip bit-exactly, and no input makes a
// parser throw anything but its own ParseError.
import fc from 'fast-check';
import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { Entry, NormalNaN, OpenMetricsParser, ParseError, type Parser, PromParser, ProtobufParser } from './index.js';
import { f64Bits } from './testing/collect.js';
import { type GenSample, genSamples, toOpenMetrics, toPromText } from './testing/exposition-gen.js';
import { encodeFamilies } from './testing/proto.js';

const enc = (s: string) => new TextEncoder().encode(s);

function expectSamples(p: Parser, want: GenSample[], nanBits: (v: number) => bigint): void {
  for (const s of want) {
    expect(p.next()).toBe(Entry.Series);
    const ls = p.labels();
    expect(ls.toString()).toBe(Labels.fromStrings('__name__', s.name, ...s.labels.flat()).toString());
    expect(f64Bits(p.value())).toBe(nanBits(s.value));
    expect(p.timestamp()).toBe(s.tsMs);
  }
  expect(p.next()).toBe(Entry.EOF);
}

const textBits = (v: number) => f64Bits(Number.isNaN(v) ? NormalNaN : v);

describe('round trips', () => {
  it('Prometheus text: samples → text → parse → the same samples, bit-exact', () => {
    fc.assert(
      fc.property(
        genSamples(1),
        fc.array(fc.constantFrom('', ' ', '\t', ' \t '), { minLength: 1 }),
        (samples, blanks) => {
          const text = toPromText(samples, blanks);
          expectSamples(new PromParser(enc(text)), samples, textBits);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('OpenMetrics: samples → text → parse → the same samples, bit-exact', () => {
    fc.assert(
      fc.property(genSamples(1000), (samples) => {
        expectSamples(new OpenMetricsParser(enc(toOpenMetrics(samples))), samples, textBits);
      }),
      { numRuns: 300 },
    );
  });

  it('protobuf: gauge families → delimited messages → parse → the same samples, NaN payloads kept', () => {
    fc.assert(
      fc.property(genSamples(1), fc.boolean(), (samples, nanPayload) => {
        const families = samples.map((s) => ({
          name: s.name,
          type: 1,
          metric: [
            {
              label: s.labels.map(([name, value]) => ({ name, value })),
              gauge: { value: nanPayload && Number.isNaN(s.value) ? NormalNaN : s.value },
              ...(s.tsMs !== undefined && s.tsMs !== 0 ? { timestamp_ms: s.tsMs } : {}),
            },
          ],
        }));
        const p = new ProtobufParser(encodeFamilies(families));
        for (const [i, s] of samples.entries()) {
          expect(p.next()).toBe(Entry.Help);
          expect(p.next()).toBe(Entry.Type);
          expect(p.next()).toBe(Entry.Series);
          expect(p.labels().toString()).toBe(Labels.fromStrings('__name__', s.name, ...s.labels.flat()).toString());
          expect(f64Bits(p.value())).toBe(f64Bits(families[i]!.metric[0]!.gauge.value));
          expect(p.timestamp()).toBe(s.tsMs === 0 ? undefined : s.tsMs);
        }
        expect(p.next()).toBe(Entry.EOF);
      }),
      { numRuns: 200 },
    );
  });
});

/** Reads the body to the end, reading every accessor of every entry. */
function drain(p: Parser): void {
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e === Entry.Series || e === Entry.Histogram) {
      p.series();
      p.labels();
      p.value();
      p.timestamp();
      p.exemplar();
      p.createdTimestamp();
      p.histogram();
      p.floatHistogram();
    } else {
      p.metadataName();
      p.help();
      p.type();
      p.unit();
      p.comment();
    }
  }
}

function onlyParseErrors(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
  }
}

const syntaxChar = fc.constantFrom(
  ...'ab_:{}"=, \t\n#\\1.0e+-NaInfHELPTYUO'.split(''),
  '# ',
  '# HELP ',
  '# TYPE ',
  '# UNIT ',
  '# EOF',
  ' # {',
  'counter',
  'histogram',
  '_created',
  'ä',
  '\0',
);

describe('malformed input', () => {
  it('text parsers throw only ParseError, whatever the input', () => {
    const input = fc.oneof(
      fc.string({ unit: syntaxChar, maxLength: 60 }),
      fc.uint8Array({ maxLength: 60 }).map((b) => new TextDecoder().decode(b)),
      genSamples(1).map((s) => toPromText(s, [' '])),
      genSamples(1000).map(toOpenMetrics),
    );
    fc.assert(
      fc.property(input, fc.nat(), fc.string({ unit: syntaxChar, maxLength: 4 }), (text, at, insert) => {
        const mutated = text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1));
        for (const body of [text, mutated]) {
          onlyParseErrors(() => drain(new PromParser(enc(body))));
          onlyParseErrors(() => drain(new OpenMetricsParser(enc(body))));
          onlyParseErrors(() => drain(new OpenMetricsParser(enc(body), { skipCreatedSeries: true })));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('the protobuf parser throws only ParseError, whatever the bytes', () => {
    const valid = encodeFamilies([
      {
        name: 'h',
        type: 4,
        metric: [
          {
            histogram: {
              schema: 0,
              sample_count: 3,
              positive_span: [{ offset: 0, length: 2 }],
              positive_delta: [1, 1],
              bucket: [{ cumulative_count: 1, upper_bound: 1 }],
            },
          },
        ],
      },
      { name: 's', type: 2, metric: [{ summary: { sample_count: 1, quantile: [{ quantile: 0.5, value: 1 }] } }] },
    ]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (junk, at, byte) => {
        const mutated = valid.slice();
        mutated[at % mutated.length] = byte;
        for (const body of [junk, mutated, valid.subarray(0, at % valid.length)]) {
          onlyParseErrors(() => drain(new ProtobufParser(body)));
          onlyParseErrors(() => drain(new ProtobufParser(body, { parseClassicHistograms: true })));
        }
      }),
      { numRuns: 1500 },
    );
  });
});
