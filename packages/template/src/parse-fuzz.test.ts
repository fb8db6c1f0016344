// Property tests of the lexer, parser and executor: arbitrary input never crashes them (only
// TemplateErrors), and text without actions renders unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertTemplateData, Expander, parseTemplate, TemplateError } from './index.js';

const data = alertTemplateData({ a: 'x', b: 'y' }, {}, '', 1.5);

/** Template-ish input: fragments that exercise the grammar, glued at random. */
const fragment = fc.constantFrom(
  '{{',
  '}}',
  '{{-',
  '-}}',
  ' ',
  '\n',
  '(',
  ')',
  '|',
  '$x',
  ':=',
  '=',
  '$',
  '.',
  '.Labels',
  '.Labels.a',
  '.Value',
  'if',
  'else',
  'end',
  'range',
  'with',
  'define',
  'template',
  'block',
  'break',
  'continue',
  '"s"',
  '`r`',
  "'c'",
  '1',
  '1.5',
  '-2',
  '0x1F',
  'nil',
  'true',
  'printf',
  '"%d"',
  'humanize',
  'len',
  'index',
  'eq',
  'and',
  'or',
  'not',
  '/*',
  '*/',
  ',',
  'x',
  'é',
);
const templateish = fc.array(fragment, { maxLength: 30 }).map((a) => a.join(''));

describe('lexer and parser', () => {
  it('reject bad input only with TemplateErrors, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(templateish, fc.string()), (text) => {
        try {
          parseTemplate(text, 't');
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          expect(err.message).toMatch(/^template: t:\d+: /);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('render text without actions unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !s.includes('{{')),
        async (text) => {
          expect(await new Expander(text, 't', data, { timestampMs: 0 }).expand()).toBe(text);
        },
      ),
    );
  });

  it('render a quoted string action as the string', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string().filter((s) => !/[{}]/.test(s)),
        async (s, text) => {
          const lit = JSON.stringify(s);
          expect(await new Expander(`${text}{{ ${lit} }}${text}`, 't', data, { timestampMs: 0 }).expand()).toBe(
            text + s + text,
          );
        },
      ),
    );
  });
});

describe('executor', () => {
  it('executes whatever parses, failing only with TemplateErrors', async () => {
    await fc.assert(
      fc.asyncProperty(templateish, async (text) => {
        try {
          await new Expander(text, 't', data, { timestampMs: 0 }).expand();
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
