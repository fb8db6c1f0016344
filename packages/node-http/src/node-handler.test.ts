import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHandler } from './node-handler.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('nodeHandler', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    // Echoes what the fetch-style handler received: method, path, query and body.
    const echo = nodeHandler(async (req) => {
      const url = new URL(req.url);
      const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
      return new Response(JSON.stringify({ method: req.method, path: url.pathname, q: url.search, body: text }), {
        headers: { 'Content-Type': 'application/json' },
      });
    });
    server = createServer((req, res) => {
      echo(req, res, () => {
        seen.push(req.url ?? '');
        res.writeHead(418);
        res.end('next');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('hands requests under the prefix to the handler, the body streamed in', async () => {
    const a = await send(port, 'POST', '/api/v1/query?x=1', 'query=up', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body.toString())).toEqual({
      method: 'POST',
      path: '/api/v1/query',
      q: '?x=1',
      body: 'query=up',
    });
    expect(a.headers['content-length']).toBe(String(a.body.length));
  });

  it('passes other paths to next', async () => {
    const a = await send(port, 'GET', '/other');
    expect(a.status).toBe(418);
    expect(a.body.toString()).toBe('next');
    expect(seen).toContain('/other');
  });

  it('answers 404 outside the prefix without next', async () => {
    const alone = createServer(nodeHandler(async () => new Response('never')));
    await new Promise<void>((r) => alone.listen(0, '127.0.0.1', r));
    try {
      const a = await send((alone.address() as AddressInfo).port, 'GET', '/metrics');
      expect(a.status).toBe(404);
      expect(a.body.toString()).toBe('404 page not found\n');
    } finally {
      await new Promise((r) => alone.close(r));
    }
  });

  it('compresses as Accept-Encoding asks, and HEAD gets no body', async () => {
    const a = await send(port, 'GET', '/api/v1/labels', undefined, { 'Accept-Encoding': 'gzip' });
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(a.body).toString()).path).toBe('/api/v1/labels');
    const h = await send(port, 'HEAD', '/api/v1/labels');
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
  });

  it('answers 500 when the handler fails, and reports it', async () => {
    const errors: unknown[] = [];
    const failing = createServer(
      nodeHandler(async () => Promise.reject(new Error('boom')), { onError: (err) => errors.push(err) }),
    );
    await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
    try {
      const a = await send((failing.address() as AddressInfo).port, 'GET', '/api/v1/query');
      expect(a.status).toBe(500);
      expect((errors[0] as Error).message).toBe('boom');
    } finally {
      await new Promise((r) => failing.close(r));
    }
  });
});
