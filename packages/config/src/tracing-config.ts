// Prometheus: config/config.go TracingConfig, TracingClientType, validateHeadersForTracing.
import { isReservedHeader } from './remote-write-config.js';
import { DefaultTLSConfig, loadTLSConfig, type TLSConfig } from './tls-config.js';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** The `tracing` section: exporting traces over OTLP. */
export interface TracingConfig {
  /** `grpc` (default) or `http`. */
  readonly clientType: 'grpc' | 'http';
  /** `host:port`; `''` when tracing is off. */
  readonly endpoint: string;
  readonly samplingFraction: number;
  readonly insecure: boolean;
  readonly tlsConfig: TLSConfig;
  readonly headers: ReadonlyMap<string, string>;
  /** `gzip` or `''`. */
  readonly compression: string;
  /** Export timeout (ms); 0 = the exporter's default (10s). */
  readonly timeoutMs: number;
}

/** No tracing. */
export const DefaultTracingConfig: TracingConfig = {
  clientType: 'grpc',
  endpoint: '',
  samplingFraction: 0,
  insecure: false,
  tlsConfig: DefaultTLSConfig,
  headers: new Map(),
  compression: '',
  timeoutMs: 0,
};

const KEYS: ReadonlySet<string> = new Set([
  'client_type',
  'endpoint',
  'sampling_fraction',
  'insecure',
  'tls_config',
  'headers',
  'compression',
  'timeout',
]);

/** Loads the `tracing` section. */
export function loadTracingConfig(r: YamlReader, v: YamlValue, dir: string | undefined): TracingConfig {
  const m = r.map(v, 'config.TracingConfig', KEYS);
  const clientType = r.str(m.get('client_type')) ?? 'grpc';
  if (clientType !== 'grpc' && clientType !== 'http') {
    r.fail(m.get('client_type'), `expected tracing client type to be to be http or grpc, but got ${clientType}`);
  }
  const hv = m.get('headers');
  const headers = r.strMap(hv) ?? new Map<string, string>();
  for (const name of headers.keys()) {
    if (name.toLowerCase() === 'authorization')
      r.fail(hv, 'custom authorization header configuration is not yet supported');
    if (isReservedHeader(name)) r.fail(hv, `${name} is a reserved header. It must not be changed`);
  }
  return {
    clientType,
    endpoint: r.str(m.get('endpoint')) ?? '',
    samplingFraction: r.float(m.get('sampling_fraction')) ?? 0,
    insecure: r.bool(m.get('insecure')) ?? false,
    tlsConfig: loadTLSConfig(r, m.get('tls_config'), dir),
    headers,
    compression: r.str(m.get('compression')) ?? '',
    timeoutMs: r.duration(m.get('timeout')) ?? 0,
  };
}
