// Prometheus: discovery/moby/docker.go DockerSDConfig's fields and Docker's client.ParseHostURL:
// what a `docker_sd_configs` entry holds once read.
import type { HTTPClientConfig } from '@tsprom/config';

/** A `docker_sd_configs` entry Prometheus (or tsprom) refuses. */
export class DockerSDConfigError extends Error {
  override readonly name = 'DockerSDConfigError';
}

/** One `filters` entry: a /containers/json filter and its values (Prometheus moby.Filter). */
export interface DockerFilter {
  readonly name: string;
  readonly values: readonly string[];
}

/** Where the daemon listens, as Docker's client reads `host` (client.ParseHostURL). */
export interface DockerHost {
  /** `unix`, `http` or `https` (`tcp://` is plain HTTP). */
  readonly proto: 'unix' | 'http' | 'https';
  /** The socket path (unix) or `host:port`. */
  readonly addr: string;
  /** A path the API is under (`tcp://h:2375/base`), without a trailing slash. */
  readonly basePath: string;
}

/** The fields of a `docker_sd_configs` entry, defaults filled (Prometheus DockerSDConfig). */
export interface DockerSDFields {
  readonly host: string;
  readonly port: number;
  readonly filters: readonly DockerFilter[];
  readonly hostNetworkingHost: string;
  readonly refreshIntervalMs: number;
  readonly matchFirstNetwork: boolean;
  /**
   * The inlined `<http_config>`, used for TCP hosts (`tcp://`, `http://`, `https://`); a Unix
   * socket is reached without it, as Prometheus does.
   */
  readonly http: HTTPClientConfig;
}

/** Docker client.ParseHostURL, limited to the transports tsprom speaks. */
export function parseDockerHost(host: string): DockerHost {
  const i = host.indexOf('://');
  if (i < 0) throw new DockerSDConfigError(`unable to parse docker host \`${host}\``);
  const proto = host.slice(0, i);
  const rest = host.slice(i + 3);
  if (proto === 'unix') {
    if (rest === '') throw new DockerSDConfigError(`unable to parse docker host \`${host}\`: no socket path`);
    return { proto, addr: rest, basePath: '' };
  }
  if (proto !== 'tcp' && proto !== 'http' && proto !== 'https') {
    throw new DockerSDConfigError(
      `docker host \`${host}\`: protocol ${JSON.stringify(proto)} is not supported (unix, tcp, http or https)`,
    );
  }
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    throw new DockerSDConfigError(`parse ${JSON.stringify(host)}: invalid URL`);
  }
  if (url.host === '') throw new DockerSDConfigError(`docker host \`${host}\`: no address`);
  // Only tcp:// hosts keep a base path (ParseHostURL); http:// ones are used as the address alone.
  const basePath = proto === 'tcp' ? url.pathname.replace(/\/+$/, '') : '';
  return { proto: proto === 'https' ? 'https' : 'http', addr: url.host, basePath };
}
