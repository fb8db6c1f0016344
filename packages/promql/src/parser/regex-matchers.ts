// Label regex matchers shared between parses. Compiling a regex (RE2, in @tsprom/labels) is most
// of the cost of parsing the queries Grafana generates: a dashboard variable with hundreds of
// values becomes an alternation of hundreds of names, repeated in every branch of a query and in
// every panel of the dashboard. Matchers are immutable, so one compiled matcher serves them all.
import { Matcher, MatchType } from '@tsprom/labels';

const MAX_ENTRIES = 1000;
/** Most UTF-16 code units of regex source kept, all entries together. */
const MAX_TOTAL_LENGTH = 8 * 1024 * 1024;

// Least recently used first (Map iteration order is insertion order).
const cache = new Map<string, Matcher>();
let totalLength = 0;

function keyOf(type: MatchType, name: string, value: string): string {
  return `${type}${name}\u0000${value}`;
}

/**
 * A `name=~value` or `name!~value` matcher, compiled once for all the queries that use it (a
 * bounded least-recently-used cache). Throws RegexSyntaxError as `new Matcher` does.
 */
export function regexMatcher(
  type: typeof MatchType.Regexp | typeof MatchType.NotRegexp,
  name: string,
  value: string,
): Matcher {
  const key = keyOf(type, name, value);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // `name!~value` shares the compiled regex of `name=~value`, and the other way round.
  const inverse = cache.get(keyOf(type === MatchType.Regexp ? MatchType.NotRegexp : MatchType.Regexp, name, value));
  const m = inverse !== undefined ? inverse.inverse() : new Matcher(type, name, value);
  if (key.length > MAX_TOTAL_LENGTH) return m;
  cache.set(key, m);
  totalLength += key.length;
  for (const k of cache.keys()) {
    if (cache.size <= MAX_ENTRIES && totalLength <= MAX_TOTAL_LENGTH) break;
    cache.delete(k);
    totalLength -= k.length;
  }
  return m;
}
