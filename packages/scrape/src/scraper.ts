// Prometheus: scrape/scrape.go scraper (the part of a target that fetches its exposition).

/** A fetched exposition. */
export interface ScrapeResponse {
  /**
   * The body, uncompressed. Owned by the scraper (a reused buffer): valid until its next
   * `scrape` call, which a loop makes only after it has appended this one.
   */
  readonly body: Uint8Array;
  /** The response's Content-Type header ('' when absent). */
  readonly contentType: string;
}

/**
 * Fetches one target's exposition. `signal` aborts the fetch: its reason is a
 * {@link ScrapeDeadlineExceeded} when the scrape timeout expired, anything else when the scrape
 * was cancelled (shutdown). Rejects with a ScrapeError (HTTP status, body size limit, request
 * failure). One call at a time.
 */
export interface Scraper {
  scrape(signal: AbortSignal): Promise<ScrapeResponse>;
}

/** The abort reason of a scrape whose timeout expired (Go's `context deadline exceeded`). */
export class ScrapeDeadlineExceeded extends Error {
  override readonly name = 'ScrapeDeadlineExceeded';
  constructor(readonly timeoutMs: number) {
    super('context deadline exceeded');
  }
}
