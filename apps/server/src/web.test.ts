// The HTTP side's handing of request bodies to the remote endpoints: the whole body, whether it
// came with a Content-Length (read into one buffer it owns) or chunked, in one piece or many.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RemoteRequest } from '@tsprom/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLogger } from './logger.js';
import { WebHandler } from './web.js';

const seen: RemoteRequest[] = [];
/** What the remote read endpoint does with its request (a test sets it). */
let onRead: (req: RemoteRequest) => Promise<void> = async () => undefined;
let web: WebHandler;
let addr: AddressInfo;

beforeAll(async () => {
  web = new WebHandler({
    api: async () => new Response('', { status: 404 }),
    federate: async () => new Response('', { status: 404 }),
    routePrefix: '',
    enableLifecycle: false,
    isReady: () => true,
    metricsText: () => '',
    reload: async () => undefined,
    quit: () => undefined,
    logger: newLogger('error', 'logfmt', () => undefined),
    readTimeoutMs: 30_000,
    maxConnections: 10,
    remote: {
      read: async (req) => {
        await onRead(req);
        return { status: 404, headers: {} };
      },
      write: async (req) => {
        seen.push(req);
        return { status: 204, headers: {} };
      },
      otlp: undefined,
    },
  });
  addr = await web.listen('127.0.0.1', 0);
});
afterAll(async () => {
  await web.close();
});

/** POSTs `parts` to `path` (written one by one), with a Content-Length or chunked. */
function post(parts: Uint8Array[], contentLength: boolean, path = '/api/v1/write'): Promise<number> {
  const n = parts.reduce((a, p) => a + p.length, 0);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: addr.address,
        port: addr.port,
        method: 'POST',
        path,
        headers: contentLength ? { 'Content-Length': String(n) } : { 'Transfer-Encoding': 'chunked' },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });
}

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('WebHandler request bodies', () => {
  it.each([
    ['a small body with its length', [bytes(100, 1)], true],
    ['a large body with its length (many reads)', [bytes(300_000, 2), bytes(500_000, 3)], true],
    ['a body of exactly the first buffer, then one byte more', [bytes(65_536, 7), bytes(1, 8)], true],
    ['a chunked body', [bytes(1000, 4), bytes(70_000, 5), bytes(3, 6)], false],
    ['an empty body', [], true],
  ] as const)('hands over %s whole', async (_what, parts, contentLength) => {
    seen.length = 0;
    expect(await post([...parts], contentLength)).toBe(204);
    expect(seen).toHaveLength(1);
    const body = seen[0]!.body;
    const want = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      want.set(p, at);
      at += p.length;
    }
    expect(Buffer.from(body.buffer, body.byteOffset, body.byteLength).equals(want)).toBe(true);
    // With a Content-Length, the body owns its buffer (a receive worker takes it without a copy).
    if (contentLength && want.length > 0) expect(body.byteLength).toBe(body.buffer.byteLength);
  });
});

describe('WebHandler request bodies cut short', () => {
  it('hands nothing over when the client goes away before its declared length, and serves the next', async () => {
    seen.length = 0;
    await new Promise<void>((resolve) => {
      const req = request({
        host: addr.address,
        port: addr.port,
        method: 'POST',
        path: '/api/v1/write',
        headers: { 'Content-Length': String(16 * 1024 * 1024) },
      });
      req.once('error', () => resolve());
      req.once('close', () => resolve());
      req.write(bytes(10, 9), () => req.destroy());
    });
    expect(await post([bytes(20, 10)], true)).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.byteLength).toBe(20);
  });
});

describe('WebHandler remote endpoints', () => {
  it.each([
    '/api/v1/write?x=1',
    '/api/v1/./write',
    '/api/v1/write#f',
  ])('serves the write endpoint at %s as at its plain path', async (path) => {
    seen.length = 0;
    expect(await post([bytes(5, 11)], true, path)).toBe(204);
    expect(seen).toHaveLength(1);
  });

  it('aborts the signal of a request whose client went away, whether asked for before or after', async () => {
    for (const early of [true, false]) {
      let aborted: boolean | undefined;
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      let gone!: () => void;
      const clientGone = new Promise<void>((resolve) => {
        gone = resolve;
      });
      onRead = async (req) => {
        const signal = early ? req.signal : undefined;
        started();
        await clientGone;
        // The server sees the close a little after the client: wait for it.
        const s = signal ?? req.signal;
        if (!s!.aborted) await new Promise((resolve) => s!.addEventListener('abort', resolve, { once: true }));
        aborted = s!.aborted;
      };
      const req = request({ host: addr.address, port: addr.port, method: 'POST', path: '/api/v1/read' });
      req.once('error', () => undefined);
      req.end(bytes(3, 12));
      await running;
      req.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gone();
      await expect.poll(() => aborted).toBe(true);
    }
    onRead = async () => undefined;
  });
});
