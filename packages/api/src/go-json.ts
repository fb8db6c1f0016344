// JSON text as Go's encoding/json (and Prometheus's jsoniter, compatible mode) writes it: HTML
// characters and the JavaScript line separators escaped inside strings.

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// These characters never occur in JSON's structure, only inside strings: replacing them in the
// whole text escapes exactly the string contents.
const GO_ESCAPE_RE = /[<>&\u2028\u2029]/g;
const HAS_GO_ESCAPE = /[<>&\u2028\u2029]/;

/** `JSON.stringify(value)` with Go's HTML escaping, so the bytes match Prometheus's. */
export function goJSON(value: unknown): string {
  const s = JSON.stringify(value);
  return HAS_GO_ESCAPE.test(s) ? s.replace(GO_ESCAPE_RE, (c) => GO_ESCAPES[c]!) : s;
}

/** A JSON string literal of `s`, escaped as Go escapes it. */
export function goJSONString(s: string): string {
  return goJSON(s);
}
