// Go: mime.ParseMediaType (RFC 1521/2045 media types with parameters), the part Prometheus uses.

/** A parsed media type: lowercase `type/subtype` and its parameters (names lowercased). */
export interface MediaType {
  mediaType: string;
  params: Map<string, string>;
}

// RFC 2045 token characters: printable ASCII except space and tspecials.
const TSPECIALS = '()<>@,;:\\"/[]?=';
function isTokenChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.includes(c);
}

function consumeToken(v: string): [string, string] {
  let i = 0;
  while (i < v.length && isTokenChar(v[i]!)) i++;
  return [v.slice(0, i), v.slice(i)];
}

function consumeValue(v: string): [string, string] {
  if (v === '') return ['', v];
  if (v[0] !== '"') return consumeToken(v);
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!;
    if (c === '"') return [out, v.slice(i + 1)];
    if (c === '\\' && i + 1 < v.length && isTSpecialOrToken(v[i + 1]!)) {
      out += v[++i];
      continue;
    }
    if (c === '\r' || c === '\n') return ['', v];
    out += c;
  }
  return ['', v]; // No closing quote.
}

function isTSpecialOrToken(c: string): boolean {
  return isTokenChar(c) || TSPECIALS.includes(c);
}

/**
 * Parses a Content-Type as Go's `mime.ParseMediaType`; returns Go's error message (`mime: no media
 * type`, `mime: expected slash after first token`, `mime: invalid media parameter`, …) on failure.
 */
export function parseMediaType(v: string): MediaType | string {
  const semi = v.indexOf(';');
  const base = (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
  if (base === '') return 'mime: no media type';
  const [typ, rest] = consumeToken(base);
  if (typ === '') return 'mime: no media type';
  if (rest !== '') {
    if (!rest.startsWith('/')) return 'mime: expected slash after first token';
    const [sub, rest2] = consumeToken(rest.slice(1));
    if (sub === '') return 'mime: expected token after slash';
    if (rest2 !== '') return 'mime: unexpected content after media subtype';
  }
  const params = new Map<string, string>();
  let p = semi < 0 ? '' : v.slice(semi);
  while (p.length > 0) {
    p = p.trimStart();
    if (p === '') break;
    if (p[0] !== ';') return 'mime: invalid media parameter';
    const afterSemi = p.slice(1).trimStart();
    if (afterSemi === '') break; // A trailing semicolon is allowed.
    const [key, r1] = consumeToken(afterSemi);
    if (key === '' || !r1.trimStart().startsWith('=')) return 'mime: invalid media parameter';
    const [val, r2] = consumeValue(r1.trimStart().slice(1).trimStart());
    if (val === '' && r2 === r1.trimStart().slice(1).trimStart()) return 'mime: invalid media parameter';
    const k = key.toLowerCase();
    if (params.has(k)) return 'mime: duplicate parameter name';
    params.set(k, val);
    p = r2;
  }
  return { mediaType: base, params };
}
