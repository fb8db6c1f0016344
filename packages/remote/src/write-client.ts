// Prometheus: storage/remote/client.go Client.Store, RecoverableError, retryAfterDuration: one
// HTTP POST of a snappy-compressed write request, with the status classified as Prometheus does:
// 2xx sent, 5xx (and 429 when retry_on_http_429) retried, other statuses dropped.
import type { RemoteWriteConfig } from '@tsprom/config';
import type { HTTPClient } from '@tsprom/scrape';
import type { Dispatcher } from 'undici';
import { loadUndici } from './load-undici.js';

/** The headers Remote Write 1.0 and 2.0 requests carry (besides auth and configured headers). */
export const RemoteWriteHeaders = {
  v1: {
    'content-encoding': 'snappy',
    'content-type': 'application/x-protobuf',
    'x-prometheus-remote-write-version': '0.1.0',
  },
  v2: {
    'content-encoding': 'snappy',
    'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
    'x-prometheus-remote-write-version': '2.0.0',
  },
} as const;

/** The User-Agent of remote write requests. */
export const RemoteWriteUserAgent = 'tsprom/0.1.0';

/** A send that failed and may succeed when tried again (5xx, 429 if allowed, network errors). */
export class RecoverableError extends Error {
  override readonly name = 'RecoverableError';
  /** The delay the server asked for (Retry-After, ms), or 0. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A send the server refused for good (4xx other than a retried 429): the data is dropped. */
export class WriteRejectedError extends Error {
  override readonly name = 'WriteRejectedError';
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`server returned HTTP status ${status}: ${body}`);
  }
}

/**
 * Prometheus: retryAfterDuration. A Retry-After value (delay seconds, or an HTTP date) in ms; 0 when
 * absent or unreadable (the queue's own backoff applies then).
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number {
  if (header === undefined || header === '') return 0;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? 0 : Math.max(0, t - nowMs);
}

/** Sends one body: the `Store` of a queue. Implementations decide how the bytes travel. */
export type StoreFn = (body: Uint8Array, signal: AbortSignal) => Promise<void>;

/**
 * Prometheus: remote.Client for writing. POSTs compressed bodies to the endpoint of `cfg` through
 * the HTTP client made from its `<http_config>` (TLS, basic auth, authorization, OAuth2, proxy,
 * headers). Safe for concurrent calls (one per shard).
 */
export class WriteClient {
  readonly #cfg: RemoteWriteConfig;
  readonly #http: HTTPClient;
  readonly #headers: Record<string, string>;

  constructor(cfg: RemoteWriteConfig, http: HTTPClient) {
    this.#cfg = cfg;
    this.#http = http;
    const base =
      cfg.protobufMessage === 'io.prometheus.write.v2.Request' ? RemoteWriteHeaders.v2 : RemoteWriteHeaders.v1;
    const h: Record<string, string> = {};
    for (const [k, v] of cfg.headers) h[k.toLowerCase()] = v;
    Object.assign(h, base, { 'user-agent': RemoteWriteUserAgent });
    this.#headers = h;
  }

  /** POSTs `body`; throws RecoverableError or WriteRejectedError. Times out after remote_timeout. */
  readonly store: StoreFn = async (body, signal) => {
    const sig = AbortSignal.any([signal, AbortSignal.timeout(this.#cfg.remoteTimeoutMs)]);
    let res: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      const auth = await this.#http.requestHeaders(sig);
      res = await request(this.#cfg.url, {
        method: 'POST',
        headers: { ...auth, ...this.#headers },
        body,
        dispatcher: this.#http.dispatcher,
        signal: sig,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new RecoverableError(`remote write to ${this.#cfg.url} failed: ${(err as Error).message}`, 0, {
        cause: err,
      });
    }
    const status = res.statusCode;
    if (status >= 200 && status < 300) {
      await res.body.dump();
      return;
    }
    const text = (await res.body.text().catch(() => '')).slice(0, 256).trim();
    const ra = res.headers['retry-after'];
    const after = retryAfterMs(Array.isArray(ra) ? ra[0] : ra, Date.now());
    if (status >= 500 || (status === 429 && this.#cfg.queueConfig.retryOnRateLimit)) {
      throw new RecoverableError(`server returned HTTP status ${status}: ${text}`, after);
    }
    throw new WriteRejectedError(status, text);
  };
}
