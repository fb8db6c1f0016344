// Prometheus: discovery/dns/dns.go Discovery (refresh, refreshOne). Looks up every name with
// node:dns (one group per name, source = the name) and labels each target with the record it came
// from. A lookup that fails (server error, timeout) keeps that name's last group; a name that does
// not exist or has no such records gets an empty group.
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import type { DiscovererOptions } from './discoverer.js';
import {
  DNSMxRecordTargetLabel,
  DNSNameLabel,
  DNSNsRecordTargetLabel,
  type DNSSDConfig,
  DNSSrvRecordPortLabel,
  DNSSrvRecordTargetLabel,
} from './dns-sd-config.js';
import { nameList, parseResolvConf, type SearchConfig } from './dns-search-list.js';
import { labelSet, type LabelSet, type TargetGroup } from './target-group.js';

/** Codes node:dns gives when the name or its records do not exist (NXDOMAIN, NODATA): no targets. */
const EMPTY_ANSWER = new Set(['ENOTFOUND', 'ENODATA']);

/** The DNS discoverer of one `dns_sd_configs` entry (its refresh; the polling is runRefresh's). */
export class DNSDiscoverer {
  readonly #resolver: Resolver;

  constructor(
    readonly config: DNSSDConfig,
    readonly options: DiscovererOptions,
  ) {
    this.#resolver = new Resolver({ timeout: 5000, tries: 2 });
    if (config.servers.length > 0) this.#resolver.setServers([...config.servers]);
  }

  /** Looks up every name; the groups of the names that answered. */
  async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const onAbort = () => this.#resolver.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const search = await this.#searchConfig();
      const groups = await Promise.all(this.config.names.map((n) => this.#refreshOne(n, search)));
      return groups.filter((g): g is TargetGroup => g !== undefined);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The search list, read anew at each refresh as Prometheus reads resolv.conf at each lookup. */
  async #searchConfig(): Promise<SearchConfig> {
    let text: string;
    try {
      text = await readFile(this.config.resolvConf, 'utf8');
    } catch (err) {
      // No resolv.conf (not a Unix system, a container without one): names are tried as given.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = '';
    }
    return parseResolvConf(text);
  }

  async #refreshOne(name: string, search: SearchConfig): Promise<TargetGroup | undefined> {
    const m = this.options.metrics;
    m?.inc('prometheus_sd_dns_lookups_total', 'The number of DNS-SD lookups.');
    let targets: LabelSet[];
    try {
      targets = await this.#lookupWithSearchPath(name, search);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === undefined || !EMPTY_ANSWER.has(code)) {
        m?.inc('prometheus_sd_dns_lookup_failures_total', 'The number of DNS-SD lookup failures.');
        this.options.logger.error('Error refreshing DNS targets', {
          name,
          err: err instanceof Error ? err.message : String(err),
        });
        return undefined;
      }
      targets = [];
    }
    return { targets, labels: labelSet({}), source: name };
  }

  /**
   * Prometheus lookupWithSearchPath: each name of the search list in turn until one exists
   * (records, or none of this type: NODATA); none existing is an empty answer (ENOTFOUND), unless
   * a server failed for one of them.
   */
  async #lookupWithSearchPath(name: string, search: SearchConfig): Promise<LabelSet[]> {
    let failure: unknown;
    for (const qname of nameList(name, search)) {
      try {
        return await this.#lookup(qname, name);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ENODATA') throw err; // The name exists, without such records: no targets.
        if (code !== 'ENOTFOUND') failure ??= err;
      }
    }
    if (failure !== undefined) {
      throw new Error(`could not resolve "${name}": all servers responded with errors to at least one search domain`, {
        cause: failure,
      });
    }
    throw Object.assign(new Error(`${name}: no such name`), { code: 'ENOTFOUND' });
  }

  /** Looks `qname` up; the targets are labelled with the configured `name`. */
  async #lookup(qname: string, name: string): Promise<LabelSet[]> {
    const r = this.#resolver;
    const port = this.config.port;
    const target = (address: string, srvTarget = '', srvPort = '', mx = '', ns = '') =>
      labelSet({
        __address__: address,
        [DNSNameLabel]: name,
        [DNSSrvRecordTargetLabel]: srvTarget,
        [DNSSrvRecordPortLabel]: srvPort,
        [DNSMxRecordTargetLabel]: mx,
        [DNSNsRecordTargetLabel]: ns,
      });
    switch (this.config.type) {
      case 'SRV':
        return (await r.resolveSrv(qname)).map((s) =>
          target(hostPort(trimDot(s.name), s.port), rooted(s.name), String(s.port)),
        );
      case 'A':
        return (await r.resolve4(qname)).map((a) => target(hostPort(a, port)));
      case 'AAAA':
        return (await r.resolve6(qname)).map((a) => target(hostPort(a, port)));
      case 'MX':
        return (await r.resolveMx(qname)).map((mx) =>
          target(hostPort(trimDot(mx.exchange), port), '', '', rooted(mx.exchange)),
        );
      case 'NS':
        return (await r.resolveNs(qname)).map((ns) => target(hostPort(trimDot(ns), port), '', '', '', rooted(ns)));
    }
  }
}

/** Names as Go's DNS library gives them: fully qualified, with the final dot. */
function rooted(n: string): string {
  return n.endsWith('.') ? n : `${n}.`;
}

function trimDot(n: string): string {
  return n.replace(/\.+$/, '');
}

/** Go's net.JoinHostPort. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
