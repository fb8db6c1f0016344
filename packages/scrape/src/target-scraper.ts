// Prometheus: scrape/scrape.go targetScraper (scrape, readResponse), acceptEncodingHeader.
import { STATUS_CODES } from 'node:http';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { BodySizeLimitError, HTTPStatusError, ScrapeError, ScrapeRequestError, withoutStack } from './errors.js';
import type { HTTPClient } from '@tsprom/http-client';
import { loadUndici } from './load-undici.js';
import { ScrapeDeadlineExceeded, type ScrapeResponse, type Scraper } from './scraper.js';
import type { Target } from './target.js';

/** How one target is fetched. */
export interface TargetScraperOptions {
  readonly timeoutMs: number;
  /** `body_size_limit` in bytes (uncompressed); 0 = none. A body of this size or more fails. */
  readonly bodySizeLimitBytes: number;
  /** The Accept header (textparse's `acceptHeader(scrape_protocols)`). */
  readonly acceptHeader: string;
  /** `enable_compression`: ask for gzip (default true), else `identity`. */
  readonly enableCompression: boolean;
  readonly userAgent: string;
}

/** The User-Agent scrapes send. */
export const DefaultUserAgent = 'tsprom/0.1.0';

/**
 * The smallest body buffer: a first scrape's body takes the next power of two from here. Small:
 * 10,000 targets of one-line bodies would hold 10 MB at 1 KiB each.
 */
const MIN_BUFFER_BYTES = 64;
const NO_BUFFER = new Uint8Array(0);
const headersOf = new WeakMap<TargetScraperOptions, Readonly<Record<string, string>>>();

/**
 * Fetches a target's exposition over HTTP (GET of the target's URL) with the pool's client:
 * Prometheus's Accept, Accept-Encoding, User-Agent and `X-Prometheus-Scrape-Timeout-Seconds`
 * headers, authentication, gzip bodies decompressed off the main thread, `body_size_limit`
 * enforced while reading. The body lands in a buffer reused by the next scrape (sized by the last
 * one, allocated by the first scrape: thousands of new loops cost no buffer before they scrape), so
 * a steady-state scrape allocates no body buffer.
 */
export class TargetScraper implements Scraper {
  readonly #target: Target;
  readonly #client: HTTPClient;
  readonly #opts: TargetScraperOptions;
  readonly #headers: Readonly<Record<string, string>>;
  #buf = NO_BUFFER;

  constructor(target: Target, client: HTTPClient, opts: TargetScraperOptions) {
    this.#target = target;
    this.#client = client;
    this.#opts = opts;
    let headers = headersOf.get(opts);
    if (headers === undefined) {
      headers = {
        accept: opts.acceptHeader,
        'accept-encoding': opts.enableCompression ? 'gzip' : 'identity',
        'user-agent': opts.userAgent,
        'x-prometheus-scrape-timeout-seconds': String(opts.timeoutMs / 1000),
      };
      headersOf.set(opts, headers); // Shared by the scrapers of one options object (a pool's loops).
    }
    this.#headers = headers;
  }

  async scrape(signal: AbortSignal): Promise<ScrapeResponse> {
    const url = this.#target.url();
    let res: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      const auth = await this.#client.requestHeaders(signal);
      res = await request(url, {
        method: 'GET',
        headers: { ...this.#headers, ...auth },
        dispatcher: this.#client.dispatcher,
        signal,
      });
    } catch (err) {
      throw requestError(url, err, signal);
    }
    const body = res.body;
    try {
      if (res.statusCode !== 200) {
        await body.dump({ limit: 128 * 1024, signal }); // Read what is left (up to 128 KiB) so the connection stays usable.
        throw new HTTPStatusError(res.statusCode, STATUS_CODES[res.statusCode] ?? '');
      }
      const ct = res.headers['content-type'];
      const contentType = Array.isArray(ct) ? (ct[0] ?? '') : (ct ?? '');
      const limit = this.#opts.bodySizeLimitBytes > 0 ? this.#opts.bodySizeLimitBytes : Number.POSITIVE_INFINITY;
      let n: number;
      if (res.headers['content-encoding'] === 'gzip') {
        const gunzip = createGunzip();
        // Errors of either stream end the iteration below with that error.
        pipeline(body, gunzip, () => undefined);
        n = await this.#read(gunzip, limit);
      } else {
        n = await this.#read(body, limit);
      }
      return { body: this.#buf.subarray(0, n), contentType };
    } catch (err) {
      if (err instanceof ScrapeError) throw err;
      throw requestError(url, err, signal);
    } finally {
      // Closes the connection of a body cut short (limit, error). A body read to its end is left
      // alone: destroying it would close the connection keep-alive is to reuse.
      if (!body.readableEnded && !body.destroyed) body.destroy();
    }
  }

  /** Copies `src` into the reused buffer; BodySizeLimitError once `limit` bytes are reached. */
  async #read(src: AsyncIterable<Uint8Array>, limit: number): Promise<number> {
    let n = 0;
    for await (const chunk of src) {
      if (n + chunk.length >= limit) throw new BodySizeLimitError(limit);
      if (n + chunk.length > this.#buf.length) {
        let size = Math.max(MIN_BUFFER_BYTES, this.#buf.length * 2);
        while (size < n + chunk.length) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.#buf.subarray(0, n));
        this.#buf = grown;
      }
      this.#buf.set(chunk, n);
      n += chunk.length;
    }
    return n;
  }
}

/** A request failure as Go's client words it: `Get "<url>": <reason>`. */
function requestError(url: string, err: unknown, signal: AbortSignal): ScrapeRequestError {
  if (signal.aborted) {
    const timedOut = signal.reason instanceof ScrapeDeadlineExceeded;
    const reason = timedOut ? 'context deadline exceeded' : 'context canceled';
    return withoutStack(() => new ScrapeRequestError(url, reason, timedOut, { cause: err }));
  }
  const e = err as { code?: string; message?: string; address?: string; port?: number } | undefined;
  let reason = e?.message ?? String(err);
  switch (e?.code) {
    case 'ECONNREFUSED':
      reason = `dial tcp ${e.address ?? ''}:${e.port ?? ''}: connect: connection refused`;
      break;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      reason = `read: connection reset by peer (${e.message})`;
      break;
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      reason = `gzip: ${e.message}`;
      break;
  }
  return new ScrapeRequestError(url, reason, false, { cause: err });
}
