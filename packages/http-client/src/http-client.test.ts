// The HTTP client settings of a scrape config (loaded from prometheus.yml text), against real
// servers on 127.0.0.1: authentication, custom headers, TLS (certificates made by openssl),
// redirects, a forward proxy, OAuth2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  request as httpRequest,
  type Server,
} from 'node:http';
import { createSecureServer as createHttp2Server } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tsprom/config';
import { makeTestCerts, type TestCerts } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPClient } from './http-client.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsprom-http-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A server answering `a 1` and recording each request. */
function recordingServer(
  seen: IncomingMessage[],
  make: (handler: RequestListener) => Server = (h) => createHttpServer(h),
): Server {
  return make((req, res) => {
    seen.push(req);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('a 1\n');
  });
}

/** GETs `<scheme>://address/metrics` once with the client of the first job of `yaml`. */
async function scrapeWith(yaml: string, address: string): Promise<{ body: string; status?: number; error?: Error }> {
  const cfg = loadConfig(yaml, { baseDir: dir }).scrapeConfigs[0]!;
  const client = await HTTPClient.create(cfg.httpClientConfig);
  try {
    const res = await client.request(`${cfg.scheme}://${address}/metrics`, {
      headers: { accept: 'text/plain' },
      signal: AbortSignal.timeout(10_000),
    });
    return { body: await res.body.text(), status: res.statusCode };
  } catch (err) {
    return { body: '', error: err as Error };
  } finally {
    await client.close();
  }
}

describe('authentication and headers', () => {
  it('basic_auth with a password file (trimmed), read at every request', async () => {
    const seen: IncomingMessage[] = [];
    const srv = recordingServer(seen);
    const addr = await listen(srv);
    writeFileSync(join(dir, 'pw'), 's3cret\n');
    const yaml = 'scrape_configs:\n  - job_name: j\n    basic_auth:\n      username: u\n      password_file: pw\n';
    expect((await scrapeWith(yaml, addr)).body).toBe('a 1\n');
    writeFileSync(join(dir, 'pw'), 'rotated');
    await scrapeWith(yaml, addr);
    expect(seen.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('u:s3cret').toString('base64')}`,
      `Basic ${Buffer.from('u:rotated').toString('base64')}`,
    ]);
    await close(srv);
  });

  it('bearer_token, authorization with credentials_file, and http_headers', async () => {
    const seen: IncomingMessage[] = [];
    const srv = recordingServer(seen);
    const addr = await listen(srv);
    writeFileSync(join(dir, 'tok'), 'filetoken\n');
    writeFileSync(join(dir, 'hdr'), 'from-file\n');
    await scrapeWith('scrape_configs:\n  - job_name: j\n    bearer_token: abc\n', addr);
    await scrapeWith(
      'scrape_configs:\n  - job_name: j\n    authorization:\n      type: Custom\n      credentials_file: tok\n    http_headers:\n      X-Team:\n        values: [a, b]\n        files: [hdr]\n',
      addr,
    );
    expect(seen[0]!.headers.authorization).toBe('Bearer abc');
    expect(seen[1]!.headers.authorization).toBe('Custom filetoken');
    expect(seen[1]!.headers['x-team']).toBe('a, b, from-file');
    await close(srv);
  });

  it('oauth2 client credentials: a token fetched once, sent as bearer token', async () => {
    const tokenRequests: { auth: string | undefined; body: string }[] = [];
    const tokenSrv = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += String(d);
      });
      req.on('end', () => {
        tokenRequests.push({ auth: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    const tokenAddr = await listen(tokenSrv);
    const seen: IncomingMessage[] = [];
    const srv = recordingServer(seen);
    const addr = await listen(srv);
    const yaml = `scrape_configs:\n  - job_name: j\n    oauth2:\n      client_id: id\n      client_secret: sec\n      scopes: [s1, s2]\n      token_url: http://${tokenAddr}/token\n      endpoint_params:\n        aud: x\n`;
    const cfg = loadConfig(yaml).scrapeConfigs[0]!;
    const client = await HTTPClient.create(cfg.httpClientConfig);
    expect(await client.requestHeaders()).toEqual({ authorization: 'Bearer tok-1' });
    expect(await client.requestHeaders()).toEqual({ authorization: 'Bearer tok-1' });
    await client.close();
    expect(tokenRequests).toHaveLength(1);
    expect((await scrapeWith(yaml, addr)).body).toBe('a 1\n');
    expect(seen[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(tokenRequests[0]!.auth).toBe(`Basic ${Buffer.from('id:sec').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(tokenRequests[0]!.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 's1 s2',
      aud: 'x',
    });
    await close(srv);
    await close(tokenSrv);
  });
});

describe('redirects', () => {
  it('follows redirects by default; with follow_redirects: false a 302 is the answer', async () => {
    const seen: IncomingMessage[] = [];
    const srv = createHttpServer((req, res) => {
      seen.push(req);
      if (req.url === '/metrics') {
        res.writeHead(302, { location: '/real' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('a 1\n');
    });
    const addr = await listen(srv);
    expect((await scrapeWith('scrape_configs:\n  - job_name: j\n', addr)).body).toBe('a 1\n');
    const r = await scrapeWith('scrape_configs:\n  - job_name: j\n    follow_redirects: false\n', addr);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(302);
    await close(srv);
  });
});

describe('proxy', () => {
  it('proxy_url: plain-HTTP scrapes go through the proxy with an absolute URL; no_proxy bypasses it', async () => {
    const proxied: string[] = [];
    const proxy = createHttpServer((req, res) => {
      proxied.push(req.url ?? '');
      const up = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    const proxyAddr = await listen(proxy);
    const seen: IncomingMessage[] = [];
    const srv = recordingServer(seen);
    const addr = await listen(srv);
    const r = await scrapeWith(`scrape_configs:\n  - job_name: j\n    proxy_url: http://${proxyAddr}\n`, addr);
    expect(r.body).toBe('a 1\n');
    expect(proxied).toEqual([`http://${addr}/metrics`]);
    await scrapeWith(
      `scrape_configs:\n  - job_name: j\n    proxy_url: http://${proxyAddr}\n    no_proxy: 127.0.0.1\n`,
      addr,
    );
    expect(proxied).toHaveLength(1);
    expect(seen).toHaveLength(2);
    await close(srv);
    await close(proxy);
  });
});

describe('TLS', () => {
  let certs: TestCerts | undefined;
  beforeAll(() => {
    certs = makeTestCerts(dir, ['metrics.test']);
  });

  it('verifies the server with ca_file; fails without it; insecure_skip_verify accepts it', async ({ skip }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const seen: IncomingMessage[] = [];
    const srv = recordingServer(seen, (handler) =>
      createHttpsServer({ cert: readFileSync(certs!.certFile), key: readFileSync(certs!.keyFile) }, handler),
    );
    const addr = await listen(srv);
    const ok = await scrapeWith(
      `scrape_configs:\n  - job_name: j\n    scheme: https\n    tls_config:\n      ca_file: ${certs.caFile}\n`,
      addr,
    );
    expect(ok.error).toBeUndefined();
    expect(ok.body).toBe('a 1\n');
    const sni = await scrapeWith(
      `scrape_configs:\n  - job_name: j\n    scheme: https\n    tls_config:\n      ca_file: ${certs.caFile}\n      server_name: metrics.test\n`,
      addr,
    );
    expect(sni.error).toBeUndefined();
    const bad = await scrapeWith('scrape_configs:\n  - job_name: j\n    scheme: https\n', addr);
    expect(bad.error).toBeInstanceOf(Error);
    expect(bad.error?.message).toMatch(/certificate/);
    const insecure = await scrapeWith(
      'scrape_configs:\n  - job_name: j\n    scheme: https\n    tls_config:\n      insecure_skip_verify: true\n',
      addr,
    );
    expect(insecure.body).toBe('a 1\n');
    await close(srv);
  });

  it('enable_http2 (the default) scrapes an HTTPS target over HTTP/2; enable_http2: false over HTTP/1.1', async ({
    skip,
  }) => {
    if (certs === undefined) return skip('openssl is not installed');
    const versions: string[] = [];
    const srv = createHttp2Server(
      { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile), allowHTTP1: true },
      (req, res) => {
        versions.push(req.httpVersion);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end('a 1\n');
      },
    );
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const addr = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      const tls = `    scheme: https\n    tls_config:\n      ca_file: ${certs.caFile}\n`;
      const h2 = await scrapeWith(`scrape_configs:\n  - job_name: j\n${tls}`, addr);
      expect(h2.error).toBeUndefined();
      expect(h2.body).toBe('a 1\n');
      const h1 = await scrapeWith(`scrape_configs:\n  - job_name: j\n    enable_http2: false\n${tls}`, addr);
      expect(h1.error).toBeUndefined();
      expect(h1.body).toBe('a 1\n');
      expect(versions).toEqual(['2.0', '1.1']);
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });
});
