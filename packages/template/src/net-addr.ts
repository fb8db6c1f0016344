// Go's net.SplitHostPort, net.JoinHostPort and net.ParseIP != nil, for stripPort and stripDomain.

/** Go's net.SplitHostPort: [host, port], or undefined where Go returns an error. */
export function splitHostPort(hostport: string): [string, string] | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined; // missing port in address
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined; // missing ']' in address
    if (end + 1 === hostport.length) return undefined; // missing port
    if (end + 1 !== i) return undefined; // too many colons, or missing port
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined; // too many colons in address
  }
  if (hostport.indexOf('[', j) >= 0) return undefined;
  if (hostport.indexOf(']', k) >= 0) return undefined;
  return [host, hostport.slice(i + 1)];
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (s.includes('%')) return false; // ParseIP takes no zone.
  let groups = 0;
  let rest = s;
  // An embedded IPv4 address at the end counts as two groups.
  const lastColon = rest.lastIndexOf(':');
  if (lastColon >= 0 && rest.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(rest.slice(lastColon + 1))) return false;
    rest = `${rest.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = rest.indexOf('::');
  if (dbl >= 0 && rest.indexOf('::', dbl + 1) >= 0) return false;
  const sides = dbl >= 0 ? [rest.slice(0, dbl), rest.slice(dbl + 2)] : [rest];
  for (const side of sides) {
    if (side === '') continue;
    for (const g of side.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      groups++;
    }
  }
  return dbl >= 0 ? groups < 8 : groups === 8;
}

/** Whether Go's net.ParseIP accepts `s`. */
export function isIP(s: string): boolean {
  return isIPv4(s) || (s.includes(':') && isIPv6(s));
}
