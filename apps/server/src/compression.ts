// Prometheus: util/httputil/compression.go CompressionHandler (the HTTP API and /federate) and
// client_golang promhttp's encoding negotiation (/metrics): answers compressed as the client's
// Accept-Encoding asks. Compression runs on libuv's thread pool (node:zlib's asynchronous calls),
// not on the event loop.
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';

/** A Content-Encoding the server answers with. */
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

/**
 * client_golang promhttp's negotiation for /metrics, which offers gzip only: gzip when
 * Accept-Encoding accepts it (`gzip` or `*` with a non-zero quality), else undefined (identity).
 */
export function metricsEncoding(acceptEncoding: string | undefined): ContentEncoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name.toLowerCase() === 'gzip') gzipQ = q;
    else if (name === '*') anyQ = q;
  }
  // A named gzip decides over `*`; a quality that is not a number refuses.
  const q = gzipQ ?? anyQ;
  return q !== undefined && q > 0 ? 'gzip' : undefined;
}

/** `body` compressed with `encoding` (`deflate` is the zlib format, as Go's and HTTP's). */
export function compress(body: Uint8Array, encoding: ContentEncoding): Promise<Buffer> {
  return encoding === 'gzip' ? gzipAsync(body) : deflateAsync(body);
}
