// Test helper: a small Consul agent on 127.0.0.1 (a port of the system's choosing) speaking the
// parts of Consul's HTTP API that consul_sd uses, with their JSON shapes (Consul API reference:
// /v1/agent/self, /v1/catalog/services, /v1/health/service/:service), blocking queries included:
// a request with `index` at or past the current X-Consul-Index waits for a change or its `wait`.
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One instance of a service: a /v1/health/service entry (Node, Service, Checks). */
export interface ConsulEntry {
  readonly Node: {
    Node: string;
    Address: string;
    Datacenter: string;
    TaggedAddresses?: Record<string, string>;
    Meta?: Record<string, string>;
  };
  readonly Service: {
    ID: string;
    Service: string;
    Tags: string[];
    Address: string;
    Port: number;
    Meta?: Record<string, string>;
    Namespace?: string;
    Partition?: string;
  };
  readonly Checks: { CheckID: string; Status: string }[];
}

/** A running fake agent. */
export interface ConsulServer {
  /** `127.0.0.1:<port>`, the `server` of a consul_sd_configs entry. */
  readonly address: string;
  /** Replaces the instances of `service` (none: the service is deregistered). */
  setService(service: string, entries: readonly ConsulEntry[]): void;
  /** Answers 500 to every request while set. */
  failing: boolean;
  /** Requests received, with their path and query. */
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

/** Starts the agent; with `tls` (a PEM certificate and key) it speaks HTTPS. */
export async function startConsulServer(
  datacenter = 'dc1',
  tls?: { readonly cert: string; readonly key: string },
): Promise<ConsulServer> {
  const services = new Map<string, readonly ConsulEntry[]>();
  let index = 1;
  const waiters = new Set<() => void>();
  const requests: ConsulServer['requests'] = [];
  const state = { failing: false };
  const serve = (h: RequestListener): Server => (tls === undefined ? createServer(h) : createHttpsServer(tls, h));
  const server: Server = serve(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    if (state.failing) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('rpc error: No cluster leader');
      return;
    }
    const want = Number(url.searchParams.get('index') ?? '0');
    if (want >= index) {
      const waitS = Number((url.searchParams.get('wait') ?? '300s').replace(/s$/, ''));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, waitS * 1000);
        waiters.add(done);
        req.once('close', done);
      });
      if (res.destroyed) return;
    }
    let body: unknown;
    if (url.pathname === '/v1/agent/self') body = { Config: { Datacenter: datacenter, NodeName: 'agent-1' } };
    else if (url.pathname === '/v1/catalog/services') {
      body = Object.fromEntries(
        [...services]
          .filter(([, e]) => e.length > 0)
          .map(([name, e]) => [name, [...new Set(e.flatMap((x) => x.Service.Tags))]]),
      );
    } else if (url.pathname.startsWith('/v1/health/service/')) {
      const name = decodeURIComponent(url.pathname.slice('/v1/health/service/'.length));
      const tags = url.searchParams.getAll('tag');
      body = (services.get(name) ?? []).filter((e) => tags.every((t) => e.Service.Tags.includes(t)));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Consul-Index': String(index) });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    setService(service, entries) {
      services.set(service, entries);
      index++;
      for (const w of [...waiters]) w();
    },
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of [...waiters]) w();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
