// Native histograms in tsprom's web UI, in headless Chromium: tsprom runs from source with the
// remote write receiver on (127.0.0.1, a port of its choosing, a temporary data directory, nothing
// scraped), is sent a series of native histograms by Remote Write 1.0, and the Query page is
// opened on it. The Table tab shows the last histogram as Prometheus's UI does (count, sum, a bar
// per bucket over its boundaries on an exponential or linear axis, the bucket table); the Graph tab
// draws the sum and a heatmap of the buckets over time. Screenshots go to screenshots/
// (gitignored). Skipped with the reason when /usr/bin/chromium is missing, failing when CI is set.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CounterResetHint, type Histogram } from '@tsprom/storage-interfaces';
import { encodeHistogramWriteRequest, type ServerPeer, snappyLiterals, startServer } from '@tsprom/test-support';
import { webUIDir } from '@tsprom/web-ui';
import { chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const chromiumBin = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumBin);
const runIt = haveChromium || process.env.CI ? it : it.skip;
const reason = haveChromium ? '' : ` (skipped: ${chromiumBin} is not installed)`;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const cli = join(root, 'apps/server/src/cli.ts');
const screenshots = join(here, '../screenshots');
// Deadlines for outcomes, never timing assertions: CI runs on 2 busy cores.
const WAIT = { timeout: 120_000 };

const STEP_MS = 15_000;
const SAMPLES = 41; // 10 minutes.
/**
 * Sample k (0-based) of the counter histogram: schema 0 (boundaries at powers of 2), zero bucket
 * [-0.25, 0.25] with 2(k+1), one negative bucket [-1, -0.5) with k+1, and positive buckets
 * (0.5, 1], (1, 2], (2, 4], (4, 8] with 3, 5, 4, 1 times k+1: 16(k+1) observations in all.
 */
function sample(k: number): Histogram {
  const f = k + 1;
  return {
    counterResetHint: k === 0 ? CounterResetHint.Unknown : CounterResetHint.NotCounterReset,
    schema: 0,
    zeroThreshold: 0.25,
    zeroCount: 2 * f,
    count: 16 * f,
    sum: 30 * f,
    positiveSpans: [{ offset: 0, length: 4 }],
    positiveBuckets: [3 * f, 2 * f, -1 * f, -3 * f], // Deltas: 3, 5, 4, 1 times f.
    negativeSpans: [{ offset: 0, length: 1 }],
    negativeBuckets: [f],
  };
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

describe('native histograms in the web UI served by tsprom, in headless Chromium', () => {
  let dir: string;
  let server: ServerPeer | undefined;
  // Whole minutes, so that the graph's steps fall on the samples.
  const endMs = Math.floor(Date.now() / 60_000) * 60_000;
  const startMs = endMs - (SAMPLES - 1) * STEP_MS;

  beforeAll(async () => {
    if (!existsSync(join(webUIDir, 'index.html'))) {
      throw new Error('packages/web-ui/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    await mkdir(screenshots, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'tsprom-webui-hist-'));
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  });
  afterAll(async () => {
    await server?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  runIt(`table: count, sum and the bucket chart; graph: sum and heatmap${reason}`, { timeout: 600_000 }, async () => {
    server = await startServer(
      process.execPath,
      [
        '--conditions=@tsprom/source',
        '--import',
        import.meta.resolve('tsx'),
        cli,
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--web.listen-address=127.0.0.1:0',
        '--web.enable-remote-write-receiver',
      ],
      { readyPath: '/-/ready', timeoutMs: 180_000 },
    );
    const body = encodeHistogramWriteRequest([
      {
        labels: [
          ['__name__', 'request_duration_seconds'],
          ['job', 'api'],
        ],
        samples: Array.from({ length: SAMPLES }, (_, k) => ({ t: startMs + k * STEP_MS, h: sample(k), float: false })),
      },
    ]);
    const res = await fetch(`${server.url}/api/v1/write`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-protobuf',
        'Content-Encoding': 'snappy',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
      },
      body: Buffer.from(snappyLiterals(body)),
    });
    expect(res.status, await res.text()).toBe(204);

    const context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: chromiumBin,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
      });
      const query = (tab: string) =>
        `${server!.url}/query?g0.expr=request_duration_seconds&g0.tab=${tab}&g0.end_ms=${endMs}&g0.range_ms=${endMs - startMs}&g0.step_ms=${STEP_MS}`;

      // Table: the last histogram (k = 40, 41 times the base counts).
      await page.goto(query('table'));
      const view = page.locator('.result-table .histogram-view');
      await view.waitFor();
      expect(await page.locator('.result-table .metric-name').textContent()).toBe('request_duration_seconds');
      expect(await view.locator('.histogram-count').textContent()).toBe(String(16 * 41));
      expect(await view.locator('.histogram-sum').textContent()).toBe(String(30 * 41));
      const bars = view.locator('.histogram-bucket');
      expect(await bars.count()).toBe(6);
      const ranges = await bars.evaluateAll((els) => els.map((e) => [e.dataset.range, e.dataset.count]));
      expect(ranges).toEqual([
        ['[-1, -0.5)', '41'],
        ['[-0.25, 0.25]', '82'],
        ['(0.5, 1]', '123'],
        ['(1, 2]', '205'],
        ['(2, 4]', '164'],
        ['(4, 8]', '41'],
      ]);
      // The bucket table lists the same.
      expect(await view.locator('.histogram-buckets tbody tr').count()).toBe(6);
      expect(await view.locator('.histogram-buckets tbody tr').nth(3).textContent()).toBe('(1, 2]205');
      await shot(page, 'histogram-01-table-exponential');

      const widths = async () => {
        const out: number[] = [];
        for (let i = 0; i < 6; i++) out.push((await bars.nth(i).boundingBox())?.width ?? Number.NaN);
        return out;
      };
      const heights = async () => {
        const out: number[] = [];
        for (let i = 0; i < 6; i++) out.push((await bars.nth(i).boundingBox())?.height ?? Number.NaN);
        return out;
      };
      // Exponential axis (the default): regular buckets and the zero bucket equally wide; the
      // heights are the counts, the fullest bucket (1, 2] the tallest.
      expect(await view.locator('.histogram-chart').getAttribute('data-scale')).toBe('exponential');
      const expW = await widths();
      for (const w of expW) expect(Math.abs(w - (expW[2] as number))).toBeLessThan(2);
      const expH = await heights();
      expect(Math.max(...expH)).toBe(expH[3]);
      expect((expH[3] as number) / (expH[5] as number)).toBeCloseTo(5, 1);

      // Linear axis: widths follow the boundaries ((4, 8] is 8 times (0.5, 1]), heights are the
      // frequency densities (count / width): (0.5, 1] at 123 / 0.5 the tallest, above the zero
      // bucket at 82 / 0.5 and (1, 2] at 205 / 1.
      await view.locator('button.histogram-scale[data-scale="linear"]').click();
      await expect.poll(() => view.locator('.histogram-chart').getAttribute('data-scale'), WAIT).toBe('linear');
      const linW = await widths();
      expect((linW[5] as number) / (linW[2] as number)).toBeCloseTo(8, 0);
      const linH = await heights();
      expect(Math.max(...linH)).toBe(linH[2]);
      expect((linH[2] as number) / (linH[1] as number)).toBeCloseTo(123 / 82, 1);
      expect((linH[2] as number) / (linH[5] as number)).toBeCloseTo(123 / 0.5 / (41 / 4), 0);
      await shot(page, 'histogram-02-table-linear');

      // Graph: the sum drawn by uPlot (legend), and the heatmap of the 41 histograms' buckets.
      await page.goto(query('graph'));
      await page.locator('.graph-chart .uplot canvas').first().waitFor();
      expect(await page.locator('.u-legend').first().textContent()).toContain(
        'request_duration_seconds{job="api"} (histogram sum)',
      );
      const heatmap = page.locator('.histogram-heatmap');
      await heatmap.waitFor();
      expect(await heatmap.getAttribute('data-samples')).toBe(String(SAMPLES));
      expect(await heatmap.getAttribute('data-cells')).toBe(String(SAMPLES * 6));
      expect(await heatmap.getAttribute('data-max-count')).toBe(String(5 * 41));
      // The canvas has colour where the buckets are, in the chart's plotting area: the column of
      // the last sample (at its right edge) is painted, the margin left of the area is not.
      const painted = (x: number) =>
        heatmap.locator('canvas').evaluate((c: HTMLCanvasElement, px: number) => {
          const ctx = c.getContext('2d');
          if (ctx === null) return -1;
          const { data } = ctx.getImageData(Math.round(px), 0, 1, c.height);
          let n = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i + 2]! < 150) n++;
          return n;
        }, x);
      const plotLeft = Number(await heatmap.getAttribute('data-plot-left'));
      const plotWidth = Number(await heatmap.getAttribute('data-plot-width'));
      expect(plotLeft).toBeGreaterThan(20);
      expect(await painted(plotLeft + plotWidth - 2)).toBeGreaterThan(20);
      expect(await painted(plotLeft - 15)).toBe(0);
      expect(await painted(plotLeft + plotWidth + 4)).toBe(0);
      // The chart's plotting area is the same: its left edge and width the heatmap's.
      const over = await page.locator('.graph-chart .u-over').first().boundingBox();
      const canvasBox = await heatmap.locator('canvas').boundingBox();
      expect(Math.abs((over?.x ?? 0) - ((canvasBox?.x ?? 0) + plotLeft))).toBeLessThan(2);
      expect(Math.abs((over?.width ?? 0) - plotWidth)).toBeLessThan(2);
      await shot(page, 'histogram-03-graph-heatmap');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
