// Prometheus: discovery/dns/dns.go lookupWithSearchPath, with github.com/miekg/dns
// ClientConfigFromFile and ClientConfig.NameList: a name is looked up as the resolver's search
// list makes it (resolv.conf's `search`/`domain` and `options ndots:N`), as a stub resolver does.
// Node's resolve* functions send the name as it is, so the list is applied here.

/** The parts of resolv.conf that name expansion uses. */
export interface SearchConfig {
  /** The search domains, in order (`search a b`, or `domain a`; the last such line wins). */
  readonly search: readonly string[];
  /** A name with more dots than this is tried as it is first (default 1). */
  readonly ndots: number;
}

/** miekg/dns ClientConfigFromReader: `search`, `domain` and `options ndots:N` of resolv.conf text. */
export function parseResolvConf(text: string): SearchConfig {
  let search: string[] = [];
  let ndots = 1;
  for (const raw of text.split('\n')) {
    const f = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (f[0] === 'search' || f[0] === 'domain') search = f.slice(1).filter((s) => s !== '');
    if (f[0] === 'options') {
      for (const o of f.slice(1)) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m !== null) ndots = Math.min(Number(m[1]), 15); // Capped at 15, as glibc and miekg do.
      }
    }
  }
  return { search, ndots };
}

/** miekg/dns ClientConfig.NameList: the names to try for `name`, in order (fully qualified). */
export function nameList(name: string, c: SearchConfig): string[] {
  if (name.endsWith('.')) return [name];
  const labels = name.split('.').filter((l) => l !== '').length;
  const hasNdots = labels > c.ndots;
  const fqdn = `${name}.`;
  const names: string[] = [];
  if (hasNdots) names.push(fqdn);
  for (const s of c.search) names.push(s.endsWith('.') ? `${name}.${s}` : `${name}.${s}.`);
  if (!hasNdots) names.push(fqdn);
  return names;
}
