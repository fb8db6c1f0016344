import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegexSyntaxError } from './errors.js';
import { compileAnchoredRe2, FastRegexMatcher } from './fast-regex-matcher.js';

// Characters chosen to exercise case folding (K/k/Kelvin sign, s/ſ), newline handling, astral
// code points (surrogate pairs in UTF-16) and regex metacharacters.
const ALPHABET = ['a', 'b', 'A', 'B', 'k', 'K', '\u212a', 's', 'S', 'ſ', '\n', '😀', 'é', 'É', '.', '-', '0', '|'];
const META = /[\\.+*?()|[\]{}^$]/;
// Case variants, so that (?i) patterns meet strings they match only when folding.
const FOLDS = [
  ['k', 'K', '\u212a'],
  ['s', 'S', 'ſ'],
  ['a', 'A'],
  ['b', 'B'],
  ['é', 'É'],
];
const variant = (c: string): fc.Arbitrary<string> => fc.constantFrom(...(FOLDS.find((f) => f.includes(c)) ?? [c]));

/** [regex source, a string built from the same random choices, which often matches]. */
type Pair = [string, string];
type Gen = fc.Arbitrary<Pair>;

const lit: Gen = fc
  .constantFrom(...ALPHABET)
  .chain((c) => variant(c).map((v): Pair => [META.test(c) ? `\\${c}` : c === '\n' ? '\\n' : c, v]));
const ALL_CLASSES: [string, string[]][] = [
  ['.', ALPHABET],
  ['[ab]', ['a', 'b', 'A']],
  ['[a-c]', ['a', 'c', 'C']],
  ['[0-9]', ['0', 'a']],
  ['[^a]', ['b', 'a', '\n']],
  ['[[:alpha:]]', ['a', 'K', '0']],
  ['\\d', ['0', 'a']],
  ['\\pL', ['é', '0', '\u212a']],
  ['[kK]', ['k', 'K', '\u212a']],
  ['[😀é]', ['😀', 'é']],
];
function makeRegexArb(subset: boolean): Gen {
  const CLASSES = subset ? ALL_CLASSES.filter(([c]) => !/\\|:|\^/.test(c)) : ALL_CLASSES;
  const single: Gen = fc.oneof(
    lit,
    fc.constantFrom(...CLASSES).chain(([src, xs]) => fc.constantFrom(...xs).map((x): Pair => [src, x])),
    fc.constant<Pair>(subset ? ['', ''] : ['\\z', '']),
  );
  const QUANT = subset ? ['', '', '', '', '', '', '?', '*', '+'] : ['', '', '', '*', '+', '?', '*?', '{1,2}', '{2}'];
  // In the subset, groups repeat only with `?`, so that patterns stay within the native translation.
  function quantified(g: Gen, quant = QUANT): Gen {
    return fc.tuple(g, fc.constantFrom(...quant), fc.integer({ min: 0, max: 3 })).map(([[src, sample], q, n]): Pair => {
      if (q === '') return [src, sample];
      const times = q.startsWith('+') || q.startsWith('{') ? Math.max(n, 1) : n;
      return [src + q, sample.repeat(times)];
    });
  }
  const join = (xs: Pair[], sep: string): Pair => [xs.map((x) => x[0]).join(sep), xs.map((x) => x[1]).join('')];
  const pad = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 3 }).map((xs) => xs.join(''));

  return fc.letrec<{ atom: Pair; concat: Pair; alt: Pair; top: Pair }>((tie) => ({
    atom: fc.oneof(
      { weight: 4, arbitrary: quantified(single) },
      { weight: 3, arbitrary: fc.array(lit, { minLength: 2, maxLength: 4 }).map((xs) => join(xs, '')) },
      {
        weight: 2,
        arbitrary: quantified(
          fc
            .tuple(fc.constantFrom('(', '(?:', '(?i:', '(?-s:', '(?P<n>', '(?i)(?:'), tie('alt'))
            .map(([open, [src, sample]]): Pair => [`${open}${src})`, sample]),
          subset ? ['', '', '?'] : QUANT,
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('(?i)', '(?-s)', '(?s)', '(?i-s)').map((f): Pair => [f, '']) },
    ),
    concat: fc.array(tie('atom'), { minLength: 1, maxLength: 4 }).map((xs) => join(xs, '')),
    alt: fc
      .array(fc.oneof({ weight: 5, arbitrary: tie('concat') }, { weight: 1, arbitrary: fc.constant<Pair>(['', '']) }), {
        minLength: 1,
        maxLength: 3,
      })
      .chain((xs) => fc.nat(xs.length - 1).map((i): Pair => [xs.map((x) => x[0]).join('|'), xs[i]![1]])),
    top: fc
      .tuple(
        fc.constantFrom('', '', '^'),
        tie('alt'),
        fc.constantFrom('', '', '$'),
        subset ? fc.constantFrom('', '', '', '.*', '.+') : fc.constantFrom('', '.*', '.+'),
        pad,
      )
      .map(
        ([a, [src, sample], z, wrap, p]): Pair =>
          wrap === '' ? [`${a}${src}${z}`, sample] : [`${wrap}${src}${wrap}`, p + sample + p],
      ),
  })).top;
}

const inputArb = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 7 }).map((xs) => xs.join(''));

function tryCompile(re: string): FastRegexMatcher | undefined {
  try {
    return new FastRegexMatcher(re);
  } catch (err) {
    if (err instanceof RegexSyntaxError) return undefined;
    throw err;
  }
}

describe('FastRegexMatcher', () => {
  it.each([
    ['any RE2 syntax', false],
    ['the optimizable subset', true],
  ])('agrees with the plain anchored RE2 match on random regexes (%s) and inputs', (_, subset) => {
    let optimized = 0;
    let matched = 0;
    const engines = { set: 0, string: 0, native: 0, re2: 0 };
    fc.assert(
      fc.property(makeRegexArb(subset), fc.array(inputArb, { maxLength: 6 }), ([re, sample], inputs) => {
        const m = tryCompile(re);
        if (m === undefined) return;
        const plain = compileAnchoredRe2(re);
        if (m.isOptimized()) optimized++;
        engines[m.engine()]++;
        const candidates = [sample, ...inputs, ...(m.setMatches() ?? [])];
        if (plain.testExact(sample)) matched++;
        for (const s of candidates) {
          if (m.matchString(s) !== plain.testExact(s)) {
            throw new Error(`${JSON.stringify(re)} on ${JSON.stringify(s)}: fast ${m.matchString(s)}`);
          }
        }
        for (const s of m.setMatches() ?? []) expect(plain.testExact(s)).toBe(true);
        const p = m.prefix();
        for (const s of candidates) if (plain.testExact(s)) expect(s.startsWith(p)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(optimized).toBeGreaterThan(300); // The fast paths were really exercised,
    expect(matched).toBeGreaterThan(300); // on strings that match as well as on misses.
    // Every engine was compared: the full syntax mostly reaches re2js, the subset the fast paths.
    for (const [engine, n] of Object.entries(engines)) {
      expect(n, engine).toBeGreaterThan(subset ? 100 : engine === 'native' ? 10 : 100);
    }
  });

  it.each([
    // [pattern, matching, not matching]
    ['foo', ['foo'], ['', 'fo', 'foox', 'xfoo', 'FOO']],
    ['a|b|c', ['a', 'b', 'c'], ['', 'ab', 'a|b']],
    ['foo|', ['foo', ''], ['f']],
    ['', [''], ['a']],
    ['.*', ['', 'x', 'a\nb'], []],
    ['.+', ['x', '\n'], ['']],
    ['(?-s).*', ['', 'ab'], ['a\nb']],
    ['foo.*', ['foo', 'foobar', 'foo\n'], ['fo', 'xfoo']],
    ['.*bar', ['bar', 'foobar'], ['barx']],
    ['.*bar.*', ['bar', 'xbarx', 'a\nbar\n'], ['ba', 'b\nar']],
    ['.+bar.+', ['xbarx'], ['bar', 'xbar', 'barx']],
    ['(?i)foo', ['foo', 'FOO', 'fOo'], ['fo0']],
    ['(?i)foo|bar', ['FOO', 'BAR'], ['foobar']],
    ['(?i)kelvin', ['\u212aelvin', 'KELVIN'], ['elvin']],
    ['(?i:s)', ['s', 'S', 'ſ'], ['t']],
    ['foo(bar|baz)', ['foobar', 'foobaz'], ['foo', 'foobarbaz']],
    ['api-[0-9]', ['api-0', 'api-9'], ['api-', 'api-10']],
    ['^foo$', ['foo'], ['foo\n']],
    ['a\\z', ['a'], ['a\n']],
    ['(?P<name>x)y', ['xy'], ['x']],
    ['[[:alpha:]]+', ['abcXYZ'], ['ab1', '']],
    ['\\pL+', ['héllo', 'Ωμέγα'], ['a1']],
    ['\\p{Greek}+', ['αβγ'], ['abc']],
    ['.', ['😀', 'a', '\n'], ['', 'ab', '😀😀']],
    ['.?', ['', '😀', '\n'], ['ab']],
    ['a.b', ['a\nb'], ['ab']],
    ['(a|ab)(c|bcd)', ['abcd', 'ac', 'abc'], ['ab']],
    ['.+(|x).+', ['ab', 'axb', '😀😀'], ['😀', 'a']],
    ['.*(foo|bar).*', ['xbarx', 'foo'], ['fo']],
    ['(?i).*foo', ['xFOO', 'foo'], ['foox']],
    ['(?i)foo.+', ['FOOx'], ['FOO']],
    // Sides tested on a range of the input, without slicing (`.+`, `.?`, `(?-s).*`).
    ['foo.+', ['foox', 'foo\n', 'foo😀'], ['foo']],
    ['(?-s)foo.+', ['foox', 'fooab'], ['foo', 'foo\n', 'foox\ny']],
    ['foo.?', ['foo', 'foox', 'foo😀', 'foo\n'], ['fooxy', 'foo😀😀']],
    ['(?-s)foo.?', ['foo', 'foox'], ['foo\n']],
    ['.?foo', ['foo', 'xfoo', '😀foo'], ['xyfoo']],
    ['(?-s).+foo', ['xfoo'], ['foo', '\nfoo', 'x\nfoo']],
    ['(?-s).*bar.+', ['barx', 'xbarx'], ['bar', 'x\nbarx', 'xbar\n']],
    ['.+bar.?', ['xbar', 'xbarx', 'xbar😀', 'barbar'], ['bar', 'xbarxy']],
  ])('%j', (re, yes, no) => {
    const m = new FastRegexMatcher(re);
    const plain = compileAnchoredRe2(re);
    for (const s of yes) {
      expect(m.matchString(s), JSON.stringify(s)).toBe(true);
      expect(plain.testExact(s)).toBe(true);
    }
    for (const s of no) {
      expect(m.matchString(s), JSON.stringify(s)).toBe(false);
      expect(plain.testExact(s)).toBe(false);
    }
  });

  it.each([
    ['a|b|c', ['a', 'b', 'c']],
    ['foo', ['foo']],
    ['(a|b)(c|d)', ['ac', 'ad', 'bc', 'bd']],
    ['foo[12]', ['foo1', 'foo2']],
    ['^(?:x|y)$', ['x', 'y']],
    ['(?i)foo', undefined],
    ['(?i)foo|bar', undefined],
    ['foo.*', undefined],
    ['(?i)123|456', ['123', '456']], // No cased letters: (?i) changes nothing (Prometheus: nil).
    ['a|', ['a', '']],
    ['', undefined], // Prometheus: emptyStringMatcher, no set matches.
    ['[aA]bc', ['abc', 'Abc']],
  ])('setMatches(%j)', (re, want) => {
    const got = new FastRegexMatcher(re).setMatches();
    expect(got === undefined ? undefined : [...got].sort()).toEqual(want === undefined ? undefined : [...want].sort());
  });

  it.each([
    ['foo.*', 'foo'],
    // Prometheus sets prefix only for a concatenation (optimizeConcatRegex): a plain literal, which
    // set matches already cover, has none, but `^foo$` parses to (begin, literal, end) in Go.
    ['foo', ''],
    ['foo\\.bar', ''],
    ['^foo$', 'foo'],
    ['foo$', 'foo'],
    ['foo\\$', ''],
    ['', ''],
    ['foo.+bar', 'foo'],
    ['fo+', 'f'],
    ['foo(?i)bar', 'foo'],
    ['(?i)foo.*', ''],
    ['.*foo', ''],
    ['a|b', ''],
  ])('prefix(%j) = %j', (re, want) => {
    expect(new FastRegexMatcher(re).prefix()).toBe(want);
  });

  it.each([
    ['a(', 'error parsing regexp: missing closing ): `a(`'],
    ['a)|(b', 'error parsing regexp: unexpected ): `a)|(b`'],
    ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['(?=a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
  ])('rejects %j like Go', (re, msg) => {
    let caught: unknown;
    try {
      new FastRegexMatcher(re);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RegexSyntaxError);
    expect((caught as RegexSyntaxError).message).toBe(msg);
    expect((caught as RegexSyntaxError).pattern).toBe(re);
  });

  it('rejects lookbehind', () => {
    expect(() => new FastRegexMatcher('(?<=a)b')).toThrow(RegexSyntaxError);
  });

  it.each(['foo.*', '.*foo', '.*foo.*', 'a|b', '(?i)a|b', 'foo', '.+'])('optimizes %j', (re) => {
    expect(new FastRegexMatcher(re).isOptimized()).toBe(true);
  });

  it.each([
    '(a+)+b',
    'a*a*b',
    '(a|aa)*b',
    '.*a.*b',
    '(?i)a[bc]+',
    '(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)x+',
  ])('keeps %j on re2js (a backtracking engine could take super-linear time)', (re) => {
    expect(new FastRegexMatcher(re).engine()).toBe('re2');
  });

  it('runs the native translation in linear time on its worst case', () => {
    const re = '(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)a*b'; // 64 paths, one unbounded repeat.
    const m = new FastRegexMatcher(re);
    expect(m.engine()).toBe('native');
    // Linear: 64 x 20,000 steps, milliseconds. Super-linear backtracking on 20,000 characters
    // would not end within the test's timeout (no duration is asserted: that is for benchmarks).
    const s = 'a'.repeat(20_000);
    expect(m.matchString(s)).toBe(false);
    expect(m.matchString(`${s}b`)).toBe(true);
  });

  it.each([
    'web-[0-9]+\\.example\\.com',
    '[a-z]+-(server|exporter)',
    '(?i)foo(bar)?x*',
  ])('translates %j to native', (re) => {
    expect(new FastRegexMatcher(re).engine()).toBe('native');
  });

  it('does not optimize what it cannot', () => {
    expect(new FastRegexMatcher('[[:alpha:]]+').isOptimized()).toBe(false);
  });
});

// Regexes and values in the style of Prometheus's model/labels/regexp_test.go (TestFastRegexMatcher_MatchString):
// every pair must agree with the plain anchored RE2 match.
const UPSTREAM_REGEXES = [
  'foo',
  '^foo',
  '(foo|bar)',
  'foo.*',
  '.*foo',
  '^.*foo$',
  '^.+foo$',
  '.?',
  '.*',
  '.+',
  'foo.+',
  '.+foo',
  'foo\n.+',
  'foo\n.*',
  '.*foo.*',
  '.+foo.+',
  '(?s:.*)',
  '(?s:.+)',
  '(?s:^.*foo$)',
  '(?i:foo)',
  '(?i:(foo|bar))',
  '(?i:(foo1|foo2|bar))',
  '^(?i:foo|oo)|(bar)$',
  '(?i:(foo1|foo2|aaa|bbb|ccc|ddd|eee|fff|ggg|hhh|iii|lll|mmm|nnn|ooo|ppp|qqq|rrr|sss|ttt|uuu|zzz))',
  '((.*)(bar|b|buzz)(.+)|foo)$',
  '^$',
  '(prometheus|api_prom)_api_v1_.+',
  '10\\.0\\.(1|2)\\.+',
  '10\\.0\\.(1|2).+',
  '((fo(bar))|.+foo)',
  '.*(foo|bar).*',
  '.+(foo|bar).*',
  '.*(foo|bar).+',
  '(?i)foo.*bar',
  '[a-c]+',
  'fo?o',
  'foo?',
  '(a|b)*',
  'foo|bar|.*baz.*',
  'f(o|a)+',
  '(?-s).*',
  '(?-s).+',
  '(?-s:.*)foo',
  'x(?i:FOO)y',
  '\\Qa.b\\E',
  'a{2,3}',
];
const UPSTREAM_VALUES = [
  '',
  'foo',
  ' foo bar',
  'bar',
  'buzz\nbar',
  'bar foo',
  'bfoo',
  '\n',
  '\nfoo',
  'foo\n',
  'hello foo world',
  'hello foo\n world',
  'hello foo\nworld',
  'mello foo\nworld',
  'FOO',
  'Foo',
  'fOo',
  'foo1',
  'FOO2',
  'aaa',
  'ZZZ',
  'prometheus_api_v1_query',
  'api_prom_api_v1_',
  '10.0.1.20',
  '10.0.2.1',
  '10.0.3.1',
  'foobar',
  'foobaz',
  'abc',
  'fo',
  'xfooy',
  'xFOOy',
  'a.b',
  'aa',
  'aaaa',
  'ab',
  'fa',
  '\x00',
  '\x00foo',
  'K',
  'k',
  '\u212a',
  '😀foo',
];

describe('FastRegexMatcher on upstream-style cases', () => {
  it.each(UPSTREAM_REGEXES)('%j agrees with plain RE2 on every value', (re) => {
    const m = new FastRegexMatcher(re);
    const plain = compileAnchoredRe2(re);
    for (const v of UPSTREAM_VALUES) expect(m.matchString(v), JSON.stringify(v)).toBe(plain.testExact(v));
  });
});

describe('FastRegexMatcher on raw pattern fuzz', () => {
  // Arbitrary strings of regex syntax characters: whatever RE2 accepts must mean the same through
  // the subset parser, the string matchers and the native translation.
  const SYNTAX = [
    'a',
    'b',
    'A',
    '(',
    ')',
    '|',
    '*',
    '+',
    '?',
    '.',
    '[',
    ']',
    '^',
    '$',
    '\\',
    '-',
    '{',
    '}',
    ':',
    'i',
    's',
    'P',
    '<',
    '>',
    'n',
    '1',
    ',',
    '\n',
    '😀',
    'ſ',
  ];
  const VALUES = [
    'a',
    'b',
    'A',
    'ab',
    'aa',
    'ba',
    '',
    '\n',
    'a\nb',
    '😀',
    'ſ',
    'S',
    's',
    '-',
    ':',
    '{',
    '}',
    '1',
    'a1',
    'i',
    '|',
  ];
  it('agrees with plain RE2 on every accepted pattern', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SYNTAX), { maxLength: 10 }).map((xs) => xs.join('')),
        fc.array(fc.constantFrom(...VALUES), { maxLength: 4 }).map((xs) => xs.join('')),
        (re, v) => {
          const m = tryCompile(re);
          if (m === undefined) return;
          accepted++;
          const plain = compileAnchoredRe2(re);
          for (const s of [v, ...VALUES])
            expect(m.matchString(s), `${JSON.stringify(re)} ${JSON.stringify(s)}`).toBe(plain.testExact(s));
        },
      ),
      { numRuns: 4000 },
    );
    expect(accepted).toBeGreaterThan(400);
  });
});
