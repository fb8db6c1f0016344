// Prometheus: web/web.go (the `/` redirect, the UI's routes and static assets, index.html with the
// path prefix filled in): serves the built UI from dist/static as a fetch-style handler, for any
// HTTP server. The browser app lives in src/app; tsup builds it (tsup.config.ts).
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of the built UI (index.html, assets/); from src/ and dist/ alike. */
export const webUIDir: string = fileURLToPath(new URL('../dist/static/', import.meta.url));

/** Paths of the single-page app: each answers index.html (Prometheus 3's pages, and /graph of old). */
export const SPA_ROUTES: ReadonlySet<string> = new Set([
  '/query',
  '/graph',
  '/alerts',
  '/targets',
  '/rules',
  '/service-discovery',
  '/status',
  '/tsdb-status',
  '/flags',
  '/config',
  '/alertmanager-discovery',
]);

/**
 * Paths of the app in agent mode (Prometheus web.go reactRouterPaths plus reactRouterAgentPaths):
 * no query, alerts, rules or TSDB pages.
 */
export const AGENT_SPA_ROUTES: ReadonlySet<string> = new Set([
  '/agent',
  '/targets',
  '/service-discovery',
  '/status',
  '/flags',
  '/config',
]);

/** What the UI handler is built with. */
export interface UIOptions {
  /** Path prefix the browser sees the UI under (`--web.external-url`'s path), '' for none. */
  readonly pathPrefix: string;
  /** Directory of the built UI; {@link webUIDir} by default. */
  readonly dir?: string;
  /** Prometheus's agent mode: `/` goes to `/agent`, and only the agent's pages are served. */
  readonly agentMode?: boolean;
}

/**
 * Answers a UI path (after the route prefix was removed), or undefined when the path is not the
 * UI's. A page answers 503 with what to do when the UI is not built.
 */
export type UIHandler = (path: string, method: string) => Promise<Response | undefined>;

const NOT_BUILT = "tsprom's web UI is not built: run `pnpm build` (the HTTP API is served under /api/v1)";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * The UI's handler: `/` redirects to `/query` (`/agent` in agent mode), SPA routes get index.html,
 * `/assets/…` the files.
 */
export function createUIHandler(o: UIOptions): UIHandler {
  const dir = o.dir ?? webUIDir;
  const agent = o.agentMode === true;
  const routes = agent ? AGENT_SPA_ROUTES : SPA_ROUTES;
  const home = agent ? '/agent' : '/query';
  const prefix = o.pathPrefix.replace(/\/+$/, '');
  let index: Promise<string> | undefined;
  const indexHTML = (): Promise<string> => {
    index ??= readFile(join(dir, 'index.html'), 'utf8').then((html) =>
      html
        .replaceAll('PATH_PREFIX_PLACEHOLDER', escapeAttr(prefix))
        .replaceAll('AGENT_MODE_PLACEHOLDER', agent ? 'true' : 'false'),
    );
    // A failed read is retried on the next request (the build may come after the start).
    index.catch(() => {
      index = undefined;
    });
    return index;
  };
  return async (path, method) => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (path === '/') return new Response(null, { status: 302, headers: { Location: `${prefix}${home}` } });
    if (routes.has(path)) {
      let html: string;
      try {
        html = await indexHTML();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        return new Response(`${NOT_BUILT}\n`, {
          status: 503,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        });
      }
      return new Response(method === 'HEAD' ? null : html, {
        headers: { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-cache' },
      });
    }
    if (!path.startsWith('/assets/')) return undefined;
    const file = normalize(join(dir, path));
    if (!file.startsWith(join(dir, 'assets') + sep)) return undefined;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // A 404 then.
      throw err;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), {
      headers: { 'Content-Type': type, 'Content-Length': String(body.length) },
    });
  };
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
