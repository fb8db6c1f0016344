// Prometheus: util/httputil/compression.go CompressionHandler (the HTTP API and /federate): answers
// compressed as the client's Accept-Encoding asks. Compression runs on libuv's thread pool
// (node:zlib's asynchronous calls), not on the event loop.
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';

/** A Content-Encoding the handler answers with. */
export type ContentEncoding = 'gzip' | 'deflate';

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

/**
 * Prometheus's CompressionHandler: the first of `gzip` or `deflate` named in Accept-Encoding, taken
 * literally (an entry with parameters such as `gzip;q=0` is not either), or undefined.
 */
export function handlerEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  for (const part of acceptEncoding.split(',')) {
    const e = part.trim();
    if (e === 'gzip' || e === 'deflate') return e;
  }
  return undefined;
}

/** `body` compressed with `encoding` (`deflate` is the zlib format, as Go's and HTTP's). */
export function compress(body: Uint8Array, encoding: ContentEncoding): Promise<Buffer> {
  return encoding === 'gzip' ? gzipAsync(body) : deflateAsync(body);
}
