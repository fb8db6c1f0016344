// Prometheus: prometheus/common config/http_config.go NewClientFromConfig (basic auth,
// authorization / bearer token, TLS, proxy, redirects, custom headers) on undici, with keep-alive.
import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher, EnvHttpProxyAgent, interceptors } from 'undici';

/** TLS settings of a scrape (`tls_config`). Files are read when the client is made. */
export interface TLSOptions {
  /** PEM of the CA to verify the server with (`ca`), or its file (`ca_file`). */
  readonly ca?: string | undefined;
  readonly caFile?: string | undefined;
  /** Client certificate and key, inline or as files, for mutual TLS. */
  readonly cert?: string | undefined;
  readonly certFile?: string | undefined;
  readonly key?: string | undefined;
  readonly keyFile?: string | undefined;
  /** The name to verify the server's certificate against (SNI), `server_name`. */
  readonly serverName?: string | undefined;
  /** `insecure_skip_verify`: accept any server certificate. */
  readonly insecureSkipVerify?: boolean | undefined;
  /** `min_version` / `max_version`: `TLS10`…`TLS13`. Prometheus's default minimum is TLS12. */
  readonly minVersion?: TLSVersion | undefined;
  readonly maxVersion?: TLSVersion | undefined;
}

/** TLS versions as prometheus.yml names them. */
export type TLSVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';

/** A header value of `http_headers`: plain values, secrets, or files holding the value. */
export interface HeaderValues {
  readonly values?: readonly string[] | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly files?: readonly string[] | undefined;
}

/**
 * The HTTP client part of a scrape config (prometheus/common HTTPClientConfig), as the scrape
 * package uses it. `bearer_token`/`bearer_token_file` arrive as an `authorization` of type Bearer.
 */
export interface HTTPClientOptions {
  readonly basicAuth?:
    | {
        readonly username?: string | undefined;
        readonly usernameFile?: string | undefined;
        readonly password?: string | undefined;
        readonly passwordFile?: string | undefined;
      }
    | undefined;
  readonly authorization?:
    | {
        /** Default `Bearer`. */
        readonly type?: string | undefined;
        readonly credentials?: string | undefined;
        readonly credentialsFile?: string | undefined;
      }
    | undefined;
  readonly tlsConfig?: TLSOptions | undefined;
  /** `proxy_url`: an HTTP proxy, credentials in the URL allowed. */
  readonly proxyUrl?: string | undefined;
  /** `no_proxy`: comma-separated hosts, domains and CIDRs that bypass `proxyUrl`. */
  readonly noProxy?: string | undefined;
  /** `proxy_from_environment`: HTTP_PROXY, HTTPS_PROXY and NO_PROXY decide. */
  readonly proxyFromEnvironment?: boolean | undefined;
  /** `proxy_connect_header`: headers sent to the proxy with CONNECT. */
  readonly proxyConnectHeader?: Readonly<Record<string, readonly string[]>> | undefined;
  /** `follow_redirects`, default true (at most 10, as Go's client). */
  readonly followRedirects?: boolean | undefined;
  /** `http_headers`: extra request headers. */
  readonly httpHeaders?: Readonly<Record<string, HeaderValues>> | undefined;
}

const TLS_VERSIONS: Record<TLSVersion, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Prometheus's idle connection timeout (config_util: 5 minutes): connections outlive the interval. */
const IDLE_TIMEOUT_MS = 5 * 60_000;

async function inlineOrFile(inline: string | undefined, file: string | undefined): Promise<string | undefined> {
  if (file !== undefined && file !== '') return (await readFile(file, 'utf8')).trim();
  return inline;
}

/**
 * The HTTP client of one scrape pool: an undici dispatcher with keep-alive (connections are reused
 * across scrapes of a target), TLS and proxy settings, and the authentication headers, whose
 * secret files are read on every request as Prometheus does (so rotated tokens apply at once).
 * Safe for concurrent requests. `close` ends its connections.
 */
export class HTTPClient {
  readonly dispatcher: Dispatcher;
  readonly #base: Dispatcher;
  readonly #opts: HTTPClientOptions;

  private constructor(base: Dispatcher, dispatcher: Dispatcher, opts: HTTPClientOptions) {
    this.#base = base;
    this.dispatcher = dispatcher;
    this.#opts = opts;
  }

  /** Makes a client; reads the TLS files. Rejects when one cannot be read. */
  static async create(opts: HTTPClientOptions = {}): Promise<HTTPClient> {
    const tls = opts.tlsConfig ?? {};
    const [ca, cert, key] = await Promise.all([
      inlineOrFile(tls.ca, tls.caFile),
      inlineOrFile(tls.cert, tls.certFile),
      inlineOrFile(tls.key, tls.keyFile),
    ]);
    const connect = {
      ca,
      cert,
      key,
      servername: tls.serverName === '' ? undefined : tls.serverName,
      rejectUnauthorized: tls.insecureSkipVerify !== true,
      minVersion: TLS_VERSIONS[tls.minVersion ?? 'TLS12'],
      maxVersion: tls.maxVersion === undefined ? undefined : TLS_VERSIONS[tls.maxVersion],
    };
    const agentOpts = { keepAliveTimeout: IDLE_TIMEOUT_MS, keepAliveMaxTimeout: IDLE_TIMEOUT_MS, connect };
    let base: Dispatcher;
    const proxyHeaders: Record<string, string> = {};
    for (const [k, vs] of Object.entries(opts.proxyConnectHeader ?? {})) proxyHeaders[k] = vs.join(', ');
    if (opts.proxyFromEnvironment === true) {
      base = new EnvHttpProxyAgent({ ...agentOpts, requestTls: connect, headers: proxyHeaders, proxyTunnel: false });
    } else if (opts.proxyUrl !== undefined && opts.proxyUrl !== '') {
      base = new EnvHttpProxyAgent({
        ...agentOpts,
        requestTls: connect,
        headers: proxyHeaders,
        proxyTunnel: false,
        httpProxy: opts.proxyUrl,
        httpsProxy: opts.proxyUrl,
        noProxy: opts.noProxy ?? '',
      });
    } else {
      base = new Agent(agentOpts);
    }
    const dispatcher =
      opts.followRedirects === false ? base : base.compose(interceptors.redirect({ maxRedirections: 10 }));
    return new HTTPClient(base, dispatcher, opts);
  }

  /**
   * The authentication and custom headers of a request: `Authorization` from basic_auth or
   * authorization, then `http_headers`. Reads the secret files (rejects when one cannot be read).
   */
  async requestHeaders(): Promise<Record<string, string>> {
    const o = this.#opts;
    const h: Record<string, string> = {};
    if (o.basicAuth !== undefined) {
      const user = (await inlineOrFile(o.basicAuth.username, o.basicAuth.usernameFile)) ?? '';
      const pass = (await inlineOrFile(o.basicAuth.password, o.basicAuth.passwordFile)) ?? '';
      h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else if (o.authorization !== undefined) {
      const cred = (await inlineOrFile(o.authorization.credentials, o.authorization.credentialsFile)) ?? '';
      h.authorization = `${o.authorization.type ?? 'Bearer'} ${cred}`;
    }
    for (const [name, hv] of Object.entries(o.httpHeaders ?? {})) {
      const vals = [...(hv.values ?? []), ...(hv.secrets ?? [])];
      for (const f of hv.files ?? []) vals.push((await readFile(f, 'utf8')).trim());
      if (vals.length > 0) h[name.toLowerCase()] = vals.join(', ');
    }
    return h;
  }

  /** Closes the client's connections; requests still running finish first. */
  async close(): Promise<void> {
    await this.#base.close();
  }
}
