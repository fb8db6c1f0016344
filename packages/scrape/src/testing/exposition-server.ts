// An HTTP server on 127.0.0.1 (a free port) that serves whatever exposition a test sets, and can
// misbehave as bad targets do: a status, a delay, a hang, a reset connection, a gzip body, a
// trickle. Test helper, not part of the API.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** How the server answers the next requests. */
export interface Behaviour {
  body: string | Uint8Array;
  status: number;
  /** undefined: no Content-Type header. */
  contentType: string | undefined;
  gzip: boolean;
  /** Wait this long before answering. */
  delayMs: number;
  /** Never answer (the client's timeout must end it). */
  hang: boolean;
  /** Destroy the connection instead of answering. */
  reset: boolean;
  /** Send the body in pieces of this many bytes, `trickleMs` apart (0: at once). */
  trickleBytes: number;
  trickleMs: number;
}

/** A running exposition server. */
export interface ExpositionServer {
  readonly url: string;
  /** host:port, for `__address__`. */
  readonly address: string;
  /** Changes how later requests are answered. */
  set(b: Partial<Behaviour>): void;
  /** Headers of the requests received, oldest first. */
  readonly requests: IncomingHttpHeaders[];
  /** Request paths (with query) received, oldest first. */
  readonly paths: string[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Starts a server answering `body` as the Prometheus text format until told otherwise. */
export async function startExpositionServer(init: Partial<Behaviour> = {}): Promise<ExpositionServer> {
  let b: Behaviour = {
    body: '',
    status: 200,
    contentType: TEXT_CONTENT_TYPE,
    gzip: false,
    delayMs: 0,
    hang: false,
    reset: false,
    trickleBytes: 0,
    trickleMs: 0,
    ...init,
  };
  const requests: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const answer = (res: ServerResponse, cur: Behaviour) => {
    let body = typeof cur.body === 'string' ? Buffer.from(cur.body) : Buffer.from(cur.body);
    const headers: Record<string, string> = {};
    if (cur.contentType !== undefined) headers['content-type'] = cur.contentType;
    if (cur.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    res.writeHead(cur.status, headers);
    if (cur.trickleBytes <= 0) {
      res.end(body);
      return;
    }
    let off = 0;
    const step = () => {
      if (res.destroyed) return;
      if (off >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(off, off + cur.trickleBytes));
      off += cur.trickleBytes;
      later(cur.trickleMs, step);
    };
    step();
  };
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    paths.push(req.url ?? '');
    const cur = b;
    if (cur.reset) {
      req.socket.destroy();
      return;
    }
    if (cur.hang) return;
    if (cur.delayMs > 0) later(cur.delayMs, () => answer(res, cur));
    else answer(res, cur);
  });
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    address: `127.0.0.1:${port}`,
    requests,
    paths,
    connections: () => connections,
    set(nb) {
      b = { ...b, ...nb };
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
