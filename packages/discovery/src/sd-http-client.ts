// Prometheus: prometheus/common config/http_config.go NewClientFromConfig, as every HTTP-based SD
// mechanism calls it with its inlined `<http_config>`. The client comes from `#http-client`:
// `@tsprom/http-client` (undici: TLS, OAuth2, proxies) under Node, fetch elsewhere.
import { ConfigError, type HTTPClientConfig, parseHTTPClientConfig } from '@tsprom/config';

/**
 * The inlined `<http_config>` of an SD entry (`raw`, plain values), read with config's parser; its
 * ConfigError becomes the mechanism's own error class (`wrap`), same message, the ConfigError as
 * cause, so a caller catches one class per mechanism.
 */
export function parseSDHTTPClientConfig(
  raw: Readonly<Record<string, unknown>>,
  dir: string | undefined,
  wrap: new (message: string, options?: ErrorOptions) => Error,
): HTTPClientConfig {
  try {
    return parseHTTPClientConfig(raw, dir);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new wrap(err.message, { cause: err });
  }
}

/** One request of an SD mechanism to its API. */
export interface SDHTTPRequest {
  /** `GET` by default. */
  readonly method?: 'GET' | 'POST' | 'PUT' | undefined;
  /** The mechanism's own headers; the configured authentication and `http_headers` are added. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal: AbortSignal;
}

/** A whole answer: its status, headers, and body as text. */
export interface SDHTTPResponse {
  readonly status: number;
  /** The status's reason phrase (`Not Found`), '' when unknown. */
  readonly statusText: string;
  /** The first value of header `name` (any case), undefined when absent. */
  header(name: string): string | undefined;
  readonly body: string;
}

/** The HTTP client of one discoverer (Prometheus's http.Client of an SD config). */
export interface SDHTTPClient {
  /** Sends one request and reads the whole answer; rejects on a transport failure or when aborted. */
  request(url: string, req: SDHTTPRequest): Promise<SDHTTPResponse>;
  /** Closes its connections. */
  close(): Promise<void>;
}

/** How the client dials beyond what `<http_config>` says. */
export interface SDHTTPClientOptions {
  /** A Unix socket to dial instead of the URL's host (a `unix://` Docker host). Node only. */
  readonly socketPath?: string | undefined;
}

/**
 * Makes the client of an SD config from its `<http_config>`. Rejects when a TLS or secret file
 * cannot be read, or when the setting needs Node and this is not Node.
 */
export async function newSDHTTPClient(cfg: HTTPClientConfig, options: SDHTTPClientOptions = {}): Promise<SDHTTPClient> {
  const { createSDHTTPClient } = await import('#http-client');
  return createSDHTTPClient(cfg, options);
}

/**
 * The client of a discoverer, made at its first request (a config that cannot make one fails that
 * refresh, and the next one tries again) and closed when the discoverer stops.
 */
export class LazySDHTTPClient {
  #client: Promise<SDHTTPClient> | undefined;

  constructor(
    readonly config: HTTPClientConfig,
    readonly options: SDHTTPClientOptions = {},
  ) {}

  /** The client, made now when there is none. */
  get(): Promise<SDHTTPClient> {
    if (this.#client === undefined) {
      const p = newSDHTTPClient(this.config, this.options);
      this.#client = p;
      p.catch(() => {
        if (this.#client === p) this.#client = undefined; // Retried by the next request.
      });
    }
    return this.#client;
  }

  /** Closes the client's connections, if it was made. */
  async close(): Promise<void> {
    const p = this.#client;
    this.#client = undefined;
    if (p === undefined) return;
    const c = await p.catch(() => undefined); // Its failure was reported by the request that made it.
    await c?.close();
  }
}
