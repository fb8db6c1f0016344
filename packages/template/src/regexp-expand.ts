// Same as @tsprom/relabel's (not exported there); kept in step with it.
// Go: regexp.(*Regexp).ExpandString, the `$1`, `${1}`, `$name`, `${name}` and `$$` template syntax
// relabeling uses for `target_label` and `replacement`.

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Expands `template` with the groups of a match, as Go's `Regexp.Expand`: `$n`/`${n}` is group n,
 * `$name`/`${name}` the named group, the name being the longest run of letters, digits and `_`
 * (so `$1x` is group `1x`, which does not exist, and expands to nothing); `$$` is `$`; a `$`
 * followed by no valid name stays as it is. Missing or unmatched groups expand to nothing.
 */
export function expandTemplate(
  template: string,
  groups: readonly (string | null | undefined)[],
  names: Readonly<Record<string, number>>,
): string {
  let out = '';
  let rest = template;
  for (;;) {
    const d = rest.indexOf('$');
    if (d < 0) break;
    out += rest.slice(0, d);
    rest = rest.slice(d + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ex = extract(rest);
    if (ex === undefined) {
      out += '$'; // Malformed: the `$` is kept as text.
      continue;
    }
    rest = ex.rest;
    if (ex.num >= 0) {
      out += groups[ex.num] ?? '';
    } else if (Object.hasOwn(names, ex.name)) {
      out += groups[names[ex.name]!] ?? '';
    }
  }
  return out + rest;
}

function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  for (const ch of str) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  if (name[0] === '0' && name.length > 1) num = -1; // No leading zeros.
  return { name, num, rest: str.slice(i) };
}
