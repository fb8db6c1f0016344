// `#docker-client` where there is no node:http (browsers, workers): an `http://`, `https://` or
// `tcp://` daemon is reached with fetch; a Unix socket cannot be.
import type { DockerRequest, DockerResponse } from './docker-sd-fields.js';

/** Sends `req` with fetch; a `unix://` host fails clearly. */
export async function dockerRequest(req: DockerRequest, signal: AbortSignal): Promise<DockerResponse> {
  const { host } = req;
  if (host.proto === 'unix')
    throw new Error('docker_sd_configs with a unix:// host needs node:http: it runs under Node only');
  const res = await fetch(`${host.proto}://${host.addr}${req.path}`, {
    method: req.method,
    headers: req.headers,
    redirect: 'manual',
    signal,
  });
  const body = await res.text();
  return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, body };
}
