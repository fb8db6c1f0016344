// Prometheus: prometheus/common config.URL UnmarshalYAML, which is Go's url.Parse: it accepts
// almost any text (relative references included) and fails only on what Go's parser refuses.
// Returns the error text url.Parse would give, or undefined when it would parse.

/** The `parse "…": reason` Go's url.Parse returns for `s`, or undefined if it parses. */
export function goURLParseError(s: string): string | undefined {
  const fail = (reason: string) => `parse ${JSON.stringify(s)}: ${reason}`;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f) return fail('net/url: invalid control character in URL');
  }
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(s);
  if (bad !== null) return fail(`invalid URL escape ${JSON.stringify(`%${bad[1]}`)}`);
  if (s.startsWith(':')) return fail('missing protocol scheme');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s);
  let rest = s;
  if (scheme !== null) rest = s.slice(scheme[0].length);
  else {
    const firstSegment = s.split(/[/?#]/, 1)[0]!;
    if (firstSegment.includes(':')) return fail('first path segment in URL cannot contain colon');
  }
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split(/[/?#]/, 1)[0]!;
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host.startsWith('[')) {
      const end = host.indexOf(']');
      if (end < 0) return fail("missing ']' in host");
      const port = host.slice(end + 1);
      if (port !== '' && !/^:[0-9]*$/.test(port)) return fail(`invalid port ${JSON.stringify(port)} after host`);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0 && !/^[0-9]*$/.test(host.slice(colon + 1))) {
        return fail(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
      }
    }
  }
  return undefined;
}
