// The packages in a real browser: src/page.ts, which imports @tsprom/promql and @tsprom/tsdb (the
// in-memory DB, default options), is bundled with esbuild from the packages' built dist/ exactly as
// an application would (bundle, ESM, browser platform: no conditions, aliases or shims), served on
// 127.0.0.1 (a free port) and run in Debian's headless Chromium, driven by playwright-core. The page
// checks its query results itself; this test checks its report. Skipped with the reason when
// /usr/bin/chromium is missing, and failing instead when CI is set.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageReport } from './page.js';

const chromiumBin = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumBin);
const runIt = haveChromium || process.env.CI ? it : it.skip;
const reason = haveChromium ? '' : ` (skipped: ${chromiumBin} is not installed)`;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');

/** The page bundled for the browser from dist/; throws when a package is not built. */
async function bundlePage(): Promise<{ js: string; metafile: Metafile }> {
  for (const pkg of ['labels', 'storage-interfaces', 'chunkenc', 'tsdb', 'promql']) {
    if (!existsSync(join(root, 'packages', pkg, 'dist/index.js'))) {
      throw new Error(`packages/${pkg}/dist is missing: run \`pnpm build\` first (\`pnpm test\` does)`);
    }
  }
  const out = await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { js: out.outputFiles[0]!.text, metafile: out.metafile };
}

/** Serves the page and its bundle on 127.0.0.1, on a free port. */
async function serve(js: string): Promise<{ server: Server; url: string }> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>tsprom</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('http server has no port');
  return { server, url: `http://127.0.0.1:${addr.port}/` };
}

describe('@tsprom/promql and the in-memory @tsprom/tsdb in headless Chromium', () => {
  let bundle: { js: string; metafile: Metafile };
  beforeAll(async () => {
    bundle = await bundlePage();
  });

  it('bundles from dist/ with the browser side of #disk and no Node built-in', () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('tsdb/dist/disk-browser.js'))).toBe(true);
    expect(inputs.filter((f) => f.includes('disk-node') || /packages\/[^/]+\/src\//.test(f))).toEqual([]);
    const imports = Object.values(bundle.metafile.inputs).flatMap((i) => i.imports.filter((m) => m.external));
    expect(imports).toEqual([]);
  });

  describe('in the browser', () => {
    let userDataDir: string;
    let http: { server: Server; url: string };
    beforeAll(async () => {
      userDataDir = await mkdtemp(join(tmpdir(), 'tsprom-chromium-'));
      http = await serve(bundle.js);
    });
    afterAll(async () => {
      await new Promise((resolve) => http?.server.close(resolve));
      if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
    });

    runIt(
      `appends, runs an instant and a range query, and refuses a directory${reason}`,
      { timeout: 120_000 },
      async () => {
        // Playwright starts Chromium with the fresh profile directory and waits for it by PID.
        const context = await chromium.launchPersistentContext(userDataDir, {
          executablePath: chromiumBin,
          headless: true,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        });
        const errors: string[] = [];
        try {
          const page = await context.newPage();
          page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
          page.on('console', (msg) => {
            if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
          });
          await page.goto(http.url);
          await page.waitForFunction(() => globalThis.tspromBrowserTest !== undefined, undefined, { timeout: 60_000 });
          const report: PageReport = await page.evaluate(() => globalThis.tspromBrowserTest!);
          expect(report.userAgent).toMatch(/HeadlessChrome|Chrome/);
          expect({ failures: report.failures, errors }).toEqual({ failures: [], errors: [] });
          expect(report.instant).toEqual({ api: expect.closeTo(2, 9), web: expect.closeTo(5, 9) });
          expect(report.range).toHaveLength(11);
          expect(report.range[10]).toEqual([600_000, 1200]);
          expect(report.openDirError).toMatch(/DB\.open\("\/var\/lib\/tsprom"\) needs a file system/);
        } finally {
          await context.close();
        }
      },
    );
  });
});
