import { describe, expect, it } from 'vitest';
import { type GlobFS, glob, globMatch, GlobPatternError } from './glob.js';

describe('globMatch (Go filepath.Match)', () => {
  it.each([
    ['*.yml', 'a.yml', true],
    ['*.yml', '.hidden.yml', true],
    ['*.yml', 'a.yaml', false],
    ['rules-?.yml', 'rules-1.yml', true],
    ['rules-?.yml', 'rules-10.yml', false],
    ['[a-c]*', 'b.json', true],
    ['[^a-c]*', 'b.json', false],
    ['[!a]', '!', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['x.(json)', 'x.(json)', true],
  ])('%s matches %s: %s', (p, n, want) => {
    expect(globMatch(p, n)).toBe(want);
  });

  it.each(['[', '[a-', 'a\\', '[z-a]'])('rejects the malformed pattern %s', (p) => {
    expect(() => globMatch(p, 'x')).toThrow(GlobPatternError);
  });
});

describe('glob', () => {
  const tree: Record<string, string[]> = {
    '/etc': ['p'],
    '/etc/p': ['rules', 'b.yml', 'a.yml', 'c.json'],
    '/etc/p/rules': ['z.yml', 'x.yml'],
  };
  const fs: GlobFS = {
    exists: async (p) => p in tree || Object.entries(tree).some(([d, ns]) => ns.some((n) => `${d}/${n}` === p)),
    readdir: async (p) => {
      const ns = tree[p];
      if (ns === undefined) throw new Error('ENOTDIR');
      return [...ns];
    },
  };

  it('matches the last element, sorted', async () => {
    expect(await glob('/etc/p/*.yml', fs)).toEqual(['/etc/p/a.yml', '/etc/p/b.yml']);
  });

  it('matches directories too', async () => {
    expect(await glob('/etc/*/rules/*.yml', fs)).toEqual(['/etc/p/rules/x.yml', '/etc/p/rules/z.yml']);
  });

  it('returns a file without meta characters only when it exists', async () => {
    expect(await glob('/etc/p/a.yml', fs)).toEqual(['/etc/p/a.yml']);
    expect(await glob('/etc/p/none.yml', fs)).toEqual([]);
  });
});
