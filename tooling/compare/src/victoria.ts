// VictoriaMetrics 1.79 beside them, its caches off as far as its flags allow (-search.disableCache,
// no latency offset), retention long enough for the data set's fixed dates. It cannot bind port 0
// and names no port it bound: a port free a moment ago is tried, thrice.
import { createServer } from 'node:net';
import { PEERS, type ServerPeer, startServer } from '@tsprom/test-support';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** VictoriaMetrics storing in `dataDir`; `scrapeConfig` (a Prometheus-style file) when it scrapes. */
export async function startVictoria(dataDir: string, scrapeConfig?: string): Promise<ServerPeer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      ...(scrapeConfig === undefined ? [] : [`-promscrape.config=${scrapeConfig}`]),
    ];
    try {
      return await startServer(PEERS.victoriaMetrics, args, { port, readyPath: '/health', timeoutMs: 120_000 });
    } catch (err) {
      if (attempt >= 2) throw err; // The port was taken between freePort and the bind: try another.
    }
  }
}

/** Makes what VictoriaMetrics received searchable (its in-memory parts flushed). */
export async function flushVictoria(url: string): Promise<void> {
  const res = await fetch(`${url}/internal/force_flush`, { signal: AbortSignal.timeout(60_000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}/internal/force_flush: ${res.status}`);
}
