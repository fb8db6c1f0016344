// The matching behind the search API's `fuzz_alg`: `subsequence` (the search string's characters
// in order inside the candidate) and `jarowinkler` (Jaro-Winkler similarity). Both give a score
// in [0, 1]: 1 for an exact match, 0 for none.

/**
 * Subsequence score of `candidate` for `search`: 0 unless every character of `search` occurs in
 * `candidate` in order; otherwise the mean of its coverage (`search.length / candidate.length`)
 * and its contiguity (`1 / (1 + breaks)`, a substring having no break). A prefix of the
 * candidate scores above the same text elsewhere. An empty search matches everything with 1.
 */
export function subsequenceScore(search: string, candidate: string): number {
  if (search.length === 0) return 1;
  if (search.length > candidate.length) return 0;
  const at = candidate.indexOf(search);
  let breaks: number;
  if (at >= 0) breaks = 0;
  else {
    breaks = 0;
    let j = 0;
    let prev = -2;
    for (let i = 0; i < candidate.length && j < search.length; i++) {
      if (candidate[i] !== search[j]) continue;
      if (prev >= 0 && i !== prev + 1) breaks++;
      prev = i;
      j++;
    }
    if (j < search.length) return 0;
  }
  const coverage = search.length / candidate.length;
  const prefix = at === 0 ? 1 : 0;
  return (coverage + 1 / (1 + breaks) + prefix) / (2 + prefix);
}

/**
 * Jaro-Winkler similarity (prefix scale 0.1, common prefix of up to 4): 1 for equal strings, 0
 * for nothing in common; an empty search matches everything with 1.
 */
export function jaroWinklerScore(search: string, candidate: string): number {
  if (search.length === 0 || search === candidate) return 1;
  if (candidate.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(search.length, candidate.length) / 2) - 1);
  const sm = new Uint8Array(search.length);
  const cm = new Uint8Array(candidate.length);
  let matches = 0;
  for (let i = 0; i < search.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(candidate.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (cm[j] === 1 || search[i] !== candidate[j]) continue;
      sm[i] = 1;
      cm[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < search.length; i++) {
    if (sm[i] !== 1) continue;
    while (cm[j] !== 1) j++;
    if (search[i] !== candidate[j]) transpositions++;
    j++;
  }
  const m = matches;
  const jaro = (m / search.length + m / candidate.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < search.length && prefix < candidate.length && search[prefix] === candidate[prefix]) {
    prefix++;
  }
  return jaro + prefix * 0.1 * (1 - jaro);
}
