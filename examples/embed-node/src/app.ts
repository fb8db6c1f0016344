// An app that keeps its own metrics in an embedded tsprom DB: it counts the requests it serves,
// records them (with its uptime) as samples, answers PromQL over them, and serves Prometheus's
// query API beside its own routes, so Grafana can point at it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EmbeddedDB, openDB } from '@tsprom/embedded';

/** A running app. */
export interface App {
  readonly db: EmbeddedDB;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Records the app's metrics as samples at `at`. */
  record(at: Date): Promise<void>;
  /** Stops serving and closes the DB (its dir then opens in Prometheus). */
  close(): Promise<void>;
}

/** Starts the app on 127.0.0.1 (a port of its choosing), its metrics in `dataDir` (in memory without). */
export async function startApp(dataDir: string | undefined, startedAt: Date): Promise<App> {
  const db = await openDB(dataDir);
  const requests = new Map<string, number>();
  const api = db.nodeHandler();
  const server: Server = createServer((req, res) => {
    // The API's paths go to the DB's handler; the rest are the app's own routes.
    api(req, res, () => {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      requests.set(path, (requests.get(path) ?? 0) + 1);
      res.writeHead(path === '/hello' || path === '/work' ? 200 : 404, { 'Content-Type': 'text/plain' });
      res.end(path === '/hello' ? 'hello\n' : path === '/work' ? 'done\n' : 'not found\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    url,
    record: (at) => {
      const samples = [...requests].map(([path, n]) => ({
        labels: { __name__: 'app_http_requests_total', path },
        t: at,
        v: n,
      }));
      samples.push({
        labels: { __name__: 'app_uptime_seconds', path: '' },
        t: at,
        v: (at.getTime() - startedAt.getTime()) / 1000,
      });
      return db.appendBatch(samples);
    },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.close();
    },
  };
}
