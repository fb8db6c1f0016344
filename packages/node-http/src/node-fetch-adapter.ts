// Runs a fetch-style handler (Request in, Response out) behind node:http: the request's body
// streams in, the client going away aborts the Request's signal, the Response is written back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { type ContentEncoding, compress } from './compression.js';

/** The Request a node:http request stands for, with `base` (`http://host:port`) as its origin. */
export function toRequest(req: IncomingMessage, res: ServerResponse, base: string): Request {
  const ctrl = new AbortController();
  // 'close' on the response: sent, or the connection ended before; only the latter cancels.
  res.once('close', () => {
    if (!res.writableFinished) ctrl.abort(new DOMException('client closed the connection', 'AbortError'));
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method,
    headers,
    signal: ctrl.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * Writes `response` to `res` (HEAD requests get the headers only), its body compressed with
 * `encoding` when given.
 */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  head: boolean,
  encoding?: ContentEncoding,
): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  if (!head && response.body !== null && response.headers.get('content-type') === 'text/event-stream') {
    // Server-sent events: each chunk goes out as it comes, until the stream or the client ends.
    res.writeHead(response.status, headers);
    res.flushHeaders();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
    return;
  }
  let body: Uint8Array | undefined =
    head || response.body === null ? undefined : new Uint8Array(await response.arrayBuffer());
  if (body !== undefined && encoding !== undefined) {
    body = await compress(body, encoding);
    headers['content-encoding'] = encoding;
  }
  if (body !== undefined) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
