// The same API mounted in an Express app: `db.nodeHandler()` is Express middleware (paths outside
// /api/v1 go on to the app's routes). Mount it before any body parser: it reads the body itself.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmbeddedDB } from '@tsprom/embedded';
import express from 'express';

/** Serves the app's route `/` and Prometheus's API over `db` with Express on 127.0.0.1. */
export async function startExpressApp(db: EmbeddedDB): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(db.nodeHandler());
  app.get('/', (_req, res) => {
    res.type('text/plain').send('an express app\n');
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
