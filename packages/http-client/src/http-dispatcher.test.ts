// The client sets no idle limit of its own on a response: a Kubernetes watch or a Consul blocking
// query may send nothing for minutes, and Go's transport would keep waiting. undici's default
// (300 s between body bytes) is checked by advancing undici's own clock, so the test waits for no
// real 5 minutes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { DefaultHTTPClientConfig } from '@tsprom/config';
import { expect, it } from 'vitest';
import { HTTPClient } from './http-client.js';

// undici's coarse timers (the ones behind headersTimeout and bodyTimeout) have a test hook that
// moves their clock forward.
const require = createRequire(import.meta.url);
const undiciTimers = require(require.resolve('undici').replace(/index\.js$/, 'lib/util/timers.js')) as {
  tick(ms: number): void;
};

it('keeps waiting on a response whose body stays silent past undici 300 s default', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders(); // Headers, then silence, as a watch on a quiet resource.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = await HTTPClient.create(DefaultHTTPClientConfig);
  const ac = new AbortController();
  try {
    const res = await client.request(`http://127.0.0.1:${port}/watch`, { signal: ac.signal });
    const reader = res.body[Symbol.asyncIterator]();
    let outcome: unknown = 'pending';
    reader.next().then(
      (v) => {
        outcome = v;
      },
      (e) => {
        outcome = e;
      },
    );
    // Let undici arm its idle timer for the body, then move its clock 10 minutes on.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let i = 0; i < 600; i++) undiciTimers.tick(1000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outcome).toBe('pending');
  } finally {
    ac.abort();
    await client.close().catch(() => undefined);
    server.closeAllConnections();
    server.close();
  }
});
