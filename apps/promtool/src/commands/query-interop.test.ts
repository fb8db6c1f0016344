// `tspromtool query instant|range|series|labels` against Debian's `promtool query …` (2.42), both
// asking the same running Prometheus 2.42 (127.0.0.1, a port of its choosing, stopped by PID) that
// serves blocks promtool backfilled from a fixed OpenMetrics file: the same standard output, standard
// error and exit code, for results of each type, both output formats, and API and argument errors.
// One difference is kept on purpose: a string result (`query instant URL '"hello"'`) is printed
// (`hello`), as promtool 3 does; promtool 2.42's client cannot decode it and fails.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const have = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
if (!have && process.env.CI) throw new Error(`${PROMETHEUS} or ${PROMTOOL} is missing (required when CI is set)`);

const T = 1_700_000_000;
const OPENMETRICS = `# TYPE m gauge
m{a="x",b="y"} 1 ${T}
m{a="x",b="y"} 2.5 ${T + 60}
m{a="z"} 1e+21 ${T}
m{a="z"} NaN ${T + 60}
# TYPE s gauge
s{q="quo\\"te"} -0.000001 ${T + 30}
# EOF
`;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe.runIf(have)('tspromtool query matches promtool 2.42 against Prometheus 2.42', () => {
  let root = '';
  let proc: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let url = '';
  let refused = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tsprom-query-interop-'));
    await writeFile(join(root, 'data.om'), OPENMETRICS);
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', 'data.om', 'data'], {
      cwd: root,
      stdio: 'pipe',
    });
    await writeFile(join(root, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    let log = '';
    const p = spawn(
      PROMETHEUS,
      [
        '--config.file=prometheus.yml',
        '--storage.tsdb.path=data',
        '--storage.tsdb.retention.time=100y',
        '--web.listen-address=127.0.0.1:0',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc = p;
    exited = new Promise((resolve) => p.once('exit', resolve));
    p.stderr.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const port = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log)?.[1];
      if (port !== undefined) {
        url = `http://127.0.0.1:${port}`;
        const ok = await fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
      }
      if (p.exitCode !== null) throw new Error(`prometheus exited:\n${log}`);
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 120 s:\n${log}`);
      await sleep(200);
    }
    refused = `http://127.0.0.1:${await closedPort()}`;
  }, 180_000);

  afterAll(async () => {
    if (proc?.pid !== undefined && proc.exitCode === null) {
      process.kill(proc.pid, 'SIGTERM');
      await exited;
    }
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  const cases: [string, string[]][] = [
    ['instant vector', ['instant', 'URL', 'm', `--time=${T + 60}`]],
    ['instant vector json', ['instant', '-o', 'json', 'URL', 'm', `--time=${T + 60}`]],
    ['group flag before the command', ['-o', 'json', 'instant', 'URL', 'm', `--time=${T + 60}`]],
    ['group flag before the command, joined', ['--format=json', 'series', 'URL', '--match=s']],
    ['instant big and NaN', ['instant', 'URL', 'm{a="z"}', `--time=${T}`]],
    ['instant quoted label, tiny value', ['instant', 'URL', 's', `--time=${T + 60}`]],
    ['instant empty', ['instant', 'URL', 'nothing', `--time=${T}`]],
    ['instant scalar', ['instant', 'URL', '1+1', `--time=${T}.5`]],
    ['instant scalar json', ['instant', '--format=json', 'URL', '1/3', '--time', `${T}`]],
    ['instant RFC 3339 time', ['instant', 'URL', 'sum(m)', '--time=2023-11-14T22:14:20Z']],
    ['instant bad query', ['instant', 'URL', 'sum(', `--time=${T}`]],
    ['instant bad time', ['instant', 'URL', 'm', '--time=yesterday']],
    ['range', ['range', 'URL', 'm', `--start=${T}`, `--end=${T + 120}`, '--step=30s']],
    ['range json', ['range', '-ojson', 'URL', 'm', `--start=${T}`, `--end=${T + 120}`, '--step=1m']],
    ['range default step', ['range', 'URL', 'sum(m)', `--start=${T}`, `--end=${T + 600}`]],
    ['range header', ['range', 'URL', 's', `--start=${T}`, `--end=${T + 60}`, '--step=15s', '--header=X-Foo=bar']],
    ['range start after end', ['range', 'URL', 'm', `--start=${T + 10}`, `--end=${T}`]],
    ['range bad start', ['range', 'URL', 'm', '--start=x', `--end=${T}`]],
    ['range too many points', ['range', 'URL', 'm', `--start=${T}`, `--end=${T + 86_400}`, '--step=1s']],
    ['series', ['series', 'URL', '--match=m', `--start=${T - 60}`, `--end=${T + 120}`]],
    ['series regex json', ['series', '-o', 'json', 'URL', '--match={a=~".+"}', '--match=s']],
    ['series bad matcher', ['series', 'URL', '--match=m{', `--start=${T}`]],
    ['series bad end', ['series', 'URL', '--match=m', '--end=never']],
    ['labels', ['labels', 'URL', 'a']],
    ['labels names json', ['labels', '-o', 'json', 'URL', '__name__', '--match=m', `--start=${T}`, `--end=${T + 60}`]],
    ['labels bad match', ['labels', 'URL', 'a', '--match={']],
    ['refused', ['instant', 'REFUSED', 'm', `--time=${T}`]],
    ['refused range', ['range', 'REFUSED', 'm', `--start=${T}`, `--end=${T + 60}`]],
    ['refused labels', ['labels', 'REFUSED', 'a', '--match=m', `--start=${T}`, `--end=${T + 60}`]],
  ];

  it('prints a string result, as promtool 3 does', { timeout: 120_000 }, async () => {
    const out: string[] = [];
    const code = await main(['query', 'instant', url, '"hello"', `--time=${T}`], {
      stdout: (t) => out.push(t),
      stderr: () => {},
    });
    expect([code, out.join('')]).toEqual([0, 'hello\n']);
  });

  it.each(cases)('%s', { timeout: 120_000 }, async (_name, args) => {
    const argv = ['query', ...args.map((a) => (a === 'URL' ? url : a === 'REFUSED' ? refused : a))];
    const theirs = spawnSync(PROMTOOL, argv, { encoding: 'utf8', timeout: 110_000 });
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
    expect({ code, out: out.join(''), err: err.join('') }).toEqual({
      code: theirs.status,
      out: theirs.stdout,
      err: theirs.stderr,
    });
  });
});
