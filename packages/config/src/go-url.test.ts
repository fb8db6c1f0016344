import { describe, expect, it } from 'vitest';
import { goURLParseError } from './go-url.js';

describe('goURLParseError (Go url.Parse)', () => {
  it.each([
    'http://x:9090/api',
    'foo/bar',
    '',
    'https://u:p@h/',
    'http://[::1]:80/',
    'http://h:/',
    'unix:///x',
  ])('parses %j', (s) => {
    expect(goURLParseError(s)).toBeUndefined();
  });
  it.each([
    ['::', 'parse "::": missing protocol scheme'],
    ['%zz', 'parse "%zz": invalid URL escape "%zz"'],
    ['a:b/c', undefined],
    ['1a:b', 'parse "1a:b": first path segment in URL cannot contain colon'],
    ['http://h:abc/', 'parse "http://h:abc/": invalid port ":abc" after host'],
    ['http://[::1/', 'parse "http://[::1/": missing \']\' in host'],
    ['http://x/\u0001', 'parse "http://x/\\u0001": net/url: invalid control character in URL'],
  ])('%j: %s', (s, want) => {
    expect(goURLParseError(s)).toBe(want);
  });
});
