import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUIHandler } from './ui-handler.js';

describe('createUIHandler', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsprom-ui-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'index.html'),
      '<body data-path-prefix="PATH_PREFIX_PLACEHOLDER"><script src="PATH_PREFIX_PLACEHOLDER/assets/app.js">',
    );
    await writeFile(join(dir, 'assets/app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'no');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('redirects / to /query under the prefix', async () => {
    const res = await createUIHandler({ pathPrefix: '/prom/', dir })('/', 'GET');
    expect(res?.status).toBe(302);
    expect(res?.headers.get('location')).toBe('/prom/query');
  });

  it('answers index.html with the path prefix for every page of the app', async () => {
    const ui = createUIHandler({ pathPrefix: '/prom', dir });
    for (const path of ['/query', '/graph', '/targets', '/service-discovery', '/tsdb-status', '/config']) {
      const res = await ui(path, 'GET');
      expect(res?.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res?.text()).toBe('<body data-path-prefix="/prom"><script src="/prom/assets/app.js">');
    }
    expect(await (await ui('/query', 'HEAD'))?.text()).toBe('');
  });

  it('serves assets with their type, and nothing outside assets/', async () => {
    const ui = createUIHandler({ pathPrefix: '', dir });
    const res = await ui('/assets/app.js', 'GET');
    expect(res?.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res?.text()).toBe('console.log(1)');
    expect(await ui('/assets/../secret.txt', 'GET')).toBeUndefined();
    expect(await ui('/assets/missing.js', 'GET')).toBeUndefined();
    expect(await ui('/secret.txt', 'GET')).toBeUndefined();
    expect(await ui('/query', 'POST')).toBeUndefined();
  });

  it('says what to do when the UI is not built', async () => {
    const ui = createUIHandler({ pathPrefix: '', dir: join(dir, 'nowhere') });
    const res = await ui('/query', 'GET');
    expect(res?.status).toBe(503);
    expect(await res?.text()).toMatch(/web UI is not built: run `pnpm build`/);
    expect(await ui('/assets/app.js', 'GET')).toBeUndefined();
  });

  it('in agent mode redirects / to /agent and serves only the agent pages', async () => {
    const ui = createUIHandler({ pathPrefix: '', dir, agentMode: true });
    const res = await ui('/', 'GET');
    expect(res?.headers.get('location')).toBe('/agent');
    for (const path of ['/agent', '/targets', '/service-discovery', '/status', '/flags', '/config']) {
      expect((await ui(path, 'GET'))?.status, path).toBe(200);
    }
    for (const path of ['/query', '/graph', '/alerts', '/rules', '/tsdb-status']) {
      expect(await ui(path, 'GET'), path).toBeUndefined();
    }
    expect(await createUIHandler({ pathPrefix: '', dir })('/agent', 'GET')).toBeUndefined();
  });
});
