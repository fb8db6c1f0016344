// The server's settings, read from its flags and checked before anything starts (Prometheus's
// flagConfig after kingpin: durations, sizes, the listen address, features).
import { parseDuration, parseSize } from '@tsprom/config';
import type { Flags } from './flags.js';

/** Settings of a server, from its flags. Times in ms. */
export interface ServerSettings {
  readonly configFile: string;
  /** True when --config.file was given: a missing file is then an error, never the default. */
  readonly configFileGiven: boolean;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly listenAddress: string;
  readonly externalURL: URL | undefined;
  readonly routePrefix: string | undefined;
  /** `--web.config.file` ('' for none). */
  readonly webConfigFile: string;
  readonly enableLifecycle: boolean;
  readonly enableAdmin: boolean;
  readonly corsOrigin: RegExp;
  readonly readTimeoutMs: number;
  readonly maxConnections: number;
  /** `--web.max-notifications-subscribers`: live notification streams at once. */
  readonly maxNotificationsSubscribers: number;
  /** `--web.search.max-limit`: the search API's largest `limit` (0: no cap). */
  readonly searchMaxLimit: number;
  readonly dataDir: string;
  readonly retentionMs: number | undefined;
  readonly retentionBytes: number | undefined;
  readonly noLockfile: boolean;
  readonly lookbackDeltaMs: number;
  readonly queryTimeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxSamples: number;
  readonly features: ReadonlySet<string>;
  /** `--sd.package`: service discovery packages loaded at startup. */
  readonly sdPackages: readonly string[];
  /** `--web.enable-remote-write-receiver`. */
  readonly enableRemoteWriteReceiver: boolean;
  /** `--web.enable-otlp-receiver`. */
  readonly enableOTLPReceiver: boolean;
  /** `--web.remote-write-receiver.accepted-protobuf-messages`. */
  readonly remoteWriteAcceptedMsgs: readonly ('prometheus.WriteRequest' | 'io.prometheus.write.v2.Request')[];
  /** `--storage.remote.read-sample-limit` (0: none). */
  readonly remoteReadSampleLimit: number;
  /** `--storage.remote.read-concurrent-limit` (0: none). */
  readonly remoteReadConcurrentLimit: number;
  /** `--storage.remote.read-max-bytes-in-frame`. */
  readonly remoteReadMaxBytesInFrame: number;
  /** `--rules.alert.for-outage-tolerance`. */
  readonly forOutageToleranceMs: number;
  /** `--rules.alert.for-grace-period`. */
  readonly forGracePeriodMs: number;
  /** `--rules.alert.resend-delay`. */
  readonly resendDelayMs: number;
  /** `--alertmanager.notification-queue-capacity`. */
  readonly notificationQueueCapacity: number;
  /** `--alertmanager.notification-batch-size`. */
  readonly notificationBatchSize: number;
  /** `--alertmanager.drain-notification-queue-on-shutdown`. */
  readonly drainNotificationQueueOnShutdown: boolean;
  /** `--storage.remote.flush-deadline`: how long stopping a queue keeps sending. */
  readonly remoteFlushDeadlineMs: number;
  /** `--agent`: scrape, WAL and remote write only (Prometheus's agent mode). */
  readonly agentMode: boolean;
  /** The agent's settings (`--storage.agent.*`). */
  readonly agent: AgentSettings;
}

/** `--storage.agent.*` (times in ms). */
export interface AgentSettings {
  readonly dataDir: string;
  readonly walCompression: boolean;
  readonly walSegmentSizeBytes: number | undefined;
  readonly truncateFrequencyMs: number;
  readonly minWALTimeMs: number;
  readonly maxWALTimeMs: number;
  readonly noLockfile: boolean;
}

/** A flag value tsprom cannot run with; Prometheus reports it and exits with 1. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Features tsprom knows (`--enable-feature`). */
export const KNOWN_FEATURES: ReadonlySet<string> = new Set([
  'exemplar-storage',
  'promql-per-step-stats',
  'promql-experimental-functions',
  'promql-delayed-name-removal',
  'promql-extended-range-selectors',
  'xor2-encoding',
  'search-api',
  'otlp-native-delta-ingestion',
  'created-timestamp-zero-ingestion',
]);

/** Splits `host:port` (`:9090`, `[::1]:9090`). */
export function splitListenAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new SettingsError(`address ${addr}: missing port in address`);
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const p = addr.slice(i + 1);
  const port = Number(p);
  if (!/^\d+$/.test(p) || port > 65535) throw new SettingsError(`address ${addr}: invalid port`);
  return { host, port };
}

function int(flags: Flags, name: string): number {
  const v = flags.get(name);
  if (!/^-?\d+$/.test(v))
    throw new SettingsError(`invalid value ${JSON.stringify(v)} for flag --${name}: expected an integer`);
  return Number(v);
}

/** A number kingpin's Int accepts in Go syntax as Prometheus's (`5e7`). */
function float(flags: Flags, name: string): number {
  const v = flags.get(name);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !Number.isInteger(n)) {
    throw new SettingsError(`invalid value ${JSON.stringify(v)} for flag --${name}: expected a number`);
  }
  return n;
}

function duration(flags: Flags, name: string): number {
  try {
    return parseDuration(flags.get(name));
  } catch (err) {
    throw new SettingsError(
      `invalid value ${JSON.stringify(flags.get(name))} for flag --${name}: ${(err as Error).message}`,
    );
  }
}

/** Checks the flags and reads them into settings. Throws SettingsError naming the flag. */
export function readSettings(flags: Flags): { settings: ServerSettings; warnings: string[] } {
  const warnings: string[] = [];
  const remoteWriteAcceptedMsgs: ServerSettings['remoteWriteAcceptedMsgs'][number][] = [];
  for (const v of flags.getAll('web.remote-write-receiver.accepted-protobuf-messages')) {
    if (v !== 'prometheus.WriteRequest' && v !== 'io.prometheus.write.v2.Request') {
      throw new SettingsError(
        `unknown remote write protobuf message ${v}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request`,
      );
    }
    if (!remoteWriteAcceptedMsgs.includes(v)) remoteWriteAcceptedMsgs.push(v);
  }
  const addresses = flags.getAll('web.listen-address');
  if (addresses.length > 1) warnings.push(`only the first --web.listen-address is served: ${addresses[0]}`);
  const listenAddress = addresses[0] ?? '0.0.0.0:9090';
  const { host, port } = splitListenAddress(listenAddress);
  const features = new Set<string>();
  for (const v of flags.getAll('enable-feature')) {
    for (const f of v.split(',')) {
      const name = f.trim();
      if (name === '') continue;
      if (KNOWN_FEATURES.has(name)) features.add(name);
      else warnings.push(`Unknown option for --enable-feature: ${name}`);
    }
  }
  let externalURL: URL | undefined;
  const ext = flags.get('web.external-url');
  if (ext !== '') {
    try {
      externalURL = new URL(ext);
    } catch {
      throw new SettingsError(`invalid value ${JSON.stringify(ext)} for flag --web.external-url: not a URL`);
    }
  }
  let cors: RegExp;
  try {
    cors = new RegExp(`^(?:${flags.get('web.cors.origin')})$`);
  } catch (err) {
    throw new SettingsError(
      `could not compile CORS regex string ${JSON.stringify(flags.get('web.cors.origin'))}: ${(err as Error).message}`,
    );
  }
  let retentionBytes: number | undefined;
  if (flags.get('storage.tsdb.retention.size') !== '') {
    try {
      retentionBytes = parseSize(flags.get('storage.tsdb.retention.size'));
    } catch (err) {
      throw new SettingsError(`invalid value for flag --storage.tsdb.retention.size: ${(err as Error).message}`);
    }
  }
  let agentSegmentBytes: number | undefined;
  if (flags.get('storage.agent.wal-segment-size') !== '') {
    try {
      agentSegmentBytes = parseSize(flags.get('storage.agent.wal-segment-size'));
    } catch (err) {
      throw new SettingsError(`invalid value for flag --storage.agent.wal-segment-size: ${(err as Error).message}`);
    }
  }
  const maxConcurrency = int(flags, 'query.max-concurrency');
  const notificationQueueCapacity = int(flags, 'alertmanager.notification-queue-capacity');
  const notificationBatchSize = int(flags, 'alertmanager.notification-batch-size');
  if (notificationQueueCapacity < 1)
    throw new SettingsError('--alertmanager.notification-queue-capacity must be at least 1');
  if (notificationBatchSize < 1) throw new SettingsError('--alertmanager.notification-batch-size must be at least 1');
  if (maxConcurrency < 1) throw new SettingsError('--query.max-concurrency must be at least 1');
  return {
    warnings,
    settings: {
      configFile: flags.get('config.file'),
      configFileGiven: flags.given('config.file'),
      listenHost: host,
      listenPort: port,
      listenAddress,
      externalURL,
      routePrefix: flags.given('web.route-prefix') ? flags.get('web.route-prefix') : undefined,
      webConfigFile: flags.get('web.config.file'),
      enableLifecycle: flags.get('web.enable-lifecycle') === 'true',
      enableAdmin: flags.get('web.enable-admin-api') === 'true',
      corsOrigin: cors,
      readTimeoutMs: duration(flags, 'web.read-timeout'),
      maxConnections: int(flags, 'web.max-connections'),
      maxNotificationsSubscribers: int(flags, 'web.max-notifications-subscribers'),
      searchMaxLimit: int(flags, 'web.search.max-limit'),
      dataDir: flags.get('storage.tsdb.path'),
      retentionMs:
        flags.get('storage.tsdb.retention.time') === '' ? undefined : duration(flags, 'storage.tsdb.retention.time'),
      retentionBytes,
      noLockfile: flags.get('storage.tsdb.no-lockfile') === 'true',
      lookbackDeltaMs: duration(flags, 'query.lookback-delta'),
      queryTimeoutMs: duration(flags, 'query.timeout'),
      maxConcurrency,
      maxSamples: int(flags, 'query.max-samples'),
      features,
      sdPackages: flags.getAll('sd.package').filter((p) => p !== ''),
      enableRemoteWriteReceiver: flags.get('web.enable-remote-write-receiver') === 'true',
      remoteWriteAcceptedMsgs,
      enableOTLPReceiver: flags.get('web.enable-otlp-receiver') === 'true',
      remoteReadSampleLimit: float(flags, 'storage.remote.read-sample-limit'),
      remoteReadConcurrentLimit: int(flags, 'storage.remote.read-concurrent-limit'),
      remoteReadMaxBytesInFrame: int(flags, 'storage.remote.read-max-bytes-in-frame'),
      forOutageToleranceMs: duration(flags, 'rules.alert.for-outage-tolerance'),
      forGracePeriodMs: duration(flags, 'rules.alert.for-grace-period'),
      resendDelayMs: duration(flags, 'rules.alert.resend-delay'),
      notificationQueueCapacity,
      notificationBatchSize,
      drainNotificationQueueOnShutdown: flags.get('alertmanager.drain-notification-queue-on-shutdown') === 'true',
      remoteFlushDeadlineMs: duration(flags, 'storage.remote.flush-deadline'),
      agentMode: flags.get('agent') === 'true',
      agent: {
        dataDir: flags.get('storage.agent.path'),
        walCompression: flags.get('storage.agent.wal-compression') === 'true',
        walSegmentSizeBytes: agentSegmentBytes,
        truncateFrequencyMs: duration(flags, 'storage.agent.wal-truncate-frequency'),
        minWALTimeMs: duration(flags, 'storage.agent.retention.min-time'),
        maxWALTimeMs: duration(flags, 'storage.agent.retention.max-time'),
        noLockfile: flags.get('storage.agent.no-lockfile') === 'true',
      },
    },
  };
}
