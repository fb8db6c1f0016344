// Prometheus: client_golang promhttp's encoding negotiation (/metrics); util/httputil/compression.go
// CompressionHandler (the HTTP API and /federate) is @tsprom/node-http's, shared with embedders.
import { compress, type ContentEncoding, handlerEncoding } from '@tsprom/node-http';

export { compress, type ContentEncoding, handlerEncoding };

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
