// Prometheus: discovery/kubernetes/kubernetes.go New (the rest.Config from api_server and the
// HTTP client options, from kubeconfig_file, or in cluster), with client-go's list and watch
// requests through @tsprom/http-client: lists are JSON `*List` objects paged with
// `limit`/`continue`, watches a stream of newline-delimited JSON events. Node only (loaded through
// `#kubernetes-discovery`).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { DefaultHTTPClientConfig, DefaultTLSConfig, type HTTPClientConfig, Secret } from '@tsprom/config';
import { HTTPClient } from '@tsprom/http-client';
import { parse as parseYAML } from 'yaml';
import type { KubernetesSDFields } from './kubernetes-sd-config.js';
import { KubernetesAPIError, ResourceExpiredError } from './kubernetes-errors.js';
import type { KubeList, WatchEvent } from './kubernetes-objects.js';

/** Where the service account's token, CA and namespace are mounted in a pod (rest.InClusterConfig). */
export const ServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach the API server: its URL, and the HTTP client (credentials, TLS) to use. */
export interface KubeConnection {
  readonly server: URL;
  /** The client's settings: the entry's `<http_config>`, or what the kubeconfig or the pod gives. */
  readonly http: HTTPClientConfig;
  /** The namespace of `own_namespace` (in cluster only). */
  readonly ownNamespace?: string | undefined;
}

/** Where the in-cluster configuration is read from; the real pod's by default (tests point elsewhere). */
export interface InClusterSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly serviceAccountDir: string;
}

const readText = (f: string) => readFileSync(f, 'utf8');

/** An answer of the API server, its body not read yet. */
type KubeResponse = Awaited<ReturnType<HTTPClient['request']>>;

const secret = (v: string): Secret | undefined => (v === '' ? undefined : new Secret(v));

/** The connection of a kubernetes_sd_configs entry. Throws when it cannot be made (no in-cluster environment, a bad kubeconfig). */
export function kubeConnection(f: KubernetesSDFields, inCluster: InClusterSource): KubeConnection {
  if (f.apiServer !== '') return { server: new URL(f.apiServer), http: f.http };
  if (f.kubeconfigFile !== '') return kubeconfigConnection(f.kubeconfigFile);
  // Prometheus rest.InClusterConfig: the service's address from the environment, the pod's token and CA.
  const host = inCluster.env.KUBERNETES_SERVICE_HOST ?? '';
  const port = inCluster.env.KUBERNETES_SERVICE_PORT ?? '';
  if (host === '' || port === '') {
    throw new Error(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  }
  const dir = inCluster.serviceAccountDir;
  const tokenFile = join(dir, 'token');
  readText(tokenFile); // Fails now, as client-go does, when the pod has no token.
  let ownNamespace: string | undefined;
  if (f.namespaces.ownNamespace) {
    try {
      ownNamespace = readText(join(dir, 'namespace')).trim();
    } catch (err) {
      throw new Error(`could not determine the pod's namespace: ${(err as Error).message}`, { cause: err });
    }
  }
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    // The token file is read at every request: the kubelet rotates it.
    http: {
      ...DefaultHTTPClientConfig,
      authorization: { type: 'Bearer', credentials: undefined, credentialsFile: tokenFile },
      tlsConfig: { ...DefaultTLSConfig, caFile: join(dir, 'ca.crt') },
    },
    ownNamespace,
  };
}

/** clientcmd.BuildConfigFromFlags("", file): the current context's cluster and user. */
function kubeconfigConnection(file: string): KubeConnection {
  const dir = dirname(file);
  const rel = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const doc = (parseYAML(readText(file)) ?? {}) as {
    'current-context'?: string;
    contexts?: { name?: string; context?: { cluster?: string; user?: string } }[];
    clusters?: { name?: string; cluster?: Record<string, unknown> }[];
    users?: { name?: string; user?: Record<string, unknown> }[];
  };
  const bad = (msg: string) => new Error(`kubeconfig ${file}: ${msg}`);
  const ctxName = doc['current-context'] ?? '';
  if (ctxName === '') throw bad('no current-context is set');
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (ctx === undefined) throw bad(`context "${ctxName}" does not exist`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (cluster === undefined) throw bad(`cluster "${ctx.cluster ?? ''}" does not exist`);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  const s = (o: Record<string, unknown>, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  for (const k of ['exec', 'auth-provider']) {
    if (user[k] !== undefined) throw bad(`user "${ctx.user ?? ''}": ${k} credentials are not supported by tsprom`);
  }
  const server = s(cluster, 'server');
  if (server === '') throw bad(`cluster "${ctx.cluster ?? ''}" has no server`);
  /** A `<key>-data` value (base64 PEM) as text, else the `<key>` file (relative to the kubeconfig). */
  const dataOrFile = (o: Record<string, unknown>, key: string): { data: string; file: string } => {
    const data = s(o, `${key}-data`);
    if (data !== '') return { data: Buffer.from(data, 'base64').toString('utf8'), file: '' };
    const f = s(o, key);
    return { data: '', file: f === '' ? '' : rel(f) };
  };
  const tokenFile = s(user, 'tokenFile');
  const token = s(user, 'token');
  const username = s(user, 'username');
  const password = s(user, 'password');
  const ca = dataOrFile(cluster, 'certificate-authority');
  const cert = dataOrFile(user, 'client-certificate');
  const key = dataOrFile(user, 'client-key');
  let http: HTTPClientConfig = {
    ...DefaultHTTPClientConfig,
    tlsConfig: {
      ...DefaultTLSConfig,
      ca: ca.data,
      caFile: ca.file,
      cert: cert.data,
      certFile: cert.file,
      key: secret(key.data),
      keyFile: key.file,
      serverName: s(cluster, 'tls-server-name'),
      insecureSkipVerify: cluster['insecure-skip-tls-verify'] === true,
    },
  };
  if (token !== '') {
    http = { ...http, authorization: { type: 'Bearer', credentials: secret(token), credentialsFile: '' } };
  } else if (tokenFile !== '') {
    http = { ...http, authorization: { type: 'Bearer', credentials: undefined, credentialsFile: rel(tokenFile) } };
  } else if (username !== '' || password !== '') {
    http = { ...http, basicAuth: { username, usernameFile: '', password: secret(password), passwordFile: '' } };
  }
  return { server: new URL(server), http };
}

/** What the discoverer needs of the API: lists and watches of a collection path. */
export interface KubeClient {
  /** One full list (every page). Throws {@link KubernetesAPIError} or a transport error. */
  list(path: string, query: URLSearchParams, signal: AbortSignal): Promise<KubeList>;
  /**
   * The events of a watch until the server ends it. Throws {@link ResourceExpiredError} when the
   * resourceVersion is too old, {@link KubernetesAPIError} or a transport error otherwise.
   */
  watch(path: string, query: URLSearchParams, signal: AbortSignal): AsyncIterable<WatchEvent>;
  /** Ends its connections, once the discoverer is done with it. */
  close?(): Promise<void>;
}

/** client-go's page size for lists. */
const LIST_PAGE = 500;
/** A list that takes longer than this has failed. */
const LIST_TIMEOUT_MS = 120_000;

/** A {@link KubeClient} over an {@link HTTPClient} made from the connection's settings (at the first request). */
export class HTTPKubeClient implements KubeClient {
  #client: Promise<HTTPClient> | undefined;

  constructor(
    readonly conn: KubeConnection,
    readonly userAgent = 'tsprom',
  ) {}

  /** Closes the client's connections. */
  async close(): Promise<void> {
    const p = this.#client;
    this.#client = undefined;
    const c = await p?.catch(() => undefined); // Its failure was reported by the request that made it.
    await c?.close();
  }

  async list(path: string, query: URLSearchParams, signal: AbortSignal): Promise<KubeList> {
    const items: NonNullable<KubeList['items']> = [];
    let first: KubeList | undefined;
    let cont = '';
    const s = AbortSignal.any([signal, AbortSignal.timeout(LIST_TIMEOUT_MS)]);
    do {
      const q = new URLSearchParams(query);
      q.set('limit', String(LIST_PAGE));
      if (cont !== '') q.set('continue', cont);
      const res = await this.#get(path, q, s);
      const body = await readAll(res);
      if (res.statusCode === 410) throw new ResourceExpiredError(`GET ${path}: 410 ${statusMessage(body)}`);
      if (res.statusCode !== 200) throw new KubernetesAPIError(res.statusCode, path, statusMessage(body));
      const page = JSON.parse(body) as KubeList;
      first ??= page;
      items.push(...(page.items ?? []));
      cont = page.metadata?.continue ?? '';
      if (cont === '') return { ...first, metadata: page.metadata, items };
    } while (!s.aborted);
    throw s.reason;
  }

  async *watch(path: string, query: URLSearchParams, signal: AbortSignal): AsyncIterable<WatchEvent> {
    const q = new URLSearchParams(query);
    q.set('watch', 'true');
    q.set('allowWatchBookmarks', 'true');
    const res = await this.#get(path, q, signal);
    if (res.statusCode !== 200) {
      const body = await readAll(res);
      if (res.statusCode === 410) throw new ResourceExpiredError(`GET ${path}: 410 ${statusMessage(body)}`);
      throw new KubernetesAPIError(res.statusCode, path, statusMessage(body));
    }
    res.body.setEncoding('utf8');
    let buf = '';
    for await (const chunk of res.body as AsyncIterable<string>) {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line !== '') yield JSON.parse(line) as WatchEvent;
        nl = buf.indexOf('\n');
      }
    }
    if (buf.trim() !== '') yield JSON.parse(buf) as WatchEvent;
  }

  async #get(path: string, query: URLSearchParams, signal: AbortSignal): Promise<KubeResponse> {
    const c = this.conn;
    const url = new URL(c.server);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = query.toString();
    if (this.#client === undefined) {
      const p = HTTPClient.create(c.http);
      this.#client = p;
      p.catch(() => {
        if (this.#client === p) this.#client = undefined; // Made again by the next request.
      });
    }
    const client = await this.#client;
    return client.request(url, { headers: { Accept: 'application/json', 'User-Agent': this.userAgent }, signal });
  }
}

async function readAll(res: KubeResponse): Promise<string> {
  return res.body.text();
}

/** The message of a metav1.Status body, else the body's start. */
function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    if (typeof s.message === 'string') return s.message;
  } catch {
    // Not a Status: say what came instead.
  }
  return body.trim().slice(0, 200);
}
