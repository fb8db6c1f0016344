// Prometheus: scrape/target.go Target.URL, built with Go's net/url (URL.String, Values.Encode,
// QueryEscape), so that the scrape URL, and with it the target's hash and offset, are Prometheus's.

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';

const Mode = { Path: 0, Host: 1, QueryComponent: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x7e // ~
  );
}

/** Go url.shouldEscape for the modes Target.URL needs. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isUnreserved(c)) return false;
  if (mode === Mode.Host) {
    // Go keeps sub-delims, ':' and the brackets of IPv6 literals, and bytes of non-ASCII names.
    return !(c >= 0x80 || '!$&\'()*+,;=:[]<>"'.includes(String.fromCharCode(c)));
  }
  if (mode === Mode.Path) return !'$&+,/:;=@'.includes(String.fromCharCode(c));
  return true; // Query components escape every reserved character.
}

/** Go url.escape: %XX (upper case) of the UTF-8 bytes, `+` for spaces in query components. */
function goEscape(s: string, mode: Mode): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || shouldEscape(c, mode)) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (const b of utf8.encode(s)) {
    if (!shouldEscape(b, mode)) out += String.fromCharCode(b);
    else if (b === 0x20 && mode === Mode.QueryComponent) out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Go url.QueryEscape. */
export function queryEscape(s: string): string {
  return goEscape(s, Mode.QueryComponent);
}

/** Go url.Values.Encode: `k=v&k=v2`, keys sorted (byte order), each escaped as a query component. */
export function encodeQuery(params: ReadonlyMap<string, readonly string[]>): string {
  const keys = [...params.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let out = '';
  for (const k of keys) {
    const ek = queryEscape(k);
    for (const v of params.get(k)!) {
      if (out !== '') out += '&';
      out += `${ek}=${queryEscape(v)}`;
    }
  }
  return out;
}

/**
 * Go `(&url.URL{Scheme, Host, Path, RawQuery}).String()`: `scheme://host/path?query`, the path
 * escaped as Go's EscapedPath and given a leading `/` when it lacks one.
 */
export function formatURL(scheme: string, host: string, path: string, rawQuery: string): string {
  let out = scheme === '' ? '' : `${scheme}:`;
  if (scheme !== '' || host !== '') {
    if (host !== '' || path !== '') out += '//';
    out += goEscape(host, Mode.Host);
  }
  const p = goEscape(path, Mode.Path);
  if (p !== '' && p[0] !== '/' && host !== '') out += '/';
  out += p;
  if (rawQuery !== '') out += `?${rawQuery}`;
  return out;
}
