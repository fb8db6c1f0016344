// A local HTTP server that records what is posted to it, standing in for the receiving end in
// tests that are not about Alertmanager itself (the interop tests use the real one). Listens on
// 127.0.0.1 port 0. Test helper, not part of the API.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received. */
export interface SinkRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
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

export async function startAlertSink(): Promise<AlertSink> {
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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sink.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = () => {
        res.statusCode = sink.status;
        res.end();
      };
      if (sink.hold) held.push(answer);
      else answer();
      check();
    });
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}
