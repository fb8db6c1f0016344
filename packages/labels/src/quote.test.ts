import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteString, UnquoteError, unquoteString } from './quote.js';

describe('quoteString (Go strconv.Quote)', () => {
  it.each([
    ['', '""'],
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\x00\x1b\x7f', '"\\x00\\x1b\\x7f"'],
    ['héllo wörld 😀 日本', '"héllo wörld 😀 日本"'],
    ['\u00a0\u2028\u200b\ufeff', '"\\u00a0\\u2028\\u200b\\ufeff"'],
    ['\u{e0001}\u{10ffff}', '"\\U000e0001\\U0010ffff"'],
    ['\ud800', '"\\ud800"'],
    ["'`", '"\'`"'],
  ])('%j -> %s', (s, want) => {
    expect(quoteString(s)).toBe(want);
  });

  it('unquoteString inverts quoteString', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unquoteString(quoteString(s))).toBe(s);
      }),
    );
  });

  it.each([
    '"abc',
    'abc',
    '"a"b"',
    '"\\q"',
    '"\\x8"',
    '"\\xff"',
    '"\\400"',
    '`a`b`',
    '"\\\'"',
    "'\\\"'",
  ])('unquoteString rejects %j', (lit) => {
    expect(() => unquoteString(lit)).toThrow(UnquoteError);
  });

  it('unquoteString reads single quotes and raw strings', () => {
    expect(unquoteString("'a\\'b\"'")).toBe('a\'b"');
    expect(unquoteString('`a\\nb`')).toBe('a\\nb');
  });
});
