// The created-timestamp look-ahead of OpenMetricsParser shares one scan among the series before the
// `_created` line it finds (linear time); this checks it against Prometheus's plain definition: the
// first `_created` series after a series, within its family, gives its created timestamp if their
// labels other than `le` and `quantile` are equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Entry, OpenMetricsParser } from './index.js';

interface Line {
  name: string;
  labels: [string, string][];
  value: number;
}
interface Fam {
  type: 'counter' | 'histogram' | 'summary' | 'gauge';
  lines: Line[];
}

const line = fc.record({
  name: fc.constantFrom('f_total', 'f_bucket', 'f_count', 'f_sum', 'f_created', 'f'),
  labels: fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'le', 'quantile', 'b'), fc.constantFrom('1', '2')), {
    selector: (t) => t[0],
    maxLength: 3,
  }),
  value: fc.integer({ min: 0, max: 5000 }).map((v) => v / 4),
});
const fams = fc.array(
  fc.record({
    type: fc.constantFrom('counter', 'histogram', 'summary', 'gauge') as fc.Arbitrary<Fam['type']>,
    lines: fc.array(line, { maxLength: 8 }),
  }),
  { maxLength: 5 },
);

function render(fs: Fam[]): string {
  let out = '';
  fs.forEach((f, i) => {
    out += `# TYPE f${i === 0 ? '' : i} ${f.type}\n`;
    for (const l of f.lines) {
      const ls = l.labels.map(([n, v]) => `${n}="${v}"`).join(',');
      out += `${l.name}${ls === '' ? '' : `{${ls}}`} ${l.value}\n`;
    }
  });
  return `${out}# EOF\n`;
}

function key(l: Line): string {
  return JSON.stringify(l.labels.filter(([n]) => n !== 'le' && n !== 'quantile'));
}

/** Prometheus's definition, scanning forward from every series. */
function expected(fs: Fam[]): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const f of fs) {
    f.lines.forEach((l, i) => {
      if (f.type === 'gauge') {
        out.push(undefined);
        return;
      }
      const next = f.lines.slice(i + 1).find((m) => m.name.endsWith('_created'));
      out.push(next !== undefined && key(next) === key(l) ? Math.trunc(next.value * 1000) : undefined);
    });
  }
  return out;
}

describe('OpenMetrics created timestamps', () => {
  it('match a plain forward scan from every series', () => {
    fc.assert(
      fc.property(fams, (fs) => {
        const p = new OpenMetricsParser(new TextEncoder().encode(render(fs)));
        const got: (number | undefined)[] = [];
        for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) got.push(p.createdTimestamp());
        expect(got).toEqual(expected(fs));
      }),
      { numRuns: 500 },
    );
  });

  it('also when asked only for some series', () => {
    fc.assert(
      fc.property(fams, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (fs, ask) => {
        const p = new OpenMetricsParser(new TextEncoder().encode(render(fs)));
        const want = expected(fs);
        let i = 0;
        for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
          if (e !== Entry.Series) continue;
          if (ask[i % 40]) expect(p.createdTimestamp()).toBe(want[i]);
          i++;
        }
      }),
      { numRuns: 300 },
    );
  });
});
