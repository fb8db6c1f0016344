// Test helper: a small Docker daemon, on 127.0.0.1 (a port of the system's choosing) or on a Unix
// socket, speaking the parts of the Docker Engine API that docker_sd uses, with their JSON shapes
// (Engine API reference: GET/HEAD /_ping with its `API-Version` header, GET /containers/json with
// its `filters` (`label`, `name`, `id`), GET /networks), under any `/v<version>` prefix.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DockerContainer, DockerNetwork } from '../docker-discovery.js';

/** The API version the fake daemon reports. */
export const FAKE_DAEMON_API_VERSION = '1.43';

/** A running fake daemon. */
export interface DockerDaemon {
  /** `tcp://127.0.0.1:<port>` or `unix://<path>`, the `host` of a docker_sd_configs entry. */
  readonly host: string;
  /** The running containers /containers/json lists (before filters). */
  containers: DockerContainer[];
  networks: DockerNetwork[];
  /** Answers 500 to every API request (not /_ping) while set. */
  failing: boolean;
  /** Requests received: method, path (version prefix kept) and query. */
  readonly requests: { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[];
  /** Stops listening (the daemon is then unreachable) until {@link listen} again. */
  close(): Promise<void>;
  /** Listens again at the same Unix socket path (a TCP daemon gets a new port: see `host`). */
  listen(): Promise<void>;
}

/**
 * Starts a fake daemon on `socketPath`, or on 127.0.0.1 when it is undefined; with `tls` (a PEM
 * certificate and key) it speaks HTTPS on 127.0.0.1 (host `https://127.0.0.1:<port>`).
 */
export async function startDockerDaemon(
  socketPath?: string,
  tls?: { readonly cert: string; readonly key: string },
): Promise<DockerDaemon> {
  const requests: DockerDaemon['requests'] = [];
  let server: Server | undefined;
  let host = '';
  const d: DockerDaemon = {
    get host() {
      return host;
    },
    containers: [],
    networks: [],
    failing: false,
    requests,
    async close() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async listen() {
      const handler = (req: IncomingMessage, res: ServerResponse) => serve(d, req, res);
      const s: Server = tls === undefined ? createServer(handler) : createHttpsServer(tls, handler);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        if (socketPath !== undefined) s.listen(socketPath, resolve);
        else s.listen(0, '127.0.0.1', resolve);
      });
      server = s;
      const port = (s.address() as AddressInfo | null)?.port;
      host =
        socketPath !== undefined
          ? `unix://${socketPath}`
          : `${tls === undefined ? 'tcp' : 'https'}://127.0.0.1:${port}`;
    },
  };
  await d.listen();
  return d;
}

function serve(d: DockerDaemon, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  d.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
  if (url.pathname === '/_ping') {
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Api-Version': FAKE_DAEMON_API_VERSION,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
    });
    res.end(req.method === 'HEAD' ? undefined : 'OK');
    return;
  }
  const [status, value] = answer(d, req.method ?? '', url);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': FAKE_DAEMON_API_VERSION });
  res.end(JSON.stringify(value));
}

/** The status and JSON body of an API request (errors as Docker writes them: `{message}`). */
function answer(d: DockerDaemon, method: string, url: URL): [number, unknown] {
  const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
  if (d.failing) return [500, { message: 'Cannot connect to the containerd socket' }];
  if (method !== 'GET') return [405, { message: 'method not allowed' }];
  if (path === '/networks') return [200, d.networks];
  if (path !== '/containers/json') return [404, { message: 'page not found' }];
  let filters: Record<string, Record<string, boolean>> = {};
  const raw = url.searchParams.get('filters');
  if (raw !== null) {
    try {
      filters = JSON.parse(raw) as typeof filters;
    } catch {
      return [400, { message: `invalid filter '${raw}'` }];
    }
  }
  for (const k of Object.keys(filters)) {
    if (k !== 'label' && k !== 'name' && k !== 'id') return [400, { message: `invalid filter '${k}'` }];
  }
  return [200, d.containers.filter((c) => matches(c, filters))];
}

/** Docker's container list filters: every filter name must match one of its values. */
function matches(c: DockerContainer, filters: Record<string, Record<string, boolean>>): boolean {
  for (const [name, values] of Object.entries(filters)) {
    const vs = Object.keys(values);
    const ok = vs.some((v) => {
      if (name === 'id') return c.Id.startsWith(v);
      if (name === 'name') return (c.Names ?? []).some((n) => n.replace(/^\//, '').includes(v.replace(/^\//, '')));
      const eq = v.indexOf('=');
      const labels = c.Labels ?? {};
      return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
    });
    if (!ok) return false;
  }
  return true;
}
