// The transport-neutral request and response of the receiving endpoints (remote write, remote
// read, OTLP): the server reads the body and hands it over with the headers; the answer is written
// back as it is. Errors are answered as Go's http.Error writes them.

/** A request to a receiving endpoint: its headers (lower-case names) and its whole body. */
export interface RemoteRequest {
  header(name: string): string | undefined;
  readonly body: Uint8Array;
  /** Aborted when the client goes away. */
  readonly signal?: AbortSignal;
}

/** The answer: a status, headers, and a body (whole, or streamed frame by frame). */
export interface RemoteResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array | string;
  /** A streamed body (remote read's STREAMED_XOR_CHUNKS): written as it comes. */
  readonly stream?: AsyncIterable<Uint8Array>;
}

/** Prometheus (Go net/http): http.Error: a text body ending in a newline. */
export function httpError(status: number, message: string, headers: Record<string, string> = {}): RemoteResponse {
  return {
    status,
    headers: {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    },
    body: `${message}\n`,
  };
}

/** A reply without a body (204 No Content) with `headers`. */
export function noContent(headers: Record<string, string> = {}): RemoteResponse {
  return { status: 204, headers };
}
