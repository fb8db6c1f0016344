// kubernetes_sd's ways to the API server: credentials from the config or from files, TLS with a
// CA (certificates made by openssl), a kubeconfig file, and the in-cluster configuration.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCerts, type TestCerts } from '@tsprom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryMetrics } from './discovery-metrics.js';
import { KubernetesDiscoverer } from './kubernetes-discovery.js';
import { type KubernetesSDConfig, kubernetesSD } from './kubernetes-sd-config.js';
import { node, pod } from './testing/kubernetes-fixtures.js';
import { quiet, startDiscoverer as start } from './testing/kubernetes-run.js';
import { type KubernetesServer, startKubernetesServer } from './testing/kubernetes-server.js';
import { startTokenServer } from './testing/token-server.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsprom-k8s-client-'));
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('credentials', () => {
  let k8s: KubernetesServer;
  beforeAll(async () => {
    k8s = await startKubernetesServer();
    k8s.apply('nodes', node('node-1', '10.0.0.1'));
  });
  afterAll(async () => {
    await k8s.close();
  });

  const authOf = async (raw: Record<string, unknown>) => {
    const from = k8s.requests.length;
    const d = start(k8s, { role: 'node', ...raw });
    await d.until((m) => m.has('node/node-1'));
    await d.stop();
    return k8s.requests.slice(from).map((r) => r.headers.authorization);
  };

  it('sends bearer_token, bearer_token_file (read anew each request), authorization and basic_auth', async () => {
    expect(await authOf({ bearer_token: 's3cret' })).toContain('Bearer s3cret');
    writeFileSync(join(dir, 'token'), 'from-file\n');
    expect(await authOf({ bearer_token_file: join(dir, 'token') })).toContain('Bearer from-file');
    writeFileSync(join(dir, 'token'), 'rotated\n');
    expect(await authOf({ bearer_token_file: join(dir, 'token') })).toContain('Bearer rotated');
    expect(await authOf({ authorization: { type: 'Token', credentials: 'x' } })).toContain('Token x');
    expect(await authOf({ basic_auth: { username: 'u', password: 'p' } })).toContain(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
  });

  it('reads the server and user of the current context of a kubeconfig_file', async () => {
    const kubeconfig = `apiVersion: v1
kind: Config
current-context: test
clusters:
  - name: other
    cluster: {server: 'http://127.0.0.1:1'}
  - name: local
    cluster: {server: '${k8s.url}'}
users:
  - name: me
    user: {tokenFile: kc-token}
contexts:
  - name: test
    context: {cluster: local, user: me}
`;
    writeFileSync(join(dir, 'kc-token'), 'kube-token');
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig);
    const from = k8s.requests.length;
    const d = start(undefined, { role: 'node', kubeconfig_file: join(dir, 'kubeconfig') });
    await d.until((m) => m.has('node/node-1'));
    await d.stop();
    expect(k8s.requests.slice(from).map((r) => r.headers.authorization)).toContain('Bearer kube-token');
  });
});

describe('TLS and the in-cluster configuration', () => {
  let certs: TestCerts | undefined;
  let k8s: KubernetesServer | undefined;
  beforeAll(async () => {
    certs = makeTestCerts(dir, ['kubernetes.default.svc']);
    if (certs === undefined) return;
    k8s = await startKubernetesServer({ cert: certs.cert, key: certs.key });
    k8s.apply('pods', pod('monitoring', 'prom-0', '10.9.0.1'));
    k8s.apply('pods', pod('default', 'web-1', '10.9.0.2'));
  });
  afterAll(async () => {
    await k8s?.close();
  });

  it('verifies the API server with tls_config.ca_file; fails (and counts it) without the CA', async ({ skip }) => {
    if (k8s === undefined || certs === undefined) return skip('openssl is not installed');
    const d = start(k8s, { role: 'pod', tls_config: { ca_file: certs.caFile } });
    await d.until((m) => m.has('pod/monitoring/prom-0') && m.has('pod/default/web-1'));
    await d.stop();
    const bad = start(k8s, { role: 'pod' });
    const first = bad.until((m) => m.size > 0);
    while (bad.failures() < 1) await new Promise((r) => setTimeout(r, 10));
    expect(bad.logger.errors[0]).toBe('Kubernetes list or watch failed');
    expect(bad.groups.size).toBe(0);
    await bad.stop();
    await first.catch(() => {}); // Ends with the discoverer.
  });

  it('fetches an OAuth2 token for the API server and sends it as a bearer token', async ({ skip }) => {
    if (k8s === undefined || certs === undefined) return skip('openssl is not installed');
    const tokens = await startTokenServer('k8s-oauth');
    try {
      const from = k8s.requests.length;
      const d = start(k8s, {
        role: 'pod',
        tls_config: { ca_file: certs.caFile },
        oauth2: { client_id: 'prom', client_secret: 'sec', token_url: tokens.url },
      });
      await d.until((m) => m.has('pod/default/web-1'));
      await d.stop();
      const auth = new Set(k8s.requests.slice(from).map((r) => r.headers.authorization));
      expect([...auth]).toEqual(['Bearer k8s-oauth']);
      expect(tokens.requests).toHaveLength(1);
    } finally {
      await tokens.close();
    }
  });

  it('in a pod: the service host and port from the environment, the service account token, CA and namespace', async ({
    skip,
  }) => {
    if (k8s === undefined || certs === undefined) return skip('openssl is not installed');
    const sa = join(dir, 'serviceaccount');
    execFileSync('mkdir', ['-p', sa]);
    writeFileSync(join(sa, 'token'), 'sa-token\n');
    writeFileSync(join(sa, 'ca.crt'), certs.ca);
    writeFileSync(join(sa, 'namespace'), 'monitoring');
    const port = new URL(k8s.url).port;
    const from = k8s.requests.length;
    const d = start(
      undefined,
      { role: 'pod', namespaces: { own_namespace: true } },
      {
        inCluster: {
          env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
          serviceAccountDir: sa,
        },
      },
    );
    const m = await d.until((g) => g.has('pod/monitoring/prom-0'));
    await d.stop();
    expect([...m.keys()]).toEqual(['pod/monitoring/prom-0']);
    const reqs = k8s.requests.slice(from);
    expect(reqs.every((r) => r.path === '/api/v1/namespaces/monitoring/pods')).toBe(true);
    expect(reqs[0]!.headers.authorization).toBe('Bearer sa-token');
  });

  it('outside a pod with no api_server: the discoverer fails with client-go’s message', async () => {
    const cfg = kubernetesSD.parse({ role: 'pod' }, { baseDir: undefined }) as KubernetesSDConfig;
    const d = new KubernetesDiscoverer(
      cfg.fields,
      { logger: quiet(), metrics: new DiscoveryMetrics() },
      { inCluster: { env: {}, serviceAccountDir: join(dir, 'none') } },
    );
    await expect(d.run(new AbortController().signal)[Symbol.asyncIterator]().next()).rejects.toThrow(
      'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
    );
  });
});
