import { describe, expect, it } from 'vitest';
import { nameList, parseResolvConf } from './dns-search-list.js';

describe('the resolver search list', () => {
  it('reads search, domain and options ndots as miekg/dns does (the last search or domain line wins)', () => {
    expect(parseResolvConf('nameserver 10.0.0.1\nsearch a.example b.example\noptions ndots:5 timeout:2\n')).toEqual({
      search: ['a.example', 'b.example'],
      ndots: 5,
    });
    expect(parseResolvConf('search a.example\ndomain c.example # comment\n')).toEqual({
      search: ['c.example'],
      ndots: 1,
    });
    expect(parseResolvConf('')).toEqual({ search: [], ndots: 1 });
  });

  it.each([
    ['web', { search: ['svc.test', 'test.'], ndots: 1 }, ['web.svc.test.', 'web.test.', 'web.']],
    ['a.b.c', { search: ['svc.test'], ndots: 1 }, ['a.b.c.', 'a.b.c.svc.test.']],
    ['a.b', { search: ['svc.test'], ndots: 2 }, ['a.b.svc.test.', 'a.b.']],
    ['rooted.example.', { search: ['svc.test'], ndots: 1 }, ['rooted.example.']],
  ])('names %s as ClientConfig.NameList does', (name, conf, want) => {
    expect(nameList(name, conf)).toEqual(want);
  });
});
