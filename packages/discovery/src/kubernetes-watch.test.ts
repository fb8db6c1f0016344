// kubernetes_sd follows the API: watch events, failures (the last groups stay), expired
// resourceVersions (relist), namespaces and selectors as request parameters, paged lists.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceObject, node, pod } from './testing/kubernetes-fixtures.js';
import { startDiscoverer as start } from './testing/kubernetes-run.js';
import { type KubernetesServer, startKubernetesServer } from './testing/kubernetes-server.js';

const addrs = (g: { targets: readonly Record<string, string>[] } | undefined) =>
  (g?.targets ?? []).map((t) => t.__address__).join(' ');

describe('kubernetes_sd list and watch', () => {
  let k8s: KubernetesServer;
  beforeAll(async () => {
    k8s = await startKubernetesServer();
  });
  afterAll(async () => {
    await k8s.close();
  });

  it('sends watch events: a pod added, changed, without IP, deleted', async () => {
    k8s.apply('pods', pod('w', 'a', '10.1.0.1'));
    const d = start(k8s, { role: 'pod', namespaces: { names: ['w'] } });
    await d.until((m) => m.get('pod/w/a')?.targets.length === 4);
    k8s.apply('pods', pod('w', 'b', '10.1.0.2'));
    await d.until((m) => addrs(m.get('pod/w/b')).startsWith('10.1.0.2:80'));
    k8s.apply('pods', pod('w', 'b', '10.1.0.2', { labels: { version: 'v2' } }));
    await d.until((m) => m.get('pod/w/b')?.labels.__meta_kubernetes_pod_label_version === 'v2');
    k8s.apply('pods', pod('w', 'b', '')); // Evicted: no IP, no targets.
    await d.until((m) => m.get('pod/w/b')?.targets.length === 0);
    k8s.apply('pods', pod('w', 'b', '10.1.0.3'));
    await d.until((m) => addrs(m.get('pod/w/b')).startsWith('10.1.0.3:80'));
    k8s.remove('pods', 'w', 'b');
    const m = await d.until((g) => g.get('pod/w/b')?.targets.length === 0);
    expect(m.get('pod/w/a')?.targets.length).toBe(4);
    expect(d.failures()).toBe(0);
    await d.stop();
  });

  it('keeps the last groups while the API fails, counts the failures, and catches up', async () => {
    k8s.apply('pods', pod('f', 'a', '10.2.0.1'));
    const d = start(k8s, { role: 'pod', namespaces: { names: ['f'] } });
    await d.until((m) => m.has('pod/f/a'));
    const before = d.updates.length;
    k8s.failing = true; // Open watches drop; every request answers 503.
    while (d.failures() < 3) await new Promise((r) => setTimeout(r, 10));
    expect(d.logger.errors.length).toBeGreaterThanOrEqual(3);
    k8s.failing = false;
    k8s.apply('pods', pod('f', 'b', '10.2.0.2'));
    const m = await d.until((g) => g.has('pod/f/b'));
    // Nothing was sent while failing: the first update after is the change, and pod/f/a is intact.
    expect(
      d.updates
        .slice(before)
        .flat()
        .map((g) => g.source),
    ).toEqual(['pod/f/b']);
    expect(m.get('pod/f/a')?.targets.length).toBe(4);
    await d.stop();
  });

  it('an API that cannot be reached at all: failures counted, nothing sent', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const d = start(undefined, { role: 'node', api_server: `http://127.0.0.1:${port}` });
    const first = d.until((m) => m.size > 0);
    while (d.failures() < 2) await new Promise((r) => setTimeout(r, 10));
    expect(d.logger.errors[0]).toBe('Kubernetes list or watch failed');
    expect(d.groups.size).toBe(0);
    await d.stop();
    await first.catch(() => {}); // Ends with the discoverer.
  });

  it('relists when the resourceVersion expired (410 Gone) and sends what changed unseen', async () => {
    k8s.apply('pods', pod('x', 'a', '10.3.0.1'));
    k8s.apply('pods', pod('x', 'b', '10.3.0.2'));
    const d = start(k8s, { role: 'pod', namespaces: { names: ['x'] } });
    await d.until((m) => m.has('pod/x/a') && m.has('pod/x/b'));
    const lists = () =>
      k8s.requests.filter((r) => r.path === '/api/v1/namespaces/x/pods' && r.query.get('watch') === null).length;
    expect(lists()).toBe(1);
    k8s.expire(() => {
      k8s.remove('pods', 'x', 'a');
      k8s.apply('pods', pod('x', 'b', '10.3.0.9'));
    });
    const m = await d.until(
      (g) => g.get('pod/x/a')?.targets.length === 0 && addrs(g.get('pod/x/b')).startsWith('10.3.0.9'),
    );
    expect(lists()).toBe(2);
    expect(d.failures()).toBe(0); // An expired watch is routine, not a failure.
    expect(m.get('pod/x/b')?.labels.__meta_kubernetes_pod_ip).toBe('10.3.0.9');
    await d.stop();
  });

  it('sends namespaces and selectors as request parameters', async () => {
    k8s.apply('pods', pod('s1', 'web', '10.4.0.1'));
    k8s.apply('pods', pod('s2', 'db', '10.4.0.2', { labels: { app: 'db' } }));
    k8s.apply('pods', pod('s3', 'other', '10.4.0.3'));
    k8s.apply('nodes', node('node-1', '10.0.0.1'));
    const d = start(k8s, {
      role: 'pod',
      namespaces: { names: ['s1', 's2'] },
      selectors: [
        { role: 'pod', label: 'app=web', field: 'spec.nodeName=node-1' },
        { role: 'node', label: 'kubernetes.io/hostname=node-1' },
      ],
      attach_metadata: { node: true },
    });
    const m = await d.until((g) => g.has('pod/s1/web'));
    expect([...m.keys()]).toEqual(['pod/s1/web']); // s2's pod is not app=web; s3 is not watched.
    for (const ns of ['s1', 's2']) {
      const r = k8s.requests.find((x) => x.path === `/api/v1/namespaces/${ns}/pods`)!;
      expect(r.query.get('labelSelector')).toBe('app=web');
      expect(r.query.get('fieldSelector')).toBe('spec.nodeName=node-1');
    }
    const nodes = k8s.requests.find((x) => x.path === '/api/v1/nodes')!;
    expect(nodes.query.get('labelSelector')).toBe('kubernetes.io/hostname=node-1');
    expect(nodes.query.has('fieldSelector')).toBe(false);
    expect(k8s.requests.some((x) => x.path.includes('/namespaces/s3/'))).toBe(false);
    expect(m.get('pod/s1/web')?.labels.__meta_kubernetes_node_name).toBe('node-1');
    await d.stop();
  });

  it('does not hammer a server that ends every watch at once', async () => {
    k8s.apply('pods', pod('h', 'a', '10.6.0.1'));
    const d = start(k8s, { role: 'pod', namespaces: { names: ['h'] } }, { retryMs: 100, watchTimeoutS: 0 });
    await d.until((m) => m.has('pod/h/a'));
    const watches = () =>
      k8s.requests.filter((r) => r.path === '/api/v1/namespaces/h/pods' && r.query.get('watch') === 'true').length;
    const [n0, t0] = [watches(), Date.now()];
    await new Promise((r) => setTimeout(r, 500));
    const elapsed = Date.now() - t0;
    await d.stop();
    // At most one watch per retry interval (plus the one in flight), whatever the machine's load.
    expect(watches() - n0).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(d.failures()).toBe(0);
  });

  it('reads lists of many pages (limit and continue)', async () => {
    const big = await startKubernetesServer();
    try {
      big.apply('namespaces', namespaceObject('p', {}));
      for (let i = 0; i < 1234; i++) big.apply('pods', pod('p', `p-${i}`, `10.5.${i >> 8}.${i & 255}`));
      const d = start(big, { role: 'pod' });
      const m = await d.until((g) => g.size === 1234);
      expect(m.get('pod/p/p-1233')?.labels.__meta_kubernetes_pod_ip).toBe('10.5.4.209');
      const pages = big.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') === null);
      expect(pages.map((r) => r.query.get('continue') ?? '')).toEqual(['', '500', '1000']);
      expect(d.updates[0]).toHaveLength(1234); // The first update is the whole state.
      await d.stop();
    } finally {
      await big.close();
    }
  });
});
