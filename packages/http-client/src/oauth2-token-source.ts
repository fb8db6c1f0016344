// Prometheus: prometheus/common config/http_config.go oauth2RoundTripper with
// golang.org/x/oauth2/clientcredentials: a token from the token URL, reused until shortly before it
// expires, sent as a bearer token.
import type { OAuth2Config } from '@tsprom/config';
import type { Dispatcher } from 'undici';
import { UnsupportedConfigError } from './errors.js';
import { newDispatcher, secretValue, tlsConnectOptions } from './http-dispatcher.js';
import { loadUndici } from './load-undici.js';

/** golang.org/x/oauth2 expiryDelta: a token this close to expiry is renewed. */
const EXPIRY_DELTA_MS = 10_000;

/**
 * Fetches and caches OAuth2 access tokens with the client credentials grant (RFC 6749 §4.4): a
 * form POST of `grant_type=client_credentials`, the scopes and the endpoint params, the client id
 * and secret in a basic Authorization header (URL-encoded, as Go's oauth2 sends them). The token
 * endpoint is reached with the oauth2 block's own TLS and proxy settings. One fetch at a time:
 * concurrent callers share it.
 */
export class OAuth2TokenSource {
  readonly #cfg: OAuth2Config;
  readonly #dispatcher: Dispatcher;
  #token: string | undefined;
  #expiresAt = 0;
  #inFlight: Promise<string> | undefined;

  private constructor(cfg: OAuth2Config, dispatcher: Dispatcher) {
    this.#cfg = cfg;
    this.#dispatcher = dispatcher;
  }

  /**
   * Makes a token source. Only the client credentials grant is supported: the JWT bearer grant
   * (`grant_type: urn:ietf:params:oauth:grant-type:jwt-bearer`) is refused with an
   * UnsupportedConfigError.
   */
  static async create(cfg: OAuth2Config): Promise<OAuth2TokenSource> {
    if (cfg.grantType !== '' && cfg.grantType !== 'client_credentials') {
      throw new UnsupportedConfigError(`oauth2 grant_type ${JSON.stringify(cfg.grantType)} is not supported`);
    }
    const connect = await tlsConnectOptions(cfg.tlsConfig);
    return new OAuth2TokenSource(cfg, await newDispatcher(cfg, connect, true));
  }

  /** A valid access token, fetched when there is none or it is about to expire. */
  token(signal?: AbortSignal): Promise<string> {
    if (this.#token !== undefined && Date.now() < this.#expiresAt - EXPIRY_DELTA_MS) {
      return Promise.resolve(this.#token);
    }
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#fetch(signal).finally(() => {
        this.#inFlight = undefined;
      });
    }
    return this.#inFlight;
  }

  async #fetch(signal: AbortSignal | undefined): Promise<string> {
    const c = this.#cfg;
    const secret = await secretValue(c.clientSecret, c.clientSecretFile);
    const form = new URLSearchParams();
    form.set('grant_type', 'client_credentials');
    if (c.scopes.length > 0) form.set('scope', c.scopes.join(' '));
    for (const [k, v] of c.endpointParams) form.set(k, v);
    const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(secret)}`).toString('base64');
    const { request } = await loadUndici();
    const res = await request(c.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: form.toString(),
      dispatcher: this.#dispatcher,
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new Error(`oauth2: cannot fetch token: ${res.statusCode}\nResponse: ${text}`);
    }
    const ct = String(res.headers['content-type'] ?? '');
    let accessToken: string | undefined;
    let expiresIn: number | undefined;
    if (ct.startsWith('application/x-www-form-urlencoded') || ct.startsWith('text/plain')) {
      const vals = new URLSearchParams(text);
      accessToken = vals.get('access_token') ?? undefined;
      const e = vals.get('expires_in');
      expiresIn = e === null ? undefined : Number(e);
    } else {
      let body: { access_token?: unknown; expires_in?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch (err) {
        throw new Error(`oauth2: cannot parse json: ${(err as Error).message}`, { cause: err });
      }
      accessToken = typeof body.access_token === 'string' ? body.access_token : undefined;
      expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? Number.NaN);
    }
    if (accessToken === undefined || accessToken === '')
      throw new Error('oauth2: server response missing access_token');
    this.#token = accessToken;
    // No (or a zero) expires_in: the token does not expire, as golang.org/x/oauth2 reads it.
    this.#expiresAt =
      expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn > 0
        ? Date.now() + expiresIn * 1000
        : Number.POSITIVE_INFINITY;
    return accessToken;
  }

  /** Closes the token endpoint's connections. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
