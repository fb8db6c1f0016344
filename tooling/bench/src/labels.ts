// Benchmarks for @tsprom/labels: hashing and building a typical series' label set, and matcher
// throughput over realistic label values (the inner loop of postings and series filtering).
import { Labels, Matcher, MatchType, stableHash } from '@tsprom/labels';
import { type BenchCase, runSuite } from './harness.js';

// A typical scraped series: 6 labels, as a parser hands them over (unsorted) and sorted.
const UNSORTED = [
  '__name__',
  'http_requests_total',
  'job',
  'api-server',
  'instance',
  '10.0.3.17:9090',
  'method',
  'GET',
  'handler',
  '/api/v1/query_range',
  'code',
  '200',
];
const TYPICAL = Labels.fromStrings(...UNSORTED);
const SORTED = TYPICAL.toStrings();

// Label values a matcher meets: instance-like, job-like, paths, with a few matches of each matcher.
function makeValues(): string[] {
  const out: string[] = [];
  const jobs = ['api-server', 'node-exporter', 'prometheus', 'alertmanager', 'foo-bar-baz', 'foobar', 'web'];
  for (let i = 0; i < 1000; i++) {
    switch (i % 5) {
      case 0:
        out.push(`10.0.${i % 256}.${(i * 7) % 256}:9100`);
        break;
      case 1:
        out.push(jobs[i % jobs.length]!);
        break;
      case 2:
        out.push(`/api/v1/${['query', 'query_range', 'series', 'labels'][i % 4]}/${i}`);
        break;
      case 3:
        out.push(`web-${i}.example.com`);
        break;
      default:
        out.push(`pod-${(i * 2654435761) % 100000}-bar-${i}`);
    }
  }
  return out;
}
const VALUES = makeValues();

function matcherCase(label: string, type: MatchType, value: string): BenchCase {
  const m = new Matcher(type, 'x', value);
  return {
    name: `labels: match ${label}`,
    unitsPerOp: VALUES.length,
    unit: 'matches',
    fn: () => {
      let n = 0;
      for (let i = 0; i < VALUES.length; i++) if (m.matches(VALUES[i]!)) n++;
      return n;
    },
  };
}

/** The labels suite. */
export function run(): void {
  runSuite('labels', [
    { name: 'labels: hash (6 labels)', unitsPerOp: 1, unit: 'hashes', fn: () => stableHash(TYPICAL) },
    { name: 'labels: hash (6 labels, cached)', unitsPerOp: 1, unit: 'hashes', fn: () => TYPICAL.hash() },
    {
      name: 'labels: Labels.fromStrings (6 labels, unsorted)',
      unitsPerOp: 1,
      unit: 'sets',
      fn: () => Labels.fromStrings(...UNSORTED),
    },
    {
      name: 'labels: Labels.fromStrings (6 labels, sorted)',
      unitsPerOp: 1,
      unit: 'sets',
      fn: () => Labels.fromStrings(...SORTED),
    },
    {
      name: 'labels: fromStrings + hash (6 labels)',
      unitsPerOp: 1,
      unit: 'sets',
      fn: () => Labels.fromStrings(...SORTED).hash(),
    },
    {
      // What series creation needs for its stripe: the low 32 bits, with no bigint made.
      name: 'labels: fromStrings + hash32 (6 labels)',
      unitsPerOp: 1,
      unit: 'sets',
      fn: () => Labels.fromStrings(...SORTED).hash32(),
    },
    matcherCase('= "web"', MatchType.Equal, 'web'),
    matcherCase('=~ "prometheus|web|foobar|node-exporter"', MatchType.Regexp, 'prometheus|web|foobar|node-exporter'),
    matcherCase('=~ "foo.*"', MatchType.Regexp, 'foo.*'),
    matcherCase('=~ ".*bar.*"', MatchType.Regexp, '.*bar.*'),
    matcherCase('=~ "(?i)WEB|API-SERVER"', MatchType.Regexp, '(?i)WEB|API-SERVER'),
    // General regexes: the first two fall in the subset translated to a native RegExp, the last
    // one (\d classes, several repeats) runs on re2js.
    matcherCase('=~ "web-[0-9]+\\.example\\.com" (general)', MatchType.Regexp, 'web-[0-9]+\\.example\\.com'),
    matcherCase('=~ "[a-z]+-(server|exporter)" (general)', MatchType.Regexp, '[a-z]+-(server|exporter)'),
    matcherCase('=~ "\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+" (re2js)', MatchType.Regexp, '\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+'),
  ]);
}
