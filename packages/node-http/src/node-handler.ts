// A fetch-style handler (Request in, Response out) as a Node `http` request listener and as
// connect/Express-style middleware `(req, res, next?)`: what tsprom's server does for its API,
// for an embedder's own server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handlerEncoding } from './compression.js';
import { toRequest, writeResponse } from './node-fetch-adapter.js';

/** A fetch-style handler: a Request in, a Response out. */
export type FetchHandler = (req: Request) => Promise<Response>;

/**
 * A Node request listener, usable as `http.createServer(handler)` and as middleware: requests
 * outside its prefix go to `next` when it is given (Express, connect), else get 404.
 */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/** Options of {@link nodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * The path prefix the handler serves (default `/api/v1`): other paths go to `next` or get 404.
   * Paths are read from `req.url`, which Express's `app.use('/mount', …)` has already stripped of
   * its mount path.
   */
  readonly prefix?: string;
  /** Answers compressed as Accept-Encoding asks (gzip or deflate, as Prometheus; default true). */
  readonly compress?: boolean;
  /** Called when writing an answer fails (the client went away); default: ignored. */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
}

/**
 * Serves `handler` on Node's `http`: the request (its body streamed) becomes a Request whose signal
 * aborts when the client goes away, and the Response is written back (HEAD: headers only). Mount
 * it before any body parser: it reads the request body itself.
 */
export function nodeHandler(handler: FetchHandler, opts: NodeHandlerOptions = {}): NodeHandler {
  const prefix = `${(opts.prefix ?? '/api/v1').replace(/\/$/, '')}/`;
  const compressAnswers = opts.compress !== false;
  return (req, res, next) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (!path.startsWith(prefix)) {
      if (next !== undefined) next();
      else {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
      }
      return;
    }
    const serve = async () => {
      const response = await handler(toRequest(req, res, `http://${req.headers.host ?? 'localhost'}`));
      const encoding = compressAnswers ? handlerEncoding(req.headers['accept-encoding']) : undefined;
      await writeResponse(res, response, req.method === 'HEAD', encoding);
    };
    serve().catch((err: unknown) => {
      opts.onError?.(err, req);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  };
}
