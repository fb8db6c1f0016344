// Interop: on a data dir written by real Prometheus 2.42 (scraping itself on 127.0.0.1 for a few
// seconds), `tspromtool tsdb dump` prints exactly what `promtool tsdb dump` prints. Skipped with
// a reason when the binaries are missing (fails under CI).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { main } from '../main.js';

const prometheus = '/usr/bin/prometheus';
const promtool = '/usr/bin/promtool';
const have = existsSync(prometheus) && existsSync(promtool);
const runIt = have || process.env.CI ? it : it.skip;
const reason = have ? '' : ` (skipped: ${prometheus} or ${promtool} is not installed)`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

runIt(`prints what promtool prints for a Prometheus 2.42 WAL${reason}`, { timeout: 120_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'promtool-dump-interop-'));
  const data = join(root, 'data');
  const port = await freePort();
  const cfg = join(root, 'prometheus.yml');
  await writeFile(
    cfg,
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  const child = spawn(
    prometheus,
    [`--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 30_000;
    // Wait until it has scraped itself a few times: `up` shows in a query once it has.
    let scraped = 0;
    while (scraped < 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=count_over_time(up[1m])`);
        const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
        scraped = Number(body.data?.result?.[0]?.value[1] ?? 0);
      } catch {
        // Not up yet: retry until the deadline.
      }
    }
    expect(scraped).toBeGreaterThanOrEqual(4);
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  try {
    const theirs = await promisify(execFile)(promtool, ['tsdb', 'dump', data], { maxBuffer: 256 << 20 });
    const out: string[] = [];
    const code = await main(['tsdb', 'dump', data], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect(code).toBe(0);
    const ours = out.join('');
    expect(theirs.stdout.split('\n').length).toBeGreaterThan(100);
    expect(ours).toBe(theirs.stdout);
    const matched = await main(['tsdb', 'dump', '--match=up', data], { stdout: (t) => out.push(t), stderr: () => {} });
    expect(matched).toBe(0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
