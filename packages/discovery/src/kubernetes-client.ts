// Prometheus: discovery/kubernetes/kubernetes.go New (the rest.Config from api_server and the
// HTTP client options, from kubeconfig_file, or in cluster), with client-go's list and watch
// requests over node:http(s): lists are JSON `*List` objects paged with `limit`/`continue`, watches
// a stream of newline-delimited JSON events. Node only (loaded through `#kubernetes-discovery`).
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import type { KubernetesSDFields } from './kubernetes-sd-config.js';
import { KubernetesAPIError, ResourceExpiredError } from './kubernetes-errors.js';
import type { KubeList, WatchEvent } from './kubernetes-objects.js';

/** Where the service account's token, CA and namespace are mounted in a pod (rest.InClusterConfig). */
export const ServiceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach the API server: its URL, credentials and TLS settings. */
export interface KubeConnection {
  readonly server: URL;
  /** The Authorization header's value, read anew per request (token files are rotated). */
  readonly authorization: () => string | undefined;
  readonly ca?: string | Buffer | undefined;
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
  readonly serverName?: string | undefined;
  readonly insecureSkipVerify: boolean;
  /** The namespace of `own_namespace` (in cluster only). */
  readonly ownNamespace?: string | undefined;
}

/** Where the in-cluster configuration is read from; the real pod's by default (tests point elsewhere). */
export interface InClusterSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly serviceAccountDir: string;
}

const readText = (f: string) => readFileSync(f, 'utf8');

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** The connection of a kubernetes_sd_configs entry. Throws when it cannot be made (no in-cluster environment, a bad kubeconfig). */
export function kubeConnection(f: KubernetesSDFields, inCluster: InClusterSource): KubeConnection {
  if (f.apiServer !== '') {
    const h = f.http;
    const auth = (): string | undefined => {
      if (h.basicAuth !== undefined) {
        const pw = h.basicAuth.passwordFile !== '' ? readText(h.basicAuth.passwordFile).trim() : h.basicAuth.password;
        return basic(h.basicAuth.username, pw);
      }
      if (h.authorization !== undefined) {
        const a = h.authorization;
        return `${a.type} ${a.credentialsFile !== '' ? readText(a.credentialsFile).trim() : a.credentials}`;
      }
      return undefined;
    };
    return {
      server: new URL(f.apiServer),
      authorization: auth,
      ca: h.tls.caFile !== '' ? readText(h.tls.caFile) : h.tls.ca || undefined,
      cert: h.tls.certFile !== '' ? readText(h.tls.certFile) : h.tls.cert || undefined,
      key: h.tls.keyFile !== '' ? readText(h.tls.keyFile) : h.tls.key || undefined,
      serverName: h.tls.serverName || undefined,
      insecureSkipVerify: h.tls.insecureSkipVerify,
    };
  }
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
    authorization: () => `Bearer ${readText(tokenFile).trim()}`,
    ca: readText(join(dir, 'ca.crt')),
    insecureSkipVerify: false,
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
  const fileOrData = (o: Record<string, unknown>, fileKey: string): string | Buffer | undefined => {
    const data = s(o, `${fileKey}-data`);
    if (data !== '') return Buffer.from(data, 'base64');
    const f = s(o, fileKey);
    return f === '' ? undefined : readText(rel(f));
  };
  const tokenFile = s(user, 'tokenFile');
  const token = s(user, 'token');
  const username = s(user, 'username');
  const password = s(user, 'password');
  return {
    server: new URL(server),
    authorization: () => {
      if (token !== '') return `Bearer ${token}`;
      if (tokenFile !== '') return `Bearer ${readText(rel(tokenFile)).trim()}`;
      if (username !== '' || password !== '') return basic(username, password);
      return undefined;
    },
    ca: fileOrData(cluster, 'certificate-authority'),
    cert: fileOrData(user, 'client-certificate'),
    key: fileOrData(user, 'client-key'),
    serverName: s(cluster, 'tls-server-name') || undefined,
    insecureSkipVerify: cluster['insecure-skip-tls-verify'] === true,
  };
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
}

/** client-go's page size for lists. */
const LIST_PAGE = 500;
/** A list that takes longer than this has failed. */
const LIST_TIMEOUT_MS = 120_000;

/** A {@link KubeClient} over node:http(s). */
export class HTTPKubeClient implements KubeClient {
  constructor(
    readonly conn: KubeConnection,
    readonly userAgent = 'tsprom',
  ) {}

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
      if (res.statusCode !== 200) throw new KubernetesAPIError(res.statusCode ?? 0, path, statusMessage(body));
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
      throw new KubernetesAPIError(res.statusCode ?? 0, path, statusMessage(body));
    }
    res.setEncoding('utf8');
    let buf = '';
    for await (const chunk of res as AsyncIterable<string>) {
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

  #get(path: string, query: URLSearchParams, signal: AbortSignal): Promise<IncomingMessage> {
    const c = this.conn;
    const url = new URL(c.server);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = query.toString();
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    const auth = c.authorization();
    if (auth !== undefined) headers.Authorization = auth;
    return new Promise((resolve, reject) => {
      const opts = { headers, signal };
      const req =
        url.protocol === 'https:'
          ? httpsRequest(url, {
              ...opts,
              ca: c.ca,
              cert: c.cert,
              key: c.key,
              servername: c.serverName,
              rejectUnauthorized: !c.insecureSkipVerify,
            })
          : httpRequest(url, opts);
      req.once('response', resolve);
      req.once('error', reject);
      req.end();
    });
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let s = '';
  for await (const chunk of res as AsyncIterable<string>) s += chunk;
  return s;
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
