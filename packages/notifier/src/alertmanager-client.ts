// Prometheus: notifier/manager.go sendOne (the POST of one payload to one Alertmanager).
import type { HTTPClientConfig } from '@tsprom/config';
import type { Dispatcher } from 'undici';
import { AlertmanagerStatusError } from './errors.js';
import { loadUndici } from './load-undici.js';

/**
 * What the notifier needs of an HTTP client made from an `<http_config>` (basic auth,
 * authorization, OAuth2, TLS, proxy, headers): @tsprom/scrape's `HTTPClient` is one. Safe for
 * concurrent requests.
 */
export interface NotifierHTTPClient {
  /** The undici dispatcher posts go through (connections, TLS, proxy, redirects). */
  readonly dispatcher: Dispatcher;
  /** Authentication and custom headers for one request; `signal` aborts a token fetch. */
  requestHeaders(signal?: AbortSignal): Promise<Record<string, string>>;
  /** Ends the client's connections once its requests are done. */
  close(): Promise<void>;
}

/**
 * Makes the client of one Alertmanager config from its `<http_config>` (HTTP/2 already turned
 * off, as Prometheus's notifier does). Rejects when the config cannot be used (an unreadable
 * TLS file…). `HTTPClient.create` of @tsprom/scrape fits.
 */
export type HTTPClientFactory = (cfg: HTTPClientConfig) => Promise<NotifierHTTPClient>;

/** Prometheus's content type for the v2 API. */
const CONTENT_TYPE_JSON = 'application/json';

/**
 * Posts `body` to `url` with the client's headers, `User-Agent: userAgent` and a JSON content
 * type. Resolves on a 2xx answer; rejects with {@link AlertmanagerStatusError} on another status,
 * with undici's error when the request fails, or with the abort reason when `signal` aborts.
 */
export async function postToAlertmanager(
  client: NotifierHTTPClient,
  url: string,
  body: string,
  userAgent: string,
  signal: AbortSignal,
): Promise<void> {
  const headers = await client.requestHeaders(signal);
  headers['user-agent'] = userAgent;
  headers['content-type'] = CONTENT_TYPE_JSON;
  const { request } = await loadUndici();
  const res = await request(url, { method: 'POST', dispatcher: client.dispatcher, headers, body, signal });
  // The body is read to the end so that the connection can be reused (Go: io.Copy to Discard).
  await res.body.dump({ limit: Number.POSITIVE_INFINITY });
  if (res.statusCode < 200 || res.statusCode > 299) throw new AlertmanagerStatusError(url, res.statusCode);
}
