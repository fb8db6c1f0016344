// Prometheus: discovery/dns/dns.go SDConfig, DefaultSDConfig and UnmarshalYAML. The config is pure;
// the discoverer (dns-discovery.ts, node:dns) is loaded only when it runs.
import type { Discoverer, DiscovererOptions, SDConfig, SDMechanism } from './discoverer.js';
import { formatDurationMs, parseDurationMs } from './duration.js';
import { runRefresh } from './refresh.js';
import type { TargetGroup } from './target-group.js';

/** Prometheus dnsNameLabel: the name looked up. */
export const DNSNameLabel = '__meta_dns_name';
/** Prometheus dnsSrvRecordTargetLabel: the SRV record's target, fully qualified. */
export const DNSSrvRecordTargetLabel = '__meta_dns_srv_record_target';
/** Prometheus dnsSrvRecordPortLabel. */
export const DNSSrvRecordPortLabel = '__meta_dns_srv_record_port';
/** Prometheus dnsMxRecordTargetLabel: the MX record's exchange, fully qualified. */
export const DNSMxRecordTargetLabel = '__meta_dns_mx_record_target';
/** Prometheus dnsNsRecordTargetLabel. */
export const DNSNsRecordTargetLabel = '__meta_dns_ns_record_target';

/** A `dns_sd_configs` entry Prometheus would refuse; the message is Prometheus's. */
export class DNSSDConfigError extends Error {
  override readonly name = 'DNSSDConfigError';
}

/** The record types dns_sd queries. */
export type DNSRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

/** `dns_sd_configs` entry (Prometheus dns.SDConfig). */
export class DNSSDConfig implements SDConfig {
  readonly name = 'dns';
  constructor(
    readonly names: readonly string[],
    /** Time between two lookups of every name (ms). Default 30 s. */
    readonly refreshIntervalMs: number,
    readonly type: DNSRecordType,
    /** The port of targets from A, AAAA, MX and NS records (SRV records carry theirs). */
    readonly port: number,
    /**
     * The DNS servers to ask (`host` or `host:port`), not a prometheus.yml field: the system's
     * (/etc/resolv.conf) when empty. Set by {@link newDNSSD}.
     */
    readonly servers: readonly string[] = [],
    /**
     * The resolv.conf whose search list (`search`, `domain`, `options ndots`) expands names, not a
     * prometheus.yml field: `/etc/resolv.conf` unless {@link newDNSSD} says otherwise.
     */
    readonly resolvConf: string = '/etc/resolv.conf',
  ) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new LazyDNSDiscoverer(this, options);
  }

  toYAML(): unknown {
    return {
      names: [...this.names],
      refresh_interval: formatDurationMs(this.refreshIntervalMs),
      type: this.type,
      port: this.port,
    };
  }
}

/** Defers loading node:dns until the discoverer runs, keeping this module universal. */
class LazyDNSDiscoverer implements Discoverer {
  constructor(
    readonly config: DNSSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    const { DNSDiscoverer } = await import('#dns-discovery');
    const d = new DNSDiscoverer(this.config, this.options);
    yield* runRefresh(
      { mechanism: 'dns', intervalMs: this.config.refreshIntervalMs, refresh: (s) => d.refresh(s) },
      this.options,
      signal,
    );
  }
}

const KEYS = new Set(['names', 'type', 'port', 'refresh_interval']);

/** How {@link newDNSSD} builds the mechanism. */
export interface DNSSDOptions {
  /** DNS servers to ask instead of the system's (`127.0.0.1:5353`). */
  readonly servers?: readonly string[];
  /** The resolv.conf whose search list expands names (`/etc/resolv.conf` by default). */
  readonly resolvConf?: string;
}

/** A `dns_sd_configs` mechanism; {@link dnsSD} is the one that asks the system's servers. */
export function newDNSSD(opts: DNSSDOptions = {}): SDMechanism {
  const servers = opts.servers ?? [];
  return {
    key: 'dns_sd_configs',
    name: 'dns',
    parse(raw) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new DNSSDConfigError('dns_sd_configs entry must be a mapping');
      }
      const o = raw as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (!KEYS.has(k)) throw new DNSSDConfigError(`field ${k} not found in type dns.plain`);
      }
      const names = o.names ?? [];
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
        throw new DNSSDConfigError('names must be a list of strings');
      }
      if (names.length === 0) throw new DNSSDConfigError('DNS-SD config must contain at least one SRV record name');
      const type = (o.type === undefined || o.type === null ? 'SRV' : String(o.type)).toUpperCase();
      let port = 0;
      if (o.port !== undefined && o.port !== null) {
        if (typeof o.port !== 'number' || !Number.isInteger(o.port))
          throw new DNSSDConfigError('port must be an integer');
        port = o.port;
      }
      if (type === 'A' || type === 'AAAA' || type === 'MX' || type === 'NS') {
        if (port === 0)
          throw new DNSSDConfigError('a port is required in DNS-SD configs for all record types except SRV');
      } else if (type !== 'SRV') {
        throw new DNSSDConfigError(`invalid DNS-SD records type ${String(o.type)}`);
      }
      let refreshIntervalMs = 30_000;
      if (o.refresh_interval !== undefined && o.refresh_interval !== null) {
        refreshIntervalMs = parseDurationMs(String(o.refresh_interval));
      }
      return new DNSSDConfig(names as string[], refreshIntervalMs, type, port, servers, opts.resolvConf);
    },
  };
}

/** `dns_sd_configs`, Prometheus's DNS-based service discovery (the system's DNS servers). */
export const dnsSD: SDMechanism = newDNSSD();
