// tsprom's web UI in agent mode, in headless Chromium: `tsprom --agent` (its default configuration,
// which scrapes itself) with a temporary data directory serves the built UI; `/` leads to the
// agent page, the header says "Prometheus Agent" with no query or alerts pages, and the targets
// page lists the agent's own target. Skipped with the reason when /usr/bin/chromium is missing,
// and failing instead when CI is set.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { webUIDir } from '@tsprom/web-ui';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const chromiumBin = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumBin);
const runIt = haveChromium || process.env.CI ? it : it.skip;
const reason = haveChromium ? '' : ` (skipped: ${chromiumBin} is not installed)`;
const cli = join(dirname(fileURLToPath(import.meta.url)), '../../../apps/server/src/cli.ts');
const WAIT = { timeout: 120_000 };

describe('the web UI of tsprom --agent, in headless Chromium', () => {
  runIt(`shows the agent page and the agent's status pages only${reason}`, { timeout: 300_000 }, async () => {
    if (!existsSync(join(webUIDir, 'index.html'))) {
      throw new Error('packages/web-ui/dist is missing: run `pnpm build` first (`pnpm test` does)');
    }
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-agent-ui-'));
    const userDataDir = await mkdtemp(join(tmpdir(), 'tsprom-agent-ui-chromium-'));
    const proc = spawn(
      process.execPath,
      ['--conditions=@tsprom/source', '--import', import.meta.resolve('tsx'), cli, '--agent'].concat(
        '--web.listen-address=127.0.0.1:0',
      ),
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const collect = (d: Buffer): void => {
      out += d.toString();
    };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumBin,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      let url = '';
      for (const deadline = Date.now() + 120_000; url === ''; await sleep(100)) {
        const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(out);
        if (m !== null) url = `http://127.0.0.1:${m[1]}`;
        else if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`tsprom did not start:\n${out}`);
      }
      const page = await context.newPage();
      await expect.poll(async () => (await fetch(`${url}/-/ready`)).status, WAIT).toBe(200);
      await page.goto(`${url}/`);
      expect(new URL(page.url()).pathname).toBe('/agent');
      await page.locator('main h2', { hasText: 'Prometheus Agent' }).waitFor();
      expect(await page.locator('main').textContent()).toContain('running in agent mode');
      expect(await page.locator('a.brand').textContent()).toBe('Prometheus Agent');
      const nav = (await page.locator('header nav').textContent()) ?? '';
      expect(nav).not.toContain('Query');
      expect(nav).not.toContain('Alerts');
      expect(nav).not.toContain('Rule health');
      expect(nav).toContain('Target health');
      // The agent scrapes itself (the default configuration): its target shows up.
      await page.goto(`${url}/targets`);
      await expect.poll(async () => (await page.locator('main').textContent()) ?? '', WAIT).toContain('prometheus');
      // Pages of server mode do not exist in agent mode.
      expect((await fetch(`${url}/query`)).status).toBe(404);
    } finally {
      await context.close();
      if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});
