// tsprom's web UI in headless Chromium: tsprom runs from source (its default configuration, which
// scrapes itself) on 127.0.0.1 with a port of its choosing and a temporary data directory; the
// built UI (@tsprom/web-ui's dist/static, which `pnpm test` builds first) is served by it. The test
// types a query and accepts an autocompletion from the server's metric names, sees the table and
// the graph, runs a subexpression from the Explain tree, and opens the targets, service discovery
// and status pages. Screenshots go to screenshots/ (gitignored), kept as test artifacts. Skipped
// with the reason when /usr/bin/chromium is missing, and failing instead when CI is set.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { webUIDir } from '@tsprom/web-ui';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
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

/** tsprom from source; its port read from the "Listening on" line; stopped by PID. */
async function startTsprom(
  cwd: string,
  args: readonly string[] = [],
): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const tsx = import.meta.resolve('tsx');
  const proc = spawn(
    process.execPath,
    ['--conditions=@tsprom/source', '--import', tsx, cli, '--web.listen-address=127.0.0.1:0', ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const collect = (d: Buffer): void => {
    out += d.toString();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(out);
    if (m !== null) return { proc, url: `http://127.0.0.1:${m[1]}`, output: () => out };
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`tsprom did not start:\n${out}`);
    }
    await sleep(100);
  }
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

/** Polls `fn` until true; the deadline is generous, the outcome is what is asserted. */
async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // Not answering yet.
    }
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Two jobs with relabel rules: one keeps its target (adding a label), one drops its target. */
const RELABEL_CONFIG = `global:
  scrape_interval: 1h
scrape_configs:
  - job_name: relabeled
    static_configs:
      - targets: ["127.0.0.1:1"]
        labels: { team: a }
    relabel_configs:
      - target_label: env
        replacement: demo
      - source_labels: [team]
        regex: b
        action: drop
  - job_name: dropping
    static_configs:
      - targets: ["127.0.0.1:2"]
    relabel_configs:
      - source_labels: [__address__]
        regex: "127.0.0.1:2"
        action: drop
`;

describe('the web UI served by tsprom, in headless Chromium', () => {
  let dataDir: string;
  let userDataDir: string;
  const servers: { proc: ChildProcess; url: string; output: () => string }[] = [];
  const launch = (): Promise<BrowserContext> =>
    chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumBin,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });

  beforeAll(async () => {
    if (!existsSync(join(webUIDir, 'index.html'))) {
      throw new Error('packages/web-ui/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    await mkdir(screenshots, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'tsprom-webui-'));
    await mkdir(join(dataDir, 'a'));
    await mkdir(join(dataDir, 'b'));
    await mkdir(join(dataDir, 'c'));
    userDataDir = await mkdtemp(join(tmpdir(), 'tsprom-webui-chromium-'));
  });
  afterAll(async () => {
    for (const { proc: p } of servers) {
      if (p.pid === undefined || p.exitCode !== null) continue;
      const exited = new Promise((resolve) => p.once('exit', resolve));
      process.kill(p.pid, 'SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    await rm(userDataDir, { recursive: true, force: true });
  });

  runIt(`query with autocompletion, table, graph, explain; status pages${reason}`, { timeout: 600_000 }, async () => {
    const server = await startTsprom(join(dataDir, 'a'));
    servers.push(server);
    const url = server.url;
    // The default configuration scrapes tsprom itself: wait until `up` has its sample.
    await waitFor('up{job="prometheus"} == 1', async () => {
      const r = await fetch(`${url}/api/v1/query?query=up`);
      const body = (await r.json()) as { data?: { result: { value: [number, string] }[] } };
      return body.data?.result[0]?.value[1] === '1';
    });

    const context = await launch();
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
      });

      // `/` redirects to the Query page.
      await page.goto(`${url}/`);
      await page.waitForURL(/\/query/);
      const editor = page.locator('.query-panel .cm-content').first();
      await editor.click();
      await page.keyboard.type('prometheus_http_requests_tot');
      // codemirror-promql asks this server for metric names; accept the completion with Enter.
      const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'prometheus_http_requests_total' });
      await option.first().waitFor();
      await shot(page, '01-autocomplete');
      // Clicked: CodeMirror ignores Enter for 75 ms after the list (re)opens, a race on a busy host.
      await option.first().click();
      await expect.poll(() => editor.textContent(), WAIT).toBe('prometheus_http_requests_total');
      await editor.click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter'); // Runs the query.

      // Table: one row per series, each named and with a value.
      const rows = page.locator('.result-table tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await rows.first().locator('.metric-name').textContent()).toBe('prometheus_http_requests_total');
      expect(Number(await rows.first().locator('td.value').textContent())).toBeGreaterThan(0);
      await shot(page, '02-table');

      // Graph: uPlot draws the range query; its legend names the series.
      await page.locator('button.tab[data-tab="graph"]').first().click();
      await page.locator('.graph-chart .uplot canvas').first().waitFor();
      await expect.poll(() => page.locator('.u-legend .u-series').count(), WAIT).toBeGreaterThan(1);
      expect(await page.locator('.u-legend').first().textContent()).toContain('prometheus_http_requests_total');
      // A 5m range (tsprom just started), stacked.
      await page.locator('input.range-input').fill('5m');
      await page.locator('input.range-input').press('Enter');
      await page.locator('input.stacked-input').check();
      await page.locator('.graph-chart .uplot canvas').first().waitFor();
      await shot(page, '03-graph');
      // Dragging across the chart zooms into that time range: the range shrinks below 5m.
      const over = await page.locator('.graph-chart .u-over').first().boundingBox();
      if (over === null) throw new Error('the chart has no drawing area');
      await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
      await page.mouse.down();
      await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2, { steps: 5 });
      await page.mouse.up();
      await expect.poll(() => page.locator('input.range-input').inputValue(), WAIT).toMatch(/^1m\d/);
      // A fresh Query page (evaluation time: now) for Explain; the history stays in localStorage.
      await page.goto(`${url}/query`);
      await editor.waitFor();

      // Explain: the tree of a binary expression; run its right-hand side on its own.
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('sum(up) + count(up)');
      await page.keyboard.press('Escape'); // Closes a completion list, if one opened.
      await page.locator('button.tab[data-tab="explain"]').first().click();
      const node = page.locator('.tree-node-row', {
        has: page.locator('code.tree-node-expr', { hasText: /^count\(up\)$/ }),
      });
      await node.waitFor();
      expect(await page.locator('.tree-node-expr').first().textContent()).toBe('sum(up) + count(up)');
      await node.locator('button.tree-node-run').click();
      const result = page.locator('.explain-result');
      await result.locator('.result-table').waitFor();
      expect(await result.locator('.explain-result-title').textContent()).toContain('count(up) (1 series)');
      expect(await result.locator('td.value').first().textContent()).toBe('1');
      await shot(page, '04-explain');

      // The metrics explorer lists the metric names; picking one replaces the selection.
      await editor.click();
      await page.keyboard.press('Control+A');
      await page.locator('button.metrics-explorer-btn').first().click();
      await page.locator('.metrics-explorer .modal-filter').fill('scrape_dur');
      await page.locator('.metrics-explorer .modal-item', { hasText: 'scrape_duration_seconds' }).first().click();
      await expect.poll(() => editor.textContent(), WAIT).toBe('scrape_duration_seconds');

      // The query was stored in the history, which lists it.
      await page.locator('button.history-btn').first().click();
      await page.locator('.query-history .modal-item', { hasText: 'prometheus_http_requests_total' }).first().waitFor();
      await page.keyboard.press('Escape');
      await page.locator('.modal-overlay').evaluate((el) => el.remove());

      // Target health: tsprom's own target, up.
      await page.locator('.dropdown-toggle').click();
      await page.locator('.dropdown-item[data-path="/targets"]').click();
      const pool = page.locator('section.pool[data-pool="prometheus"]');
      await pool.locator('.health-up').first().waitFor();
      expect(await pool.locator('h3 .badge').textContent()).toBe('1 / 1 up');
      await shot(page, '05-targets');

      // Service discovery: discovered labels and the target labels relabeling made of them.
      await page.goto(`${url}/service-discovery`);
      const sd = page.locator('section.pool[data-pool="prometheus"] .sd-table tbody tr').first();
      await sd.waitFor();
      expect(await sd.locator('td').nth(0).textContent()).toContain('__address__="');
      expect(await sd.locator('td').nth(1).textContent()).toContain('job="prometheus"');
      await shot(page, '06-service-discovery');

      // Status pages.
      const pages: [string, string, string][] = [
        ['/status', '.runtimeinfo-table', 'storageRetention'],
        ['/tsdb-status', '.head-stats', 'Number of series'],
        ['/flags', '.flags-table', '--storage.tsdb.path'],
        ['/config', '.config-yaml', 'job_name: prometheus'],
        ['/alerts', '.alert-info', 'No alerting rules configured'],
        ['/rules', '.alert-info', 'No rules configured'],
        ['/alertmanager-discovery', 'main h3', 'Active Alertmanagers (0)'],
      ];
      for (const [path, selector, text] of pages) {
        await page.goto(`${url}${path}`);
        const el = page.locator(selector).first();
        await el.waitFor();
        expect(await el.textContent(), path).toContain(text);
        await shot(page, `07${path.replaceAll('/', '-')}`);
      }
      // Prometheus 2's /graph links still open the Query page, with their expression.
      await page.goto(`${url}/graph?g0.expr=up&g0.tab=1`);
      await page.locator('.result-table .metric-name', { hasText: 'up' }).first().waitFor();
      expect(errors).toEqual([]);
    } catch (err) {
      // What the page showed when it failed, beside the other screenshots.
      const open = context.pages().at(-1);
      if (open !== undefined) await shot(open, 'failure').catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  });

  runIt(`serves the UI, its API calls and links under --web.route-prefix${reason}`, { timeout: 600_000 }, async () => {
    const server = await startTsprom(join(dataDir, 'b'), ['--web.route-prefix=/prom']);
    servers.push(server);
    const url = `${server.url}/prom`;
    // A scrape writes `scrape_duration_seconds` whether or not it succeeds: a metric to complete.
    await waitFor('scrape_duration_seconds', async () => {
      const r = await fetch(`${url}/api/v1/query?query=scrape_duration_seconds`);
      const body = (await r.json()) as { data?: { result: unknown[] } };
      return (body.data?.result.length ?? 0) > 0;
    });
    const context = await launch();
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await page.goto(`${url}/`);
      await page.waitForURL(/\/prom\/query/);
      const editor = page.locator('.query-panel .cm-content').first();
      await editor.click();
      await page.keyboard.type('scrape_duration_sec');
      await page.locator('.cm-tooltip-autocomplete li', { hasText: 'scrape_duration_seconds' }).first().click();
      await expect.poll(() => editor.textContent(), WAIT).toBe('scrape_duration_seconds');
      await page.locator('button.execute-btn').first().click();
      await page.locator('.result-table .metric-name', { hasText: 'scrape_duration_seconds' }).first().waitFor();
      await page.locator('.dropdown-toggle').click();
      await page.locator('.dropdown-item[data-path="/targets"]').click();
      await page.locator('section.pool[data-pool="prometheus"]').waitFor();
      expect(new URL(page.url()).pathname).toBe('/prom/targets');
      await shot(page, '08-route-prefix-targets');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
  runIt(
    `service discovery shows a target's relabel steps; TSDB status shows the blocks; notifications${reason}`,
    { timeout: 600_000 },
    async () => {
      const dir = join(dataDir, 'c');
      // One block in the data dir: a head's samples written out as a snapshot.
      const src = await DB.open(join(dir, 'src'));
      const app = src.appender();
      for (let i = 0, ref = 0; i < 10; i++) ref = app.append(ref, Labels.fromStrings('__name__', 'm'), i * 1000, i);
      await app.commit();
      await mkdir(join(dir, 'data'));
      const [ulid] = await src.snapshot(join(dir, 'data'), true);
      await src.close();
      await writeFile(join(dir, 'prometheus.yml'), RELABEL_CONFIG);
      const server = await startTsprom(dir, [
        '--config.file=prometheus.yml',
        '--storage.tsdb.path=data',
        '--web.enable-lifecycle',
      ]);
      servers.push(server);
      const url = server.url;
      await waitFor('both scrape pools', async () => {
        const r = await fetch(`${url}/api/v1/scrape_pools`);
        return ((await r.json()) as { data?: { scrapePools: string[] } }).data?.scrapePools.length === 2;
      });
      const context = await launch();
      const errors: string[] = [];
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(WAIT.timeout);
        page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
        page.on('console', (msg) => {
          if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
        });

        // The kept target: discovered labels, each rule with the labels after it, the target labels.
        await page.goto(`${url}/service-discovery`);
        const row = page.locator('section.pool[data-pool="relabeled"] .sd-table tbody tr').first();
        await row.locator('button.relabel-toggle').click();
        const steps = page.locator('section.pool[data-pool="relabeled"] .relabel-steps');
        await steps.waitFor();
        expect(await steps.locator('.relabel-step').count()).toBe(2);
        const first = steps.locator('.relabel-step[data-step="1"]');
        expect(await first.locator('.relabel-rule').textContent()).toContain('replacement');
        expect(await first.locator('.label-badge-changed').allTextContents()).toEqual(['env="demo"']);
        expect(await steps.textContent()).toContain('Target labels');
        await shot(page, '09-relabel-steps');
        // Collapsed again by the same button.
        await row.locator('button.relabel-toggle').click();
        await expect.poll(() => page.locator('.relabel-steps').count(), WAIT).toBe(0);

        // The dropped target: its rule drops it.
        const dropped = page.locator('section.pool[data-pool="dropping"] .sd-table tbody tr').first();
        expect(await dropped.textContent()).toContain('Dropped');
        await dropped.locator('button.relabel-toggle').click();
        const dsteps = page.locator('section.pool[data-pool="dropping"] .relabel-steps');
        await dsteps.locator('.relabel-dropped').waitFor();
        expect(await dsteps.locator('.relabel-rule').textContent()).toContain('drop');
        expect(await dsteps.textContent()).not.toContain('Target labels');
        await shot(page, '10-relabel-dropped');

        // Target health: the scrape pool picker (scrape_pools) and a pool's configuration.
        await page.goto(`${url}/targets`);
        const select = page.locator('select.pool-select');
        await select.waitFor();
        expect(await select.locator('option').allTextContents()).toEqual(['All scrape pools', 'dropping', 'relabeled']);
        await page.locator('section.pool[data-pool="relabeled"]').waitFor();
        await select.selectOption('relabeled');
        await page.locator('section.pool[data-pool="relabeled"] button.pool-config-btn').click();
        const poolConfig = page.locator('section.pool[data-pool="relabeled"] pre.pool-config');
        await expect.poll(() => poolConfig.textContent(), WAIT).toMatch(/^job_name: relabeled\n/);
        expect(await poolConfig.textContent()).toContain('replacement: demo');
        await shot(page, '11-targets-pool-config');
        await select.selectOption('dropping');
        await expect.poll(() => page.locator('section.pool').count(), WAIT).toBe(0); // Its target is dropped.

        // TSDB status lists the block.
        await page.goto(`${url}/tsdb-status`);
        const block = page.locator('.tsdb-blocks tbody tr').first();
        await block.waitFor();
        expect(await block.locator('td').first().textContent()).toBe(ulid);
        expect(await block.locator('td').nth(3).textContent()).toBe('9s1ms');
        expect(await block.locator('td').nth(5).textContent()).toBe('10');
        expect(await page.locator('main h3', { hasText: /^Blocks/ }).textContent()).toBe('Blocks (1)');
        await shot(page, '12-tsdb-blocks');

        // Notifications: a failed reload shows up live in the header's menu, a good one clears it.
        const count = page.locator('.notifications-count');
        expect(await count.textContent()).toBe('');
        await writeFile(join(dir, 'prometheus.yml'), 'scrape_configs: [\n');
        expect((await fetch(`${url}/-/reload`, { method: 'POST' })).status).toBe(500);
        await expect.poll(() => count.textContent(), WAIT).toBe('1');
        await page.locator('button.notifications-btn').click();
        expect(await page.locator('.notifications-list .notification-text').allTextContents()).toEqual([
          'Configuration reload has failed.',
        ]);
        await shot(page, '13-notifications');
        await writeFile(join(dir, 'prometheus.yml'), RELABEL_CONFIG);
        expect((await fetch(`${url}/-/reload`, { method: 'POST' })).status).toBe(200);
        await expect.poll(() => count.textContent(), WAIT).toBe('');
        expect(await page.locator('.notifications-list').textContent()).toBe('No notifications');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  runIt(`shows alerting rules with their alerts, and rule health${reason}`, { timeout: 600_000 }, async () => {
    const dir = join(dataDir, 'rules');
    await mkdir(dir);
    await writeFile(
      join(dir, 'rules.yml'),
      `groups:
  - name: demo
    interval: 1s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - record: duplicated
        expr: label_replace(up, "x", "a", "", "") or label_replace(up, "x", "b", "", "")
        labels:
          x: same
      - alert: TargetUp
        expr: max_over_time(up[1h]) > 0
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.job }} is up"
      - alert: SlowlyUp
        expr: max_over_time(up[1h]) > 0
        for: 1h
      - alert: NeverFires
        expr: up < 0
`,
    );
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
`,
    );
    const server = await startTsprom(dir, ['--config.file=prometheus.yml', '--web.enable-lifecycle']);
    servers.push(server);
    const url = server.url;
    // No scrape config: rules see `up` only once a job scrapes; the server scrapes itself by reload.
    // The alerts read max_over_time(up[1h]), not up: on a loaded machine a scrape can outlast its
    // 1 s timeout, and up = 0 would resolve TargetUp and reset SlowlyUp while the page loads.
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: [${JSON.stringify(new URL(url).host)}]
`,
    );
    const reloaded = await fetch(`${url}/-/reload`, { method: 'POST' });
    expect(reloaded.status, await reloaded.text()).toBe(200);
    await waitFor('TargetUp firing', async () => {
      const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: { state: string }[] } };
      return body.data.alerts.some((a) => a.state === 'firing');
    });
    const context = await launch();
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
      });

      // Alerts: the group with its state counts; the firing rule open with its alert.
      await page.goto(`${url}/alerts`);
      const group = page.locator('section.alert-group[data-group="demo"]');
      await group.waitFor();
      expect(await group.locator('h3 [data-count]').allTextContents()).toEqual([
        'inactive (1)',
        'pending (1)',
        'firing (1)',
      ]);
      const firing = group.locator('details.alert-rule[data-rule="TargetUp"]');
      expect(await firing.getAttribute('data-state')).toBe('firing');
      const row = firing.locator('.alerts-table tbody tr').first();
      expect(await row.locator('.label-badge').allTextContents()).toContain('severity="page"');
      expect(await row.locator('td').nth(1).textContent()).toBe('FIRING');
      expect(await row.locator('td').nth(3).textContent()).toBe('1e+00');
      expect(await firing.locator('.alert-annotations dd').first().textContent()).toBe('prometheus is up');
      expect(await group.locator('details.alert-rule[data-rule="SlowlyUp"]').getAttribute('data-state')).toBe(
        'pending',
      );
      await shot(page, '14-alerts');
      // The state filter: without firing rules, TargetUp is hidden, the others stay.
      await page.locator('input[data-state-filter="firing"]').uncheck();
      await expect.poll(() => page.locator('details.alert-rule').count(), WAIT).toBe(2);
      expect(await page.locator('details.alert-rule[data-rule="TargetUp"]').count()).toBe(0);

      // Rule health: every rule with health, last evaluation and evaluation time; the error shown.
      await page.goto(`${url}/rules`);
      const rows = page.locator('section.rule-group[data-group="demo"] .rules-table tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(5);
      expect(await rows.nth(0).locator('td').nth(0).textContent()).toContain('record: job:up:sum');
      expect(await rows.nth(0).locator('td').nth(1).textContent()).toBe('OK');
      expect(await rows.nth(0).locator('td').nth(2).textContent()).toMatch(/ago$/);
      expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe('ERR');
      expect(await rows.nth(1).locator('.rule-error').textContent()).toContain(
        'vector contains metrics with the same labelset after applying rule labels',
      );
      await shot(page, '15-rules');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
