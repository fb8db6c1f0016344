// The README's usage example, run as a test so the docs cannot drift.
import { expect, it } from 'vitest';
import { Labels, LabelsBuilder, Matcher, MatchType, parseMetric } from './index.js';

it('README example', () => {
  const ls = Labels.fromStrings('job', 'api', '__name__', 'http_requests_total', 'instance', 'host:9090');
  expect(ls.toString()).toBe('{__name__="http_requests_total", instance="host:9090", job="api"}');
  expect(ls.get('job')).toBe('api');
  expect(ls.get('absent')).toBe(''); // An absent label reads as the empty value.

  // Hashes are Prometheus's (XXH64 over name 0xff value 0xff …), cached per instance.
  expect(ls.hash()).toBe(Labels.fromMap({ job: 'api', instance: 'host:9090', __name__: 'http_requests_total' }).hash());

  // Regex matchers are RE2, fully anchored, and `.` matches newlines (Prometheus 3).
  const m = new Matcher(MatchType.Regexp, 'job', 'api|web');
  expect(m.matches(ls.get('job'))).toBe(true);
  expect(m.setMatches()).toEqual(['api', 'web']); // Storage can look these values up directly.
  expect(new Matcher(MatchType.Regexp, 'env', '.*').matches(ls.get('env'))).toBe(true);

  // Builders edit a set; UTF-8 names are quoted when printed, and the printout parses back.
  const edited = new LabelsBuilder(ls).set('my.label', 'x').del('instance').labels();
  expect(edited.toString()).toBe('{__name__="http_requests_total", job="api", "my.label"="x"}');
  expect(parseMetric(edited.toString()).equals(edited)).toBe(true);
  expect(parseMetric('{"my.metric", a="b"}').get('__name__')).toBe('my.metric');
});
