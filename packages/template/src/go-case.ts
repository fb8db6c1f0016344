// Same as @tsprom/relabel's (not exported there); kept in step with it.
// Go's strings.ToLower / strings.ToUpper: Unicode simple case mapping, one code point at a time,
// which differs from JavaScript's full mapping (`'ß'.toUpperCase()` is `SS` but Go keeps `ß`;
// `'İ'.toLowerCase()` is `i̇` but Go gives `i`; JavaScript's final-sigma rule does not exist in Go).

/** Simple mappings where JavaScript's full mapping gives several code points. */
const SIMPLE_UPPER = new Map<number, number>([
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);
for (const base of [0x1f80, 0x1f90, 0x1fa0]) for (let k = 0; k < 8; k++) SIMPLE_UPPER.set(base + k, base + 8 + k);

function mapCase(s: string, upper: boolean): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    if (mapped.length === ch.length || [...mapped].length === 1) {
      out += mapped;
      continue;
    }
    // A full mapping of several code points: Go's simple mapping instead.
    const cp = ch.codePointAt(0)!;
    if (!upper && cp === 0x130) out += 'i';
    else if (upper && SIMPLE_UPPER.has(cp)) out += String.fromCodePoint(SIMPLE_UPPER.get(cp)!);
    else out += ch;
  }
  return out;
}

/** Go's `strings.ToLower`. */
export function goToLower(s: string): string {
  return mapCase(s, false);
}

/** Go's `strings.ToUpper`. */
export function goToUpper(s: string): string {
  return mapCase(s, true);
}
