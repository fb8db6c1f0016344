// Test helper: a small Kubernetes API server on 127.0.0.1 (a port of the system's choosing)
// speaking the JSON API kubernetes_sd uses, shaped as the Kubernetes API reference describes it:
// `GET /api/v1[/namespaces/<ns>]/<resource>` (and /apis/discovery.k8s.io/v1, networking.k8s.io/v1)
// answers a `<Kind>List` with `metadata.resourceVersion` and `items`, paged by `limit`/`continue`;
// with `watch=true` it streams newline-delimited `{"type":"ADDED|MODIFIED|DELETED","object":…}`
// events after `resourceVersion`, until `timeoutSeconds`; an expired resourceVersion gets an
// ERROR event with a 410 Status. `labelSelector` (`k=v`, `k!=v`, `k`, `!k`) and `fieldSelector`
// (`metadata.name`, `metadata.namespace`, `spec.nodeName`; `=`, `!=`) filter. `/version` answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A Kubernetes object as JSON. */
export type KubeJSON = {
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** The collections served, with their group version and list kind. */
const RESOURCES: Record<string, { prefix: string; kind: string; namespaced: boolean }> = {
  pods: { prefix: '/api/v1', kind: 'PodList', namespaced: true },
  services: { prefix: '/api/v1', kind: 'ServiceList', namespaced: true },
  endpoints: { prefix: '/api/v1', kind: 'EndpointsList', namespaced: true },
  nodes: { prefix: '/api/v1', kind: 'NodeList', namespaced: false },
  namespaces: { prefix: '/api/v1', kind: 'NamespaceList', namespaced: false },
  endpointslices: { prefix: '/apis/discovery.k8s.io/v1', kind: 'EndpointSliceList', namespaced: true },
  ingresses: { prefix: '/apis/networking.k8s.io/v1', kind: 'IngressList', namespaced: true },
};

interface Event {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeJSON;
}

interface Watcher {
  resource: string;
  namespace: string;
  match: (o: KubeJSON) => boolean;
  res: ServerResponse;
}

/** A running fake API server. */
export interface KubernetesServer {
  /** `http://127.0.0.1:<port>` (https with TLS), the `api_server` of a kubernetes_sd_configs entry. */
  readonly url: string;
  /** Adds or replaces an object of `resource` (`pods`, `endpointslices`…): an ADDED or MODIFIED event. */
  apply(resource: string, object: KubeJSON): void;
  /** Deletes an object: a DELETED event. */
  remove(resource: string, namespace: string, name: string): void;
  /**
   * Forgets the history: watches end with an ERROR 410 event, and watching from an older
   * resourceVersion is refused. `change` runs first with no events sent: only a relist sees it.
   */
  expire(change?: () => void): void;
  /** Answers 503 to every request and drops open watches while set. */
  failing: boolean;
  /** Requests received: path and query. */
  readonly requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

function selectorMatches(sel: string, get: (k: string) => string | undefined): boolean {
  for (const raw of sel.split(',')) {
    const r = raw.trim();
    if (r === '') continue;
    const ne = /^([^!=]+)!=(.*)$/.exec(r);
    const eq = /^([^!=]+)==?(.*)$/.exec(r);
    if (ne !== null) {
      if (get(ne[1]!.trim()) === ne[2]!.trim()) return false;
    } else if (eq !== null) {
      if (get(eq[1]!.trim()) !== eq[2]!.trim()) return false;
    } else if (r.startsWith('!')) {
      if (get(r.slice(1).trim()) !== undefined) return false;
    } else if (get(r) === undefined) return false;
  }
  return true;
}

function matcher(q: URLSearchParams): (o: KubeJSON) => boolean {
  const label = q.get('labelSelector') ?? '';
  const field = q.get('fieldSelector') ?? '';
  return (o) => {
    const labels = (o.metadata.labels ?? {}) as Record<string, string>;
    if (!selectorMatches(label, (k) => labels[k])) return false;
    return selectorMatches(field, (k) => {
      if (k === 'metadata.name') return o.metadata.name;
      if (k === 'metadata.namespace') return o.metadata.namespace ?? '';
      if (k === 'spec.nodeName') return ((o.spec ?? {}) as { nodeName?: string }).nodeName ?? '';
      return undefined;
    });
  };
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

/** Starts the server; with `tls` it speaks https with that certificate. */
export async function startKubernetesServer(tls?: { cert: string; key: string }): Promise<KubernetesServer> {
  const objects = new Map<string, Map<string, KubeJSON>>(); // resource → ns/name → object
  const history: Event[] = [];
  let rv = 100;
  let oldest = 0; // Watches from a resourceVersion below this are refused (410).
  const watchers = new Set<Watcher>();
  const requests: KubernetesServer['requests'] = [];
  const state = { failing: false };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (state.failing)
      return json(503, status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
    if (url.pathname === '/version') {
      return json(200, { major: '1', minor: '29', gitVersion: 'v1.29.0', platform: 'linux/amd64' });
    }
    const m = /^(\/api\/v1|\/apis\/[^/]+\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(url.pathname);
    const r = m === null ? undefined : RESOURCES[m[3]!];
    if (m === null || r === undefined || r.prefix !== m[1]) {
      return json(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const resource = m[3]!;
    const ns = m[2] === undefined ? '' : decodeURIComponent(m[2]);
    const match = matcher(url.searchParams);
    const inScope = (o: KubeJSON) => (ns === '' || o.metadata.namespace === ns) && match(o);
    if (url.searchParams.get('watch') === 'true') {
      const from = Number(url.searchParams.get('resourceVersion') ?? '0');
      if (from < oldest) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${oldest})`) })}\n`,
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      for (const e of history) {
        if (e.rv > from && e.resource === resource && inScope(e.object)) {
          res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
        }
      }
      const w: Watcher = { resource, namespace: ns, match, res };
      watchers.add(w);
      const timeout = setTimeout(() => res.end(), Number(url.searchParams.get('timeoutSeconds') ?? '600') * 1000);
      res.once('close', () => {
        clearTimeout(timeout);
        watchers.delete(w);
      });
      return;
    }
    const all = [...(objects.get(resource)?.values() ?? [])].filter(inScope);
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const start = Number(url.searchParams.get('continue') || '0');
    const page = limit > 0 ? all.slice(start, start + limit) : all;
    const next = limit > 0 && start + limit < all.length ? String(start + limit) : undefined;
    json(200, {
      kind: r.kind,
      apiVersion: m[1] === '/api/v1' ? 'v1' : m[1]!.slice('/apis/'.length),
      metadata: { resourceVersion: String(rv), ...(next === undefined ? {} : { continue: next }) },
      items: page,
    });
  };

  const server: Server = tls === undefined ? createServer(handler) : createHttpsServer(tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  let muted = false;
  const emit = (resource: string, type: Event['type'], object: KubeJSON) => {
    if (muted) return;
    const e: Event = { rv, resource, type, object };
    history.push(e);
    for (const w of watchers) {
      if (w.resource !== resource) continue;
      if (w.namespace !== '' && object.metadata.namespace !== w.namespace) continue;
      if (!w.match(object)) continue;
      w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  };
  const key = (ns: string | undefined, name: string) => (ns === undefined || ns === '' ? name : `${ns}/${name}`);

  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    apply(resource, object) {
      const m = objects.get(resource) ?? new Map<string, KubeJSON>();
      objects.set(resource, m);
      const k = key(object.metadata.namespace, object.metadata.name);
      const type = m.has(k) ? 'MODIFIED' : 'ADDED';
      rv++;
      const o = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
      m.set(k, o);
      emit(resource, type, o);
    },
    remove(resource, namespace, name) {
      const m = objects.get(resource);
      const k = key(namespace, name);
      const o = m?.get(k);
      if (o === undefined) return;
      m!.delete(k);
      rv++;
      emit(resource, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
    },
    expire(change) {
      muted = true;
      try {
        change?.();
      } finally {
        muted = false;
      }
      oldest = rv;
      history.length = 0;
      const ev = { type: 'ERROR', object: status(410, 'Expired', 'too old resource version') };
      for (const w of [...watchers]) w.res.end(`${JSON.stringify(ev)}\n`);
    },
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
      if (v) for (const w of [...watchers]) w.res.destroy();
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of [...watchers]) w.res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
