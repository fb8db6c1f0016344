// `hosts_sd_configs`: one target per line of an /etc/hosts-style file, re-read every
// refresh_interval. It shows the whole contract of a tsprom SD mechanism: a config key, a parser
// whose errors say what is wrong (tsprom adds the file and line of the entry), a config that
// builds a discoverer, and a discoverer that yields target groups until its signal aborts,
// logging and counting failures and keeping its last groups meanwhile.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
// Types only: erased from the build, so the package needs nothing at run time.
import type {
  Discoverer,
  DiscovererOptions,
  SDConfig,
  SDMechanism,
  SDParseContext,
  TargetGroup,
} from '@tsprom/discovery';
import { parseHostsFile } from './hosts-file.js';

/** Meta labels, named as Prometheus names its own: `__meta_<mechanism>_<what>`. */
export const HostnameLabel = '__meta_hosts_hostname';
export const AliasesLabel = '__meta_hosts_aliases';
export const FileLabel = '__meta_hosts_file';
export const LineLabel = '__meta_hosts_line';

/** A `hosts_sd_configs` entry that cannot be used. */
export class HostsSDConfigError extends Error {
  override readonly name = 'HostsSDConfigError';
}

/** One parsed `hosts_sd_configs` entry. */
export class HostsSDConfig implements SDConfig {
  readonly name = 'hosts';
  constructor(
    /** The hosts file, joined to the configuration file's directory when relative. */
    readonly file: string,
    /** The port of every target. */
    readonly port: number,
    /** Time between two reads (ms). */
    readonly refreshIntervalMs: number,
  ) {}

  newDiscoverer(options: DiscovererOptions): Discoverer {
    return new HostsDiscoverer(this, options);
  }

  /** What /api/v1/status/config shows, defaults filled. */
  toYAML(): unknown {
    return { file: this.file, port: this.port, refresh_interval: `${this.refreshIntervalMs / 1000}s` };
  }
}

/** Reads the file every refresh interval; one group (source: the file) with a target per line. */
export class HostsDiscoverer implements Discoverer {
  constructor(
    readonly config: HostsSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    while (!signal.aborted) {
      const started = performance.now();
      try {
        yield [await this.refresh()];
      } catch (err) {
        // The last groups stay where tsprom keeps them: a bad edit never empties the job.
        this.options.metrics?.refreshFailed('hosts');
        this.options.logger.error('Unable to refresh target groups', {
          mechanism: 'hosts',
          err: err instanceof Error ? err.message : String(err),
        });
      }
      this.options.metrics?.observeRefresh('hosts', (performance.now() - started) / 1000);
      await sleep(this.config.refreshIntervalMs, signal);
    }
  }

  /** Reads the file once: its targets, or a thrown error naming the file and line. */
  async refresh(): Promise<TargetGroup> {
    const { file, port } = this.config;
    const entries = parseHostsFile(file, await readFile(file, 'utf8'));
    return {
      source: file,
      labels: { [FileLabel]: file },
      targets: entries.map((e) => ({
        __address__: e.address.includes(':') ? `[${e.address}]:${port}` : `${e.address}:${port}`,
        [HostnameLabel]: e.names[0]!,
        [AliasesLabel]: e.names.slice(1).join(','),
        [LineLabel]: String(e.line),
      })),
    };
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const FIELDS = new Set(['file', 'port', 'refresh_interval']);

/** The mechanism: its config key and the parser of its entries. */
export const hostsSD: SDMechanism = {
  key: 'hosts_sd_configs',
  name: 'hosts',
  parse(raw: unknown, ctx: SDParseContext): HostsSDConfig {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new HostsSDConfigError('hosts_sd_configs entry must be a mapping');
    }
    const o = raw as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      // As Prometheus does: an unknown field is an error, never silently ignored.
      if (!FIELDS.has(k)) throw new HostsSDConfigError(`field ${k} not found in hosts_sd_configs`);
    }
    if (typeof o.file !== 'string' || o.file === '') throw new HostsSDConfigError('file is required');
    if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
      throw new HostsSDConfigError(`port must be an integer from 1 to 65535, got ${JSON.stringify(o.port ?? null)}`);
    }
    let refreshIntervalMs = 30_000;
    if (o.refresh_interval !== undefined) {
      const m = DURATION.exec(String(o.refresh_interval));
      if (m === null) {
        throw new HostsSDConfigError(`refresh_interval: not a valid duration: ${JSON.stringify(o.refresh_interval)}`);
      }
      refreshIntervalMs = Number(m[1]) * UNIT_MS[m[2]!]!;
      if (refreshIntervalMs <= 0) throw new HostsSDConfigError('refresh_interval must be greater than 0');
    }
    const file = isAbsolute(o.file) || ctx.baseDir === undefined ? o.file : join(ctx.baseDir, o.file);
    return new HostsSDConfig(file, o.port, refreshIntervalMs);
  },
};
