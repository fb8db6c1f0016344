// Benchmarks for @tsprom/discovery (issue #15): 10,000 targets from one file_sd file, through the
// discovery manager (Prometheus's 5 s coalescing) into the scrape manager (its own 5 s reload
// coalescing) and scraped over HTTP. Prints the time from the file's write to every target being
// in the scrape pool and to every target scraped once, the worst event-loop stall meanwhile (wall
// and CPU time of this process), and the heap per target: discovery alone, and discovery plus
// scraping (targets, loops, head series).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '@tsprom/config';
import { type DiscoveryLogger, Manager as DiscoveryManager, newSDRegistry, type TargetSets } from '@tsprom/discovery';
import { Manager as ScrapeManager } from '@tsprom/scrape';
import { DB } from '@tsprom/tsdb';
import { report } from './harness.js';
import { StallProfiler } from './stall-profile.js';

/** Set: a CPU profile of each phase shows what ran during its worst stall. */
const PROFILE = process.env.TSPROM_BENCH_PROFILE === '1';

const TARGETS = 10_000;
const COALESCE_MS = 5000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGC(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const quiet: DiscoveryLogger = { error: console.error, warn: () => {}, info: () => {}, debug: () => {} };

/**
 * The longest gap between two 1 ms beats, in wall time, in this process's CPU time (all threads:
 * GC helpers too) and in the main thread's CPU time (Linux: what the event loop itself ran, the
 * figure a loaded machine does not inflate, to a scheduler tick), and when the CPU-longest one
 * was (process.hrtime.bigint() at its start and end; by main-thread CPU where known).
 */
class Heartbeat {
  maxWallMs = 0;
  maxCpuMs = 0;
  maxMainMs = 0;
  worstFromNs = 0n;
  worstToNs = 0n;
  #ns = process.hrtime.bigint();
  readonly #timer: ReturnType<typeof setInterval>;
  #wall = performance.now();
  #cpu = cpuMicros();
  #main = mainThreadNanos();
  #worstGapMs = 0;
  constructor() {
    this.#timer = setInterval(() => {
      const wall = performance.now();
      const cpu = cpuMicros();
      const main = mainThreadNanos();
      const ns = process.hrtime.bigint();
      this.maxWallMs = Math.max(this.maxWallMs, wall - this.#wall);
      this.maxCpuMs = Math.max(this.maxCpuMs, (cpu - this.#cpu) / 1000);
      // The worst gap by main-thread CPU where it is known, else by process CPU.
      const gap = Number.isNaN(main) ? (cpu - this.#cpu) / 1000 : (main - this.#main) / 1e6;
      if (gap > this.#worstGapMs) {
        this.#worstGapMs = gap;
        this.worstFromNs = this.#ns;
        this.worstToNs = ns;
      }
      if (!Number.isNaN(main)) this.maxMainMs = Math.max(this.maxMainMs, gap);
      this.#wall = wall;
      this.#cpu = cpu;
      this.#main = main;
      this.#ns = ns;
    }, 1);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

/** CPU time of the calling thread in ns (Linux schedstat), NaN elsewhere. */
function mainThreadNanos(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
  } catch {
    return Number.NaN;
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function startTargets(): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [new URL('./discovery-targets.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    proc.once('exit', () => reject(new Error(`discovery-targets exited: ${out}`)));
  });
  return { proc, port };
}

/**
 * The file_sd file: TARGETS targets of one server, told apart by their metrics path and their
 * `instance` label (so that each has its own series, as distinct targets have).
 */
function writeTargets(file: string, port: number, n: number): void {
  const groups = [];
  for (let i = 0; i < n; i++) {
    groups.push({
      targets: [`127.0.0.1:${port}`],
      labels: { __metrics_path__: `/t/${i}`, instance: `target-${i}`, shard: String(i % 16) },
    });
  }
  writeFileSync(`${file}.tmp`, JSON.stringify(groups));
  renameSync(`${file}.tmp`, file); // Atomic, as generators of file_sd files should write.
}

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  console.log(`\n@tsprom/discovery: ${TARGETS} file_sd targets (coalescing ${COALESCE_MS / 1000} s)`);
  const dir = mkdtempSync(join(tmpdir(), 'tsprom-bench-discovery-'));
  const file = join(dir, 'targets.json');
  const { proc, port } = await startTargets();
  try {
    const text = `global:\n  scrape_interval: 10s\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: files\n    file_sd_configs:\n      - files: [targets.json]\n        refresh_interval: 1h\n`;
    const registry = newSDRegistry();
    const cfg = loadConfig(text, { baseDir: dir, sdLoader: registry });
    const sdConfigs = new Map(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscoveryConfigs]));

    // Discovery alone: the heap the manager and its groups hold per target.
    {
      writeTargets(file, port, 0);
      const dm = new DiscoveryManager({ registry, updateIntervalMs: COALESCE_MS, logger: quiet });
      let last: TargetSets | undefined;
      dm.subscribe((s) => {
        last = s;
      });
      dm.start();
      await dm.applyConfig(sdConfigs);
      await until(() => last !== undefined, 30_000);
      await sleep(COALESCE_MS + 500); // Idle past the coalescing interval, as below: a change goes out at once.
      const base = heapAfterGC();
      const profiler = PROFILE ? new StallProfiler() : undefined;
      await profiler?.start();
      const t0 = performance.now();
      writeTargets(file, port, TARGETS);
      // Watched from here: the file's writer is another process in real life, not this one's stall.
      const hb = new Heartbeat();
      const t1 = await until(() => (last?.get('files') ?? []).length === TARGETS, 60_000);
      hb.stop();
      await profiler?.stopAndPrint(hb.worstFromNs, hb.worstToNs);
      report('discovery only: file written → groups sent', `${Math.round(t1 - t0)} ms`);
      report('discovery only: worst event-loop stall (wall)', `${hb.maxWallMs.toFixed(1)} ms`);
      report('discovery only: worst event-loop stall (CPU)', `${hb.maxCpuMs.toFixed(1)} ms`);
      report('discovery only: worst event-loop stall (main thread CPU)', `${hb.maxMainMs.toFixed(1)} ms`);
      const perTarget = (heapAfterGC() - base) / TARGETS;
      report('discovery only: heap per target', `${Math.round(perTarget)} B`);
      await dm.stop();
    }

    // Discovery into scraping.
    writeTargets(file, port, 0);
    const db = await DB.open();
    const scrape = new ScrapeManager({ appendable: db, hostname: 'bench', logger: () => {} });
    await scrape.applyConfig({ global: cfg.global, scrapeConfigs: cfg.scrapeConfigs });
    const dm = new DiscoveryManager({ registry, updateIntervalMs: COALESCE_MS, logger: quiet });
    const ac = new AbortController();
    let tSent = 0;
    dm.subscribe((s) => {
      if (tSent === 0 && (s.get('files') ?? []).length === TARGETS) tSent = performance.now();
    });
    const running = scrape.run(dm.updates(ac.signal));
    dm.start();
    await dm.applyConfig(sdConfigs);
    await until(() => scrape.targetsActive().has('files'), 30_000);
    // Both managers idle for more than their coalescing interval: a change goes out at once.
    await sleep(COALESCE_MS + 500);
    const base = heapAfterGC();
    const profiler = PROFILE ? new StallProfiler() : undefined;
    await profiler?.start();
    const t0 = performance.now();
    writeTargets(file, port, TARGETS);
    const hb = new Heartbeat(); // After the write, as above.
    const active = () => scrape.targetsActive().get('files') ?? [];
    const tActive = await until(() => active().length === TARGETS, 120_000);
    const tScraped = await until(() => active().every((t) => t.lastScrape > 0), 120_000);
    hb.stop();
    await profiler?.stopAndPrint(hb.worstFromNs, hb.worstToNs);
    report('file written → discovery sent the targets', `${Math.round(tSent - t0)} ms`);
    report('file written → all targets in the scrape pool', `${Math.round(tActive - t0)} ms`);
    report('file written → all targets scraped once (10 s interval)', `${Math.round(tScraped - t0)} ms`);
    report('worst event-loop stall meanwhile (wall)', `${hb.maxWallMs.toFixed(1)} ms`);
    report('worst event-loop stall meanwhile (CPU of this process)', `${hb.maxCpuMs.toFixed(1)} ms`);
    report('worst event-loop stall meanwhile (CPU of the main thread)', `${hb.maxMainMs.toFixed(1)} ms`);
    const perTarget = (heapAfterGC() - base) / TARGETS;
    report('discovery + scraping: heap per target', `${Math.round(perTarget)} B`);
    ac.abort();
    await dm.stop();
    await scrape.stop();
    await running;
    await db.close();
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
