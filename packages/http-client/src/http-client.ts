// Prometheus: prometheus/common config/http_config.go NewClientFromConfig (basic auth,
// authorization / bearer token, OAuth2, TLS, proxy, redirects, custom headers) on undici, with
// keep-alive.
import { readFile } from 'node:fs/promises';
import type { HTTPClientConfig } from '@tsprom/config';
import type { Dispatcher } from 'undici';
import { newDispatcher, secretValue, tlsConnectOptions } from './http-dispatcher.js';
import { loadUndici } from './load-undici.js';
import { OAuth2TokenSource } from './oauth2-token-source.js';

/** How a client reaches its servers beyond what `<http_config>` says. */
export interface HTTPClientOptions {
  /**
   * A Unix socket every connection dials instead of the URL's host (Docker's
   * `unix:///var/run/docker.sock`); the URL still gives the path and the Host header.
   */
  readonly socketPath?: string | undefined;
}

/** One request of {@link HTTPClient.request}. */
export interface HTTPRequestOptions {
  /** `GET` by default. */
  readonly method?: Dispatcher.HttpMethod | undefined;
  /** Headers of the request; the configured authentication and `http_headers` are added to them. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | Uint8Array | undefined;
  /** Aborts the request (and the OAuth2 token fetch it may need). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * An HTTP client made from an `<http_config>` (a scrape pool's, an SD config's): an undici
 * dispatcher with keep-alive (connections are reused across requests), TLS and proxy settings,
 * and the authentication headers. Secret files (password_file, credentials_file, http_headers
 * files) are read on every request as Prometheus does, so rotated credentials apply at once.
 * With `enable_http2` (the default) HTTPS targets are scraped over HTTP/2 when they offer it (ALPN).
 * Safe for concurrent requests; `close` ends its connections.
 */
export class HTTPClient {
  /** The dispatcher requests go through. */
  readonly dispatcher: Dispatcher;
  readonly #cfg: HTTPClientConfig;
  readonly #oauth2: OAuth2TokenSource | undefined;

  private constructor(dispatcher: Dispatcher, cfg: HTTPClientConfig, oauth2?: OAuth2TokenSource) {
    this.dispatcher = dispatcher;
    this.#cfg = cfg;
    this.#oauth2 = oauth2;
  }

  /** Makes a client; reads the TLS files. Rejects when one cannot be read. */
  static async create(cfg: HTTPClientConfig, options: HTTPClientOptions = {}): Promise<HTTPClient> {
    const connect = await tlsConnectOptions(cfg.tlsConfig);
    if (options.socketPath !== undefined) connect.socketPath = options.socketPath;
    const dispatcher = await newDispatcher(cfg, connect, cfg.followRedirects, cfg.enableHTTP2);
    const oauth2 = cfg.oauth2 === undefined ? undefined : await OAuth2TokenSource.create(cfg.oauth2);
    return new HTTPClient(dispatcher, cfg, oauth2);
  }

  /**
   * The authentication and custom headers of a request: `Authorization` from basic_auth,
   * authorization (bearer_token) or an OAuth2 token, then `http_headers`. Reads the secret files
   * and, for OAuth2, fetches a token when it has none valid. `signal` aborts the token fetch.
   */
  async requestHeaders(signal?: AbortSignal): Promise<Record<string, string>> {
    const c = this.#cfg;
    const h: Record<string, string> = {};
    if (c.basicAuth !== undefined) {
      const [user, pass] = await Promise.all([
        secretValue(c.basicAuth.username, c.basicAuth.usernameFile),
        secretValue(c.basicAuth.password, c.basicAuth.passwordFile),
      ]);
      h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else if (c.authorization !== undefined) {
      const cred = await secretValue(c.authorization.credentials, c.authorization.credentialsFile);
      h.authorization = `${c.authorization.type} ${cred}`;
    } else if (this.#oauth2 !== undefined) {
      h.authorization = `Bearer ${await this.#oauth2.token(signal)}`;
    }
    if (c.httpHeaders !== undefined) {
      for (const [name, hv] of c.httpHeaders) {
        const vals = [...hv.values];
        for (const s of hv.secrets) vals.push(s.reveal());
        for (const f of hv.files) vals.push((await readFile(f, 'utf8')).trim());
        if (vals.length > 0) h[name.toLowerCase()] = vals.join(', ');
      }
    }
    return h;
  }

  /**
   * Sends one request with the client's dispatcher, authentication and custom headers. Resolves
   * with the response once its headers arrived (any status: 3xx ones too when redirects are not
   * followed); the caller reads or dumps the body. Rejects on a transport failure (connection,
   * TLS, proxy), a failed OAuth2 token fetch, or when `signal` aborts.
   */
  async request(url: string | URL, options: HTTPRequestOptions = {}): Promise<Dispatcher.ResponseData> {
    const auth = await this.requestHeaders(options.signal);
    const { request } = await loadUndici();
    return request(url, {
      method: options.method ?? 'GET',
      headers: { ...options.headers, ...auth },
      body: options.body,
      signal: options.signal,
      dispatcher: this.dispatcher,
    });
  }

  /** Closes the client's connections (and the OAuth2 token client's). */
  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.#oauth2?.close()]);
  }
}
