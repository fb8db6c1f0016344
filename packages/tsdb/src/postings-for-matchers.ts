// Prometheus: tsdb/querier.go PostingsForMatchers, postingsForMatcher, inversePostingsForMatcher
import { type Matcher, MatchType } from '@tsprom/labels';
import { intersectPostings, type Postings, withoutPostings } from './postings.js';

/** What matcher evaluation needs from an index (the head's or, later, a block's). */
export interface PostingsIndex {
  /** Refs of every series. */
  allPostings(): Postings;
  /** Merged refs of series whose label `name` has any of `values`. */
  postings(name: string, values: readonly string[]): Postings;
  /** Merged refs of series whose label `name` has a value satisfying `match`. */
  postingsForLabelMatching(name: string, match: (value: string) => boolean): Postings;
  /** Merged refs of series that have label `name` at all. */
  postingsForAllLabelValues(name: string): Postings;
}

function isNot(m: Matcher): boolean {
  return m.type === MatchType.NotEqual || m.type === MatchType.NotRegexp;
}

/**
 * The sorted refs of series matching all `matchers`. A matcher that matches the empty string also
 * selects series without the label, as in Prometheus (`foo=""`, `foo!="bar"`). Intersecting
 * matchers are evaluated first so that the set subtracted from is as small as possible.
 */
export function postingsForMatchers(ix: PostingsIndex, matchers: readonly Matcher[]): Postings {
  if (matchers.length === 0) return ix.allPostings();
  if (matchers.length === 1 && matchers[0]!.name === '' && matchers[0]!.value === '') return ix.allPostings();
  const labelMustBeSet = new Set<string>();
  for (const m of matchers) if (!m.matches('')) labelMustBeSet.add(m.name);
  const isSubtracting = (m: Matcher): boolean => !labelMustBeSet.has(m.name) || (isNot(m) && m.matches(''));

  const its: Postings[] = [];
  const notIts: Postings[] = [];
  const ordered = [...matchers].sort((a, b) => Number(isSubtracting(a)) - Number(isSubtracting(b)));
  if (ordered.every(isSubtracting)) {
    // Nothing to intersect: subtract from every series.
    its.push(ix.allPostings());
  }
  for (const m of ordered) {
    if (m.type === MatchType.Regexp && m.value === '.*') continue; // Matches anything.
    if (m.type === MatchType.NotRegexp && m.value === '.*') return [];
    if (m.type === MatchType.Regexp && m.value === '.+') {
      const it = ix.postingsForAllLabelValues(m.name);
      if (it.length === 0) return [];
      its.push(it);
      continue;
    }
    if (m.type === MatchType.NotRegexp && m.value === '.+') {
      notIts.push(ix.postingsForAllLabelValues(m.name));
      continue;
    }
    if (labelMustBeSet.has(m.name)) {
      const matchesEmpty = m.matches('');
      if (isNot(m) && matchesEmpty) {
        // l!="foo": subtract the series whose value is the negated one.
        notIts.push(postingsForInverse(ix, m));
      } else if (isNot(m)) {
        // l!="" (or l!~"foo|"): series with a value the matcher accepts.
        const it =
          m.type === MatchType.NotEqual && m.value === ''
            ? ix.postingsForAllLabelValues(m.name)
            : ix.postingsForLabelMatching(m.name, (v) => m.matches(v));
        if (it.length === 0) return [];
        its.push(it);
      } else {
        const it = postingsForMatcher(ix, m);
        if (it.length === 0) return [];
        its.push(it);
      }
    } else {
      // l="" style: the matcher also selects series without the label, so subtract the series
      // that have a value it rejects.
      notIts.push(postingsForRejected(ix, m));
    }
  }
  let it: Postings = intersectPostings(its);
  for (const n of notIts) {
    if (it.length === 0) break;
    it = withoutPostings(it, n);
  }
  return it;
}

/** Refs of series whose value satisfies a positive matcher (the label must be set). */
function postingsForMatcher(ix: PostingsIndex, m: Matcher): Postings {
  if (m.type === MatchType.Equal) return ix.postings(m.name, [m.value]);
  if (m.type === MatchType.Regexp) {
    const set = m.setMatches();
    if (set !== undefined && set.length > 0) return ix.postings(m.name, set);
  }
  return ix.postingsForLabelMatching(m.name, (v) => m.matches(v));
}

/** Refs of series that have label `m.name` with a value a negative matcher rejects. */
function postingsForInverse(ix: PostingsIndex, m: Matcher): Postings {
  if (m.type === MatchType.NotEqual) return ix.postings(m.name, [m.value]);
  const set = m.setMatches();
  if (set !== undefined && set.length > 0) return ix.postings(m.name, set);
  return ix.postingsForLabelMatching(m.name, (v) => !m.matches(v));
}

/** Refs of series that have label `m.name` with a value `m` rejects (any matcher type). */
function postingsForRejected(ix: PostingsIndex, m: Matcher): Postings {
  if (m.type === MatchType.NotEqual || m.type === MatchType.NotRegexp) return postingsForInverse(ix, m);
  if (m.value === '' && (m.type === MatchType.Equal || m.type === MatchType.Regexp)) {
    return ix.postingsForAllLabelValues(m.name);
  }
  return ix.postingsForLabelMatching(m.name, (v) => !m.matches(v));
}
