// A local HTTP server that records what is posted to it, standing in for the receiving end in
// tests that are not about Alertmanager itself (the interop tests use the real one). Listens on
// 127.0.0.1 port 0. Test helper, not part of the API.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Server, Socket } from 'node:net';

/** One request the sink received. */
export interface SinkRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `1.1` or `2.0`. */
  readonly httpVersion: string;
}

/** A running sink. */
export interface AlertSink {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly requests: SinkRequest[];
  /** The status answered from now on (default 200). */
  status: number;
  /**
   * While true, requests are held unanswered until {@link release} (or {@link close}): a slow
   * Alertmanager without any sleep.
   */
  hold: boolean;
  /** Answers every held request with the current status. */
  release(): void;
  /** Resolves once `n` requests have arrived (counting those already there). */
  received(n: number): Promise<void>;
  /** Resolves once `n` requests are being held. */
  holding(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a sink; with `tls` (PEM certificate and key) it serves HTTPS, offering HTTP/2 and
 * HTTP/1.1 by ALPN.
 */
export async function startAlertSink(tls?: { cert: string; key: string }): Promise<AlertSink> {
  const held: (() => void)[] = [];
  const waiters: { cond: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.cond()) {
        waiters[i]!.resolve();
        waiters.splice(i, 1);
      }
    }
  };
  const waitUntil = (cond: () => boolean) =>
    new Promise<void>((resolve) => {
      if (cond()) resolve();
      else waiters.push({ cond, resolve });
    });
  const handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sink.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        httpVersion: req.httpVersion,
      });
      const answer = () => {
        res.statusCode = sink.status;
        res.end();
      };
      if (sink.hold) held.push(answer);
      else answer();
      check();
    });
  };
  const server: Server =
    tls === undefined ? createServer(handler) : createSecureServer({ ...tls, allowHTTP1: true }, handler);
  const sockets = new Set<Socket>();
  server.on(tls === undefined ? 'connection' : 'secureConnection', (sock: Socket) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sink: AlertSink = {
    address: `127.0.0.1:${port}`,
    requests: [],
    status: 200,
    hold: false,
    release() {
      for (const a of held.splice(0)) a();
    },
    received: (n) => waitUntil(() => sink.requests.length >= n),
    holding: (n) => waitUntil(() => held.length >= n),
    async close() {
      sink.release();
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}
