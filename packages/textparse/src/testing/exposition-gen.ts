// Test helper: fast-check generators of valid expositions and their renderings in the text formats.
import fc from 'fast-check';
import { isValidLegacyLabelName, isValidLegacyMetricName } from '@tsprom/labels';
import { formatOpenMetricsFloat } from '../go-float.js';

/** A sample as generated: metric name, labels (unique names, non-empty values), value, timestamp. */
export interface GenSample {
  name: string;
  labels: [string, string][];
  value: number;
  tsMs: number | undefined;
}

// Names: mostly legacy, some with dots, quotes, backslashes, newlines and non-ASCII.
const nameChar = fc.constantFrom('a', 'b', 'z', '_', ':', '0', '9', '.', '-', ' ', 'ä', '€', '"', '\\', '\n', '😀');
const metricName = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,12}$/),
  fc.string({ unit: nameChar, minLength: 1, maxLength: 10 }),
);
const labelName = fc
  .oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/), fc.string({ unit: nameChar, minLength: 1, maxLength: 10 }))
  .filter((n) => n !== '__name__');
const labelValue = fc.string({
  unit: fc.oneof(nameChar, fc.constantFrom('{', '}', '=', ',', '#', '\t')),
  minLength: 1,
  maxLength: 12,
});

/** Doubles with the special values weighted up. */
export const sampleValue = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-324, 0.1),
  fc.integer({ min: -1e9, max: 1e9 }),
);

export function genSamples(tsUnitMs: number): fc.Arbitrary<GenSample[]> {
  return fc.array(
    fc.record({
      name: metricName,
      labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { selector: (t) => t[0], maxLength: 4 }),
      value: sampleValue,
      tsMs: fc.option(
        fc.integer({ min: -1e12, max: 4e12 }).map((t) => Math.trunc(t / tsUnitMs) * tsUnitMs || 0),
        { nil: undefined },
      ),
    }),
    { maxLength: 12 },
  );
}

function escapeQuoted(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A float as both text formats write it, keeping every bit but a NaN's payload. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  return formatOpenMetricsFloat(v).replace(/\.0$/, '');
}

/** One sample line without value: `name{labels}` or `{"name", labels}`. */
function seriesText(s: GenSample, sep: string): string {
  const parts = s.labels.map(
    ([n, v]) => `${isValidLegacyLabelName(n) ? n : `"${escapeQuoted(n)}"`}="${escapeQuoted(v)}"`,
  );
  if (isValidLegacyMetricName(s.name)) return parts.length === 0 ? s.name : `${s.name}{${parts.join(sep)}}`;
  return `{${[`"${escapeQuoted(s.name)}"`, ...parts].join(sep)}}`;
}

/** The samples in the Prometheus text format, with random blanks where the format allows them. */
export function toPromText(samples: GenSample[], blanks: string[]): string {
  let out = '';
  samples.forEach((s, i) => {
    const b = blanks[i % Math.max(1, blanks.length)] ?? ' ';
    out += `${seriesText(s, `,${b}`)}${b} ${formatValue(s.value)}`;
    if (s.tsMs !== undefined) out += ` ${s.tsMs}`;
    out += `${b}\n`;
  });
  return out;
}

/** The samples in OpenMetrics text (timestamps as seconds), ending with `# EOF`. */
export function toOpenMetrics(samples: GenSample[]): string {
  let out = '';
  for (const s of samples) {
    out += `${seriesText(s, ',')} ${formatValue(s.value)}`;
    if (s.tsMs !== undefined) out += ` ${s.tsMs / 1000}`;
    out += '\n';
  }
  return `${out}# EOF\n`;
}
