// Normalization shared by the Labels factories and builders: a flat [name0, value0, name1, …] array
// becomes sorted by name (Go byte order), without empty values and without duplicate names.
import { compareStrings } from './compare-strings.js';

/** Whether `flat` is already strictly sorted by name with no empty values. */
export function isNormalized(flat: readonly string[]): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i + 1] === '') return false;
    if (i > 0 && compareStrings(flat[i - 2]!, flat[i]!) >= 0) return false;
  }
  return true;
}

/**
 * Returns `flat` normalized: pairs with an empty value dropped, sorted by name (stable), and of
 * several pairs with the same name only the last kept. May return `flat` itself when it is
 * already normalized; otherwise returns a new array. Never mutates `flat`.
 */
export function normalizeFlat(flat: readonly string[]): string[] {
  if (flat.length % 2 !== 0) throw new Error('labels: odd number of strings');
  if (isNormalized(flat)) return flat as string[];
  const n = flat.length;
  // Stable insertion sort of the pairs: label sets are small, and parsers often hand them over
  // nearly sorted; large inputs go through Array#sort (stable too).
  let out: string[];
  if (n <= 64) {
    out = flat.slice();
    for (let i = 2; i < n; i += 2) {
      const name = out[i]!;
      const value = out[i + 1]!;
      let j = i - 2;
      while (j >= 0 && compareStrings(out[j]!, name) > 0) {
        out[j + 2] = out[j]!;
        out[j + 3] = out[j + 1]!;
        j -= 2;
      }
      out[j + 2] = name;
      out[j + 3] = value;
    }
  } else {
    const idx: number[] = [];
    for (let i = 0; i < n; i += 2) idx.push(i);
    idx.sort((a, b) => compareStrings(flat[a]!, flat[b]!));
    out = new Array(n);
    for (let k = 0; k < idx.length; k++) {
      out[2 * k] = flat[idx[k]!]!;
      out[2 * k + 1] = flat[idx[k]! + 1]!;
    }
  }
  // Drop empty values and all but the last of equal names, in place.
  let w = 0;
  for (let i = 0; i < n; i += 2) {
    if (i + 2 < n && out[i + 2] === out[i]) continue; // A later pair with this name wins.
    if (out[i + 1] === '') continue;
    out[w++] = out[i]!;
    out[w++] = out[i + 1]!;
  }
  out.length = w;
  return out;
}
