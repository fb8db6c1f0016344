// `#docker-client` under Node: one request to the Docker daemon with node:http (a Unix socket's
// path, or TCP) or node:https, as Docker's Go client reaches `host`.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DockerRequest, DockerResponse } from './docker-sd-fields.js';

/** Sends `req` and reads the whole answer; rejects on a transport failure or when `signal` aborts. */
export function dockerRequest(req: DockerRequest, signal: AbortSignal): Promise<DockerResponse> {
  const { host } = req;
  return new Promise((resolve, reject) => {
    const send = host.proto === 'https' ? httpsRequest : httpRequest;
    const [hostname, port] = splitHostPort(host.addr);
    const r = send(
      {
        method: req.method,
        path: req.path,
        headers: { ...req.headers, Host: host.proto === 'unix' ? 'api.moby.localhost' : host.addr },
        signal,
        ...(host.proto === 'unix' ? { socketPath: host.addr } : { hostname, port }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => headerValue(res.headers, name),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    r.on('error', reject);
    r.end();
  });
}

function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** `host:port` or `[v6]:port` into the name node:http dials and its port (default 80). */
function splitHostPort(addr: string): [string, number | undefined] {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr) ?? /^([^:]*)(?::(\d+))?$/.exec(addr);
  if (m === null) return [addr, undefined];
  return [m[1]!, m[2] === undefined ? undefined : Number(m[2])];
}
