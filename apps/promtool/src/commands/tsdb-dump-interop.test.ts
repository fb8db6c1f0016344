// Interop: on a data dir written by real Prometheus 2.42 (scraping itself on 127.0.0.1 for a few
// seconds), `tspromtool tsdb dump` prints exactly what `promtool tsdb dump` prints. Skipped with
// a reason when the binaries are missing (fails under CI). Debian's binaries by default, or
// TSPROM_PROMETHEUS and TSPROM_PROMTOOL.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';
import { main } from '../main.js';

const prometheus = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const promtool = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool';
const have = existsSync(prometheus) && existsSync(promtool);
const runIt = have || process.env.CI ? it : it.skip;
const reason = have ? '' : ` (skipped: ${prometheus} or ${promtool} is not installed)`;

/** Polls `f` every 200 ms until it returns true; throws `what` after `timeoutMs`, or once `exited()` is true. */
async function until(f: () => Promise<boolean>, what: string, exited: () => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await f()) return;
    } catch {
      // Not answering yet: retry until the deadline.
    }
    if (exited()) throw new Error(`prometheus exited: ${what}`);
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(200);
  }
}

runIt(`prints what promtool prints for a Prometheus 2.42 WAL${reason}`, { timeout: 300_000 }, async () => {
  expect(have, `${prometheus} or ${promtool} is missing (required when CI is set)`).toBe(true);
  const root = await mkdtemp(join(tmpdir(), 'promtool-dump-interop-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const data = join(root, 'data');
  const cfg = join(root, 'prometheus.yml');
  await writeFile(cfg, 'global:\n  scrape_interval: 1s\n');
  // Port 0: Prometheus picks a free port and logs it; then it is told to scrape itself there.
  const child = spawn(
    prometheus,
    [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${data}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  onTestFinished(() => void child.kill('SIGKILL')); // Even when the test timed out before its finally.
  let log = '';
  child.stderr.on('data', (d: Buffer) => {
    log += d.toString();
  });
  try {
    let base = '';
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    await until(
      async () => {
        const port = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log)?.[1];
        if (port === undefined) return false;
        base = `http://127.0.0.1:${port}`;
        return (await fetch(`${base}/-/ready`)).ok;
      },
      'prometheus not ready',
      gone,
    );
    await writeFile(
      cfg,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['${base.slice('http://'.length)}']\n`,
    );
    const reload = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(reload.status, await reload.text()).toBe(200);
    // Wait until it has scraped itself a few times: `up` counts them.
    await until(
      async () => {
        const res = await fetch(`${base}/api/v1/query?query=count_over_time(up[1m])`);
        const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
        return Number(body.data?.result?.[0]?.value[1] ?? 0) >= 4;
      },
      `4 scrapes of itself\n${log}`,
      gone,
    );
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  const theirs = await promisify(execFile)(promtool, ['tsdb', 'dump', data], { maxBuffer: 256 << 20 });
  const out: string[] = [];
  const code = await main(['tsdb', 'dump', data], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
  expect(code).toBe(0);
  const ours = out.join('');
  expect(theirs.stdout.split('\n').length).toBeGreaterThan(100);
  expect(ours).toBe(theirs.stdout);
  const matched = await main(['tsdb', 'dump', '--match=up', data], { stdout: (t) => out.push(t), stderr: () => {} });
  expect(matched).toBe(0);
});
