import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteString, UnquoteError, unquoteString } from './quote.js';

// Any Unicode scalar value (a code point but a surrogate), printable ASCII weighted up: what
// fast-check's 'binary' unit draws, without the table of 1.1M code points it builds on first use
// (10-20 s of CPU on a loaded machine, in every test file).
const codePoint = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0x10ffff - 0x800 }))
  .map((c) => String.fromCodePoint(c < 0xd800 ? c : c + 0x800));

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
      fc.property(fc.string({ unit: codePoint }), (s) => {
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
