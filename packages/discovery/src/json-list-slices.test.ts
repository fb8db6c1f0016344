import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJSONInSlices } from './json-list-slices.js';

/** Pads `text` past the size below which the whole text is parsed at once. */
function big(text: string): string {
  return `${' '.repeat(70 * 1024)}${text}`;
}

describe('parseJSONInSlices', () => {
  it('parses any JSON value as JSON.parse does, big or small', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (v, pad) => {
        const text = JSON.stringify(v, null, pad ? 1 : 0);
        const t = pad ? big(text) : text;
        expect(await parseJSONInSlices(t)).toEqual(JSON.parse(t));
      }),
    );
  });

  it('parses a big list of target groups element by element', async () => {
    const groups = Array.from({ length: 5000 }, (_, i) => ({
      targets: [`h${i}:80`],
      labels: { path: `/t/${i}`, quoted: 'a "b" \\" [c] {d}, e', unicode: '\u00e9\u2028' },
    }));
    const text = JSON.stringify(groups);
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(await parseJSONInSlices(text)).toEqual(groups);
  });

  it.each([
    ['[{"a": 1}, ', 'unterminated'],
    ['[{"a": 1},]', 'trailing comma'],
    ['[,{"a": 1}]', 'leading comma'],
    ['[{"a": 1}] x', 'trailing garbage'],
    ['[{"a": 1}}]', 'unbalanced brace'],
    ['[{"a": "1]', 'unterminated string'],
    ['[{"a": 1} {"b": 2}]', 'missing comma'],
  ])('throws what JSON.parse throws for a big %j (%s)', async (text) => {
    const t = big(text);
    let want: unknown;
    try {
      JSON.parse(t);
    } catch (err) {
      want = err;
    }
    expect(want).toBeInstanceOf(SyntaxError);
    await expect(parseJSONInSlices(t)).rejects.toThrow((want as Error).message);
  });
});
