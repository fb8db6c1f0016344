// The peers side by side: backfill with each one's own tool (promtool 2.42, tspromtool), then the
// server on the blocks, on 127.0.0.1 at a port of its choosing (VictoriaMetrics: a free one), each
// stopped by its PID. tsprom runs as the root `start` script runs it (tsx, the @tsprom/source
// condition) or from its built dist when asked and present.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORTER_TOOLKIT_PORT, PEERS, type ServerPeer, startServer, WORKSPACE_ROOT } from '@tsprom/test-support';

export type PeerName = 'tsprom' | 'prometheus' | 'victoriametrics';

// tsx's ESM entry (its `import` export), as `node --import tsx` loads it.
const tsxLoader = import.meta.resolve('tsx');
const SOURCE = ['--conditions=@tsprom/source', '--import', tsxLoader];
const SERVER_CLI = join(WORKSPACE_ROOT, 'apps/server/src/cli.ts');
const SERVER_DIST = join(WORKSPACE_ROOT, 'apps/server/bin/tsprom.js');
const PROMTOOL_CLI = join(WORKSPACE_ROOT, 'apps/promtool/src/cli.ts');

/** What a finished child process printed, its exit code and the CPU time it used (ms). */
export interface ToolRun {
  readonly code: number;
  readonly output: string;
  readonly wallMs: number;
}

function run(bin: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  const t0 = performance.now();
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const t = setTimeout(() => proc.pid !== undefined && process.kill(proc.pid, 'SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code: code ?? (signal === null ? -1 : -2), output, wallMs: performance.now() - t0 });
    });
    proc.once('error', (err) => {
      clearTimeout(t);
      resolve({ code: -1, output: `${output}\nspawn ${bin}: ${err.message}`, wallMs: performance.now() - t0 });
    });
  });
}

/** `create-blocks-from openmetrics <file> <dir>` by the peer's own tool; throws with its output on failure. */
export async function backfill(peer: 'tsprom' | 'prometheus', file: string, dir: string): Promise<ToolRun> {
  const args = ['tsdb', 'create-blocks-from', 'openmetrics', file, dir];
  const r =
    peer === 'prometheus'
      ? await run(PEERS.promtool, args, 900_000)
      : await run(process.execPath, [...SOURCE, PROMTOOL_CLI, ...args], 900_000);
  if (r.code !== 0) throw new Error(`${peer} backfill of ${file} failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
  return r;
}

/** An empty configuration: no scrape jobs, so nothing but the loaded data is in the peer. */
export async function writeEmptyConfig(dir: string): Promise<string> {
  const file = join(dir, 'empty.yml');
  await writeFile(file, 'global:\n  scrape_interval: 15s\n  evaluation_interval: 1m\n');
  return file;
}

export interface StartOptions {
  readonly dataDir: string;
  readonly configFile: string;
  /** tsprom only: run the built dist (apps/server/bin/tsprom.js) when it exists. */
  readonly preferDist?: boolean;
  readonly timeoutMs?: number;
}

/** Whether the tsprom that `start` runs is the built dist (see StartOptions.preferDist). */
export function tspromUsesDist(preferDist: boolean): boolean {
  return preferDist && existsSync(join(WORKSPACE_ROOT, 'apps/server/dist/main.js'));
}

/** tsprom with the remote write receiver on, serving `dataDir`. */
export function startTsprom(o: StartOptions): Promise<ServerPeer> {
  const entry = tspromUsesDist(o.preferDist ?? false) ? [SERVER_DIST] : [...SOURCE, SERVER_CLI];
  return startServer(
    process.execPath,
    [
      ...entry,
      `--config.file=${o.configFile}`,
      `--storage.tsdb.path=${o.dataDir}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-remote-write-receiver',
      // holt_winters is 2.42's name for double_exponential_smoothing, experimental in 3.
      '--enable-feature=promql-experimental-functions',
    ],
    { portRe: EXPORTER_TOOLKIT_PORT, readyPath: '/-/ready', timeoutMs: o.timeoutMs ?? 600_000 },
  );
}

/** Prometheus 2.42 with native histograms and the remote write receiver on, serving `dataDir`. */
export function startPrometheus(o: StartOptions): Promise<ServerPeer> {
  return startServer(
    PEERS.prometheus,
    [
      `--config.file=${o.configFile}`,
      `--storage.tsdb.path=${o.dataDir}`,
      '--web.listen-address=127.0.0.1:0',
      '--web.enable-remote-write-receiver',
      '--enable-feature=native-histograms',
    ],
    { readyPath: '/-/ready', timeoutMs: o.timeoutMs ?? 600_000 },
  );
}

/** Starts `peer` on `dataDir`. */
export function startPeer(peer: 'tsprom' | 'prometheus', o: StartOptions): Promise<ServerPeer> {
  return peer === 'tsprom' ? startTsprom(o) : startPrometheus(o);
}
