// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Go regexp templates, not JavaScript ones.
import { describe, expect, it } from 'vitest';
import { goToLower, goToUpper } from './go-case.js';
import { expandTemplate } from './expand.js';

describe('expandTemplate (Go regexp.Expand)', () => {
  const groups = ['foobar', 'foo', 'bar', null];
  const names = { first: 1, second: 2, none: 3 };
  it.each([
    ['$1', 'foo'],
    ['${1}', 'foo'],
    ['$1x', ''],
    ['${1}x', 'foox'],
    ['$2$1', 'barfoo'],
    ['$first-$second', 'foo-bar'],
    ['${first}_', 'foo_'],
    ['$first_', ''],
    ['$none', ''],
    ['$3', ''],
    ['$9', ''],
    ['$01', ''],
    ['$0', 'foobar'],
    ['$$1', '$1'],
    ['$', '$'],
    ['a$ b', 'a$ b'],
    ['${1', '${1'],
    ['${}', '${}'],
    ['$ü', ''],
  ])('%j → %j', (tpl, want) => {
    expect(expandTemplate(tpl, groups, names)).toBe(want);
  });
});

describe('Go case mapping', () => {
  it('maps one code point to one, as Go', () => {
    expect(goToUpper('straße')).toBe('STRAßE');
    expect(goToLower('İSTANBUL')).toBe('istanbul');
    expect(goToLower('ΟΔΟΣ')).toBe('οδοσ');
    expect(goToUpper('ﬀ')).toBe('ﬀ');
    expect(goToUpper('ᾳ')).toBe('ᾼ');
    expect(goToUpper('abc-ä')).toBe('ABC-Ä');
  });
});
