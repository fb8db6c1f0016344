// RE2 patterns as JavaScript RegExps, and Go's regexp.Expand for label_replace.

/**
 * Compiles an RE2 pattern, fully anchored and with `.` matching newlines, as Prometheus's
 * label_replace does (`^(?s:re)$`). Throws SyntaxError when JavaScript cannot compile it.
 */
export function compileAnchored(re: string): RegExp {
  const src = re.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${src})$`, 'su');
}

/** Go `regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to ''. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      i++;
      continue;
    }
    const next = template[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        i++;
        continue;
      }
      name = template.slice(i + 2, close);
      end = close + 1;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        i++;
        continue;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (mm === null) {
        out += c;
        i++;
        continue;
      }
      name = mm[0];
      end = i + 1 + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += n < m.length ? (m[n] ?? '') : '';
    } else {
      out += m.groups?.[name] ?? '';
    }
    i = end;
  }
  return out;
}
