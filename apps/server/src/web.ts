// Prometheus: web/web.go Handler: the HTTP server of tsprom on node:http: the API under
// <prefix>/api/v1, /metrics, and the management endpoints /-/healthy, /-/ready, /-/reload and
// /-/quit (the last two only with --web.enable-lifecycle), with request metrics per handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHTTPSServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { APIHandler } from '@tsprom/api';
import { toRequest, writeResponse } from '@tsprom/node-http';
import { httpError, ReadHTTPError, type RemoteRequest, type RemoteResponse } from '@tsprom/remote';
import { createUIHandler, type UIHandler } from '@tsprom/web-ui';
import type { Logger } from './logger.js';
import { compress, handlerEncoding, metricsEncoding } from './compression.js';
import { LabeledHistogram, LabeledValue, type MetricFamily } from './metrics-registry.js';
import type { WebSecurity } from './web-security.js';

/** What the web handler needs from the server. */
export interface WebOptions {
  readonly api: APIHandler;
  /** The `/federate` handler. */
  readonly federate: APIHandler;
  /** Path prefix of every route (`--web.route-prefix`), '' for none. */
  readonly routePrefix: string;
  readonly enableLifecycle: boolean;
  readonly isReady: () => boolean;
  readonly metricsText: () => string;
  /** Reloads the configuration; rejects with why it failed. */
  readonly reload: () => Promise<void>;
  /** Starts a graceful shutdown. */
  readonly quit: () => void;
  readonly logger: Logger;
  readonly readTimeoutMs: number;
  readonly maxConnections: number;
  /** `--web.config.file`: TLS, basic auth and headers; undefined for plain HTTP without auth. */
  readonly security?: WebSecurity;
  /** The remote endpoints under /api/v1 (write and OTLP undefined when not enabled). */
  readonly remote?: RemoteEndpoints;
  /** Prometheus's agent mode: the UI serves the agent's pages only. */
  readonly agentMode?: boolean;
}

/** A receiving endpoint: the whole body in, an answer out. */
export type RemoteEndpoint = (req: RemoteRequest) => Promise<RemoteResponse>;

/** Prometheus: the API's /read, /write and /otlp/v1/metrics routes. */
export interface RemoteEndpoints {
  readonly read: RemoteEndpoint;
  /** `--web.enable-remote-write-receiver`. */
  readonly write: RemoteEndpoint | undefined;
  /** `--web.enable-otlp-receiver`. */
  readonly otlp: RemoteEndpoint | undefined;
}

const REMOTE_PATHS: Readonly<Record<string, keyof RemoteEndpoints>> = {
  '/api/v1/read': 'read',
  '/api/v1/write': 'write',
  '/api/v1/otlp/v1/metrics': 'otlp',
};

/** The handler label of each remote endpoint's requests (its path). */
const REMOTE_HANDLER: Readonly<Record<keyof RemoteEndpoints, string>> = {
  read: '/api/v1/read',
  write: '/api/v1/write',
  otlp: '/api/v1/otlp/v1/metrics',
};

const REMOTE_DISABLED: Readonly<Record<keyof RemoteEndpoints, string>> = {
  read: '',
  write: 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver',
  otlp: 'otlp write receiver needs to be enabled with --web.enable-otlp-receiver',
};

/** Largest declared Content-Length read into one growing buffer (larger: chunk by chunk). */
const PREALLOCATE_MAX_BYTES = 16 * 1024 * 1024;
/**
 * The first size of that buffer: it doubles as bytes arrive, up to the declared length, so that a
 * client declaring a large body and sending none costs no more than it sent.
 */
const FIRST_BUFFER_BYTES = 64 * 1024;

/**
 * Reads a request's whole body. With a Content-Length, into one buffer that grows (by doubling)
 * to that size, which the body then owns alone (so that a receive worker is handed it without a
 * copy); otherwise (or when the length was not the truth) the chunks are joined.
 */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  const limit = Number.isSafeInteger(declared) && declared > 0 && declared <= PREALLOCATE_MAX_BYTES ? declared : 0;
  let whole = limit > 0 ? new Uint8Array(Math.min(limit, FIRST_BUFFER_BYTES)) : undefined;
  const chunks: Uint8Array[] = [];
  let n = 0;
  let ended = false;
  return new Promise((resolve, reject) => {
    req.on('data', (c: Buffer) => {
      if (whole !== undefined) {
        const need = n + c.length;
        if (need > whole.length && need <= limit) {
          const grown = new Uint8Array(Math.min(limit, Math.max(need, 2 * whole.length)));
          grown.set(whole.subarray(0, n));
          whole = grown;
        }
        if (need <= whole.length) {
          whole.set(c, n);
          n = need;
          return;
        }
        chunks.push(whole.subarray(0, n));
        whole = undefined;
      }
      chunks.push(c);
      n += c.length;
    });
    req.once('end', () => {
      ended = true;
      if (whole !== undefined) resolve(n === whole.length ? whole : whole.subarray(0, n));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n));
    });
    req.once('error', reject);
    // A client gone (or the stream destroyed) before the end: as the stream's async iterator, a
    // premature close is an error.
    req.once('close', () => {
      if (!ended) reject(new Error('request body aborted before its end'));
    });
  });
}

/**
 * A request to a remote endpoint. Its `signal` (aborted when the client goes away before the
 * answer is written) is made when first asked for: only remote read's streaming needs one, and a
 * receiver answering request after request need not pay for an AbortController each.
 */
class NodeRemoteRequest implements RemoteRequest {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly body: Uint8Array;
  #ctrl: AbortController | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, body: Uint8Array) {
    this.#req = req;
    this.#res = res;
    this.body = body;
  }

  header(name: string): string | undefined {
    const v = this.#req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  get signal(): AbortSignal {
    if (this.#ctrl === undefined) {
      const ctrl = new AbortController();
      const res = this.#res;
      const abort = (): void => {
        if (!res.writableFinished) ctrl.abort(new DOMException('client closed the connection', 'AbortError'));
      };
      // Gone already (its 'close' was before this was asked for), or when it goes.
      if (res.closed) abort();
      else res.once('close', abort);
      this.#ctrl = ctrl;
    }
    return this.#ctrl.signal;
  }
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/** The HTTP side of the server. */
export class WebHandler {
  readonly #o: WebOptions;
  readonly #server: Server;
  readonly #requests = new LabeledValue('prometheus_http_requests_total', 'Counter of HTTP requests.', 'counter', [
    'code',
    'handler',
  ]);
  readonly #durations = new LabeledHistogram(
    'prometheus_http_request_duration_seconds',
    'Histogram of latencies for HTTP requests.',
    'handler',
    [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
  );
  #quitting = false;
  /** The web UI (@tsprom/web-ui's built assets): `/` redirects to `/query`. */
  readonly #ui: UIHandler;
  /** The remote endpoints by their paths under the route prefix, as requested. */
  readonly #remotePaths: ReadonlyMap<string, keyof RemoteEndpoints>;

  constructor(o: WebOptions) {
    this.#o = o;
    this.#ui = createUIHandler({ pathPrefix: o.routePrefix, agentMode: o.agentMode === true });
    this.#remotePaths = new Map(Object.entries(REMOTE_PATHS).map(([path, which]) => [o.routePrefix + path, which]));
    const handle = (req: IncomingMessage, res: ServerResponse): void => {
      this.#guard(req, res).catch((err: unknown) => {
        // A failure writing the answer (the client left): nothing more to send; logged.
        o.logger.log('debug', 'error serving HTTP request', { err, path: req.url });
        if (!res.headersSent) res.writeHead(500, TEXT);
        res.end();
      });
    };
    const tls = o.security?.tlsOptions();
    if (tls === undefined || o.security === undefined) this.#server = createServer(handle);
    else {
      const server = createHTTPSServer(tls, handle);
      o.security.attach(server, o.logger);
      this.#server = server;
    }
    this.#server.requestTimeout = o.readTimeoutMs;
    this.#server.maxConnections = o.maxConnections;
  }

  /** Starts listening on `host:port`; resolves with the address bound. */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host === '' ? undefined : host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections and closes the idle ones; resolves when all are closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      // Open requests finish (they were already answered or are answering); keep-alive ones go.
      // The timer stays referenced: after a flood of requests (bodies among them refused unread),
      // server.close() was seen never to call back while nothing else kept the process alive, so
      // the process drained and exited 13 (an unsettled top-level await) instead of closing.
      const force = setTimeout(() => this.#server.closeAllConnections(), 5000);
      this.#server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.#server.closeIdleConnections();
    });
  }

  /** Counts a request answered `code` by `handler`, begun at `t0` (performance.now()). */
  #done(code: number, handler: string, t0: number): void {
    this.#requests.inc([String(code), handler]);
    this.#durations.observe(handler, (performance.now() - t0) / 1000);
  }

  collect(): MetricFamily[] {
    return [this.#requests.collect(), this.#durations.collect()];
  }

  /** Applies --web.config.file (headers, basic auth) before serving. */
  async #guard(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const security = this.#o.security;
    if (security !== undefined) {
      const onError = (err: unknown): void =>
        this.#o.logger.log('error', 'Unable to parse configuration', { err: (err as Error).message });
      if (!(await security.authorize(req, res, onError))) return;
    }
    return this.#serve(req, res);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const o = this.#o;
    // A remote endpoint's path as it is (no query, nothing to normalise: the pathname URL would
    // give is the same string) is served without parsing a URL, as a receiver is asked request
    // after request.
    const direct = o.remote === undefined ? undefined : this.#remotePaths.get(req.url ?? '');
    if (direct !== undefined) return this.#remote(direct, req, res, req.method ?? 'GET', t0);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(o.routePrefix) ? url.pathname.slice(o.routePrefix.length) || '/' : undefined;
    const method = req.method ?? 'GET';
    let handler = path ?? 'other';
    const done = (code: number): void => this.#done(code, handler, t0);
    const text = (code: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(code, { ...TEXT, ...headers });
      res.end(method === 'HEAD' ? undefined : body);
      done(code);
    };
    if (path === undefined) return text(404, '404 page not found\n');
    const remote = path === undefined ? undefined : REMOTE_PATHS[path];
    if (remote !== undefined && path !== undefined && o.remote !== undefined) {
      return this.#remote(remote, req, res, method, t0);
    }
    if (path.startsWith('/api/v1/')) {
      handler = path.startsWith('/api/v1/label/') ? '/api/v1/label/:name/values' : path;
      const host = req.headers.host ?? 'localhost';
      const request = toRequest(req, res, `http://${host}`);
      // The API is mounted at the route prefix: it sees paths from /api/v1 on.
      const apiReq = o.routePrefix === '' ? request : new Request(request.url.replace(o.routePrefix, ''), request);
      const response = await o.api(apiReq);
      await writeResponse(res, response, method === 'HEAD', handlerEncoding(req.headers['accept-encoding']));
      return done(response.status);
    }
    if (path === '/federate') {
      if (method !== 'GET' && method !== 'POST') return text(405, 'Method Not Allowed\n');
      const response = await o.federate(toRequest(req, res, `http://${req.headers.host ?? 'localhost'}`));
      await writeResponse(res, response, false, handlerEncoding(req.headers['accept-encoding']));
      return done(response.status);
    }
    switch (path) {
      case '/-/healthy':
        return text(200, 'Prometheus Server is Healthy.\n');
      case '/-/ready':
        return o.isReady() ? text(200, 'Prometheus Server is Ready.\n') : text(503, 'Service Unavailable');
      case '/metrics': {
        const encoding = method === 'HEAD' ? undefined : metricsEncoding(req.headers['accept-encoding']);
        if (encoding === undefined) {
          return text(200, o.metricsText(), { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        }
        const body = await compress(Buffer.from(o.metricsText()), encoding);
        res.writeHead(200, {
          'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
          'Content-Encoding': encoding,
          'Content-Length': String(body.length),
        });
        res.end(body);
        return done(200);
      }
      case '/-/reload':
      case '/-/quit':
        return this.#lifecycle(path, method, text);
      default: {
        const response = await this.#ui(path, method);
        if (response === undefined) {
          handler = 'other';
          return text(404, '404 page not found\n');
        }
        // Prometheus counts the UI's requests under their own paths, its assets under /assets.
        handler = path.startsWith('/assets/') ? '/assets/*filepath' : path;
        await writeResponse(res, response, method === 'HEAD');
        return done(response.status);
      }
    }
  }

  /** Prometheus: api.ready(api.remoteRead / remoteWrite / otlpWrite), POST only. */
  async #remote(
    which: keyof RemoteEndpoints,
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    t0: number,
  ): Promise<void> {
    const handler = REMOTE_HANDLER[which];
    const done = (code: number): void => this.#done(code, handler, t0);
    const send = (r: RemoteResponse): void => {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      done(r.status);
    };
    if (method !== 'POST') return send(httpError(405, 'Method Not Allowed'));
    const endpoint = this.#o.remote![which];
    if (endpoint === undefined) return send(httpError(404, REMOTE_DISABLED[which]));
    if (!this.#o.isReady()) return send(httpError(503, 'Service Unavailable'));
    const body = await readBody(req);
    const request = new NodeRemoteRequest(req, res, body);
    const answer = await endpoint(request);
    if (answer.stream === undefined) return send(answer);
    // A streamed answer: an error before the first frame is answered as such; after it, the
    // connection is cut (the client sees a broken stream, as from Prometheus).
    const it = answer.stream[Symbol.asyncIterator]();
    let first: IteratorResult<Uint8Array>;
    try {
      first = await it.next();
    } catch (err) {
      return send(httpError(err instanceof ReadHTTPError ? err.status : 500, (err as Error).message));
    }
    res.writeHead(answer.status, answer.headers);
    try {
      for (let r = first; r.done !== true; r = await it.next()) {
        if (!res.write(r.value)) {
          await new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
        if (request.signal.aborted) {
          await it.return?.(undefined);
          break;
        }
      }
    } catch (err) {
      this.#o.logger.log('error', 'streamed remote read failed', { err: (err as Error).message });
      res.destroy(err as Error);
      done(answer.status);
      return;
    }
    res.end();
    done(answer.status);
  }

  async #lifecycle(
    path: '/-/reload' | '/-/quit',
    method: string,
    text: (code: number, body: string) => void,
  ): Promise<void> {
    if (method !== 'POST' && method !== 'PUT') return text(405, 'Only POST or PUT requests allowed');
    if (!this.#o.enableLifecycle) return text(403, 'Lifecycle API is not enabled.');
    if (path === '/-/quit') {
      if (this.#quitting) return text(200, 'Termination already in progress.');
      this.#quitting = true;
      text(200, 'Requesting termination... Goodbye!');
      this.#o.quit();
      return;
    }
    try {
      await this.#o.reload();
      text(200, '');
    } catch (err) {
      text(500, `failed to reload config: ${(err as Error).message}\n`);
    }
  }
}
