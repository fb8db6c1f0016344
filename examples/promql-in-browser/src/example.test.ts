// The example as a user gets it: this package and the @tsprom packages it needs are packed and the
// tarballs installed into a scratch project outside the workspace; the page is bundled with esbuild
// from that project's node_modules (browser, ESM, no flag, no polyfill) and served on 127.0.0.1 (a
// free port). Headless Chromium (Debian's, driven by playwright-core) opens it against a tsprom
// (from source, port 0) and a real Prometheus 2.42 (port 0), both serving the same data directory
// of four counters written beforehand with @tsprom/tsdb: the page's in-memory demo query and the
// query it runs over the series it fetched from each server (raw samples, then query_range) must
// give what the server itself answers. Chromium missing: skipped with the reason, failing when CI
// is set; Prometheus missing: the same (requirePeer).
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import {
  installPackedWorkspacePackages,
  PEERS,
  requirePeer,
  type ServerPeer,
  startPrometheus,
  startServer,
  WORKSPACE_ROOT,
} from '@tsprom/test-support';
import { DB } from '@tsprom/tsdb';
import { build, type Metafile } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageReport } from './page.js';

const chromiumBin = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumBin);
const runIt = haveChromium || process.env.CI ? it : it.skip;
const reason = haveChromium ? '' : ` (skipped: ${chromiumBin} is not installed)`;
const havePrometheus = requirePeer(PEERS.prometheus);
const runProm = (haveChromium && havePrometheus) || process.env.CI ? it : it.skip;
const promReason = havePrometheus ? reason : ` (skipped: ${PEERS.prometheus} is not installed)`;

const EXAMPLE = 'tsprom-example-promql-in-browser';
const STEP_MS = 15_000;
const SAMPLES = 41; // 10 minutes.
/** Per-second rates of the counters written to the data directory. */
const RATES: Record<string, Record<string, number>> = { api: { a: 1, b: 3 }, web: { a: 0.5, b: 4 } };
const EXPR = 'sum by (job) (rate(demo_requests_total[2m]))';

/** The data directory both servers read: the counters of RATES, every 15 s for 10 minutes. */
async function writeDataDir(dir: string, startMs: number): Promise<void> {
  const db = await DB.open(dir);
  const app = db.appender();
  for (const [job, instances] of Object.entries(RATES)) {
    for (const [instance, perSecond] of Object.entries(instances)) {
      const labels = Labels.fromStrings('__name__', 'demo_requests_total', 'instance', instance, 'job', job);
      let ref = 0;
      for (let k = 0; k < SAMPLES; k++) ref = app.append(ref, labels, startMs + k * STEP_MS, k * 15 * perSecond);
    }
  }
  await app.commit();
  await db.close();
}

/** Serves the page (index.html and the bundle) on 127.0.0.1, on a free port. */
async function servePage(html: string, js: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
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

/** `{job → value}` of a vector of the API's JSON. */
async function serverAnswer(server: string, atMs: number): Promise<Record<string, number>> {
  const res = await fetch(`${server}/api/v1/query?${new URLSearchParams({ query: EXPR, time: String(atMs / 1000) })}`);
  const body = (await res.json()) as { data: { result: { metric: { job: string }; value: [number, string] }[] } };
  return Object.fromEntries(body.data.result.map((s) => [s.metric.job, Number(s.value[1])]));
}

describe('examples/promql-in-browser, installed from its packed tarballs, in headless Chromium', () => {
  let dir: string;
  let bundle: { js: string; html: string; metafile: Metafile; project: string };
  let page: { server: Server; url: string } | undefined;
  let context: BrowserContext | undefined;
  const peers: ServerPeer[] = [];
  // Whole minutes: the samples fall on round times.
  const endMs = Math.floor(Date.now() / 60_000) * 60_000;
  const startMs = endMs - (SAMPLES - 1) * STEP_MS;
  const want = Object.fromEntries(
    Object.entries(RATES).map(([job, is]) => [job, Object.values(is).reduce((a, b) => a + b, 0)]),
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsprom-promql-in-browser-'));
    const { project } = installPackedWorkspacePackages([EXAMPLE], { dir });
    const pageDir = join(project, 'node_modules', EXAMPLE, 'src');
    const out = await build({
      entryPoints: [join(pageDir, 'page.ts')],
      absWorkingDir: project,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    bundle = {
      js: out.outputFiles[0]!.text,
      html: await readFile(join(pageDir, 'index.html'), 'utf8'),
      metafile: out.metafile,
      project,
    };
    page = await servePage(bundle.html, bundle.js);
    await writeDataDir(join(dir, 'data'), startMs);
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  }, 900_000);
  afterAll(async () => {
    await context?.close();
    for (const p of peers) await p.stop();
    await new Promise((resolve) => (page === undefined ? resolve(undefined) : page.server.close(resolve)));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('bundles from the installed tarballs only: dist/ files, the browser side of #disk, no Node built-in', () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    // esbuild names inputs relative to the scratch project: all under its node_modules.
    expect(inputs.filter((f) => !f.startsWith('node_modules/'))).toEqual([]);
    for (const pkg of ['labels', 'promql', 'tsdb', 'chunkenc', 'storage-interfaces']) {
      expect(inputs.some((f) => f.startsWith(`node_modules/@tsprom/${pkg}/dist/`))).toBe(true);
    }
    expect(inputs.some((f) => f.endsWith('@tsprom/tsdb/dist/disk-browser.js'))).toBe(true);
    expect(inputs.filter((f) => f.includes('disk-node') || /@tsprom\/[^/]+\/src\//.test(f))).toEqual([]);
    const external = Object.values(bundle.metafile.inputs).flatMap((i) => i.imports.filter((m) => m.external));
    expect(external).toEqual([]);
  });

  /** Opens the page against `server` (step: query_range; none: raw samples); returns its report. */
  async function openPage(server: string, stepS?: number): Promise<{ report: PageReport; cells: string[][] }> {
    if (context === undefined) {
      context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
        executablePath: chromiumBin,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      });
    }
    const params = new URLSearchParams({
      server,
      selector: 'demo_requests_total',
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      expr: EXPR,
    });
    if (stepS !== undefined) params.set('step', String(stepS));
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    tab.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
    });
    try {
      await tab.goto(`${page!.url}?${params}`);
      await tab.waitForFunction(() => globalThis.promqlInBrowser !== undefined, undefined, { timeout: 60_000 });
      const report: PageReport = await tab.evaluate(() => globalThis.promqlInBrowser!);
      const cells = await tab
        .locator('#server-result table tr')
        .evaluateAll((rows) =>
          rows.slice(1).map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent ?? '')),
        );
      expect(errors).toEqual([]);
      return { report, cells };
    } finally {
      await tab.close();
    }
  }

  /** What the page computed from `server`'s series, against what `server` answers. */
  async function checkAgainst(server: string): Promise<void> {
    const answer = await serverAnswer(server, endMs);
    expect(Object.keys(answer).sort()).toEqual(['api', 'web']);
    for (const [job, v] of Object.entries(want)) expect(answer[job]).toBeCloseTo(v, 9);
    for (const stepS of [undefined, STEP_MS / 1000]) {
      const { report, cells } = await openPage(server, stepS);
      expect(report.userAgent).toMatch(/HeadlessChrome|Chrome/);
      // The demo data made in the page: 2 and 5 requests per second.
      expect(report.demo.samples).toBe(82);
      expect(report.demo.outcome).toEqual({
        ok: true,
        type: 'vector',
        series: [
          { metric: { job: 'api' }, points: [[600_000, expect.closeTo(2, 9)]] },
          { metric: { job: 'web' }, points: [[600_000, expect.closeTo(5, 9)]] },
        ],
      });
      const s = report.server!;
      expect(s.fetched).toMatchObject({ series: 4, samples: 4 * SAMPLES, histogramSeriesSkipped: 0 });
      expect(s.fetched?.url).toContain(stepS === undefined ? '/api/v1/query?' : '/api/v1/query_range?');
      if (!s.outcome.ok) throw new Error(`the page's query failed: ${s.outcome.error}`);
      const got = Object.fromEntries(s.outcome.series.map((r) => [r.metric.job, r.points[0]?.[1]]));
      expect(Object.keys(got).sort()).toEqual(['api', 'web']);
      for (const [job, v] of Object.entries(answer)) expect(got[job]).toBeCloseTo(v, 9);
      // The page shows them.
      expect(cells.map(([series, value]) => [series, Number(value)])).toEqual(
        s.outcome.series.map((r) => [`{job="${r.metric.job}"}`, r.points[0]?.[1]]),
      );
    }
  }

  runIt(`runs PromQL over demo data and over series fetched from tsprom${reason}`, { timeout: 600_000 }, async () => {
    const tsprom = await startServer(
      process.execPath,
      [
        '--conditions=@tsprom/source',
        '--import',
        import.meta.resolve('tsx'),
        join(WORKSPACE_ROOT, 'apps/server/src/cli.ts'),
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--web.listen-address=127.0.0.1:0',
      ],
      { readyPath: '/-/ready', timeoutMs: 180_000 },
    );
    peers.push(tsprom);
    try {
      await checkAgainst(tsprom.url);
    } finally {
      await tsprom.stop();
    }
  });

  runProm(`runs PromQL over series fetched from Prometheus 2.42${promReason}`, { timeout: 600_000 }, async () => {
    // A copy of the data directory: Prometheus may compact or rewrite it.
    await cp(join(dir, 'data'), join(dir, 'prom-data'), { recursive: true });
    const prom = await startPrometheus({ configFile: join(dir, 'prometheus.yml'), dataDir: join(dir, 'prom-data') });
    peers.push(prom);
    try {
      await checkAgainst(prom.url);
    } finally {
      await prom.stop();
    }
  });
});
