// `pnpm bench:compare`: the data set loaded into tsprom, Prometheus 2.42 and VictoriaMetrics, then
// measured over HTTP with the same client: remote write ingestion, bytes per sample on disk, RSS
// after load, query latency (median and p90), startup with WAL replay, and CPU per sample scraping
// a large target. A peer that is not installed is skipped with a message.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PEERS, type ServerPeer } from '@tsprom/test-support';
import type { Figure } from './bench-table.js';
import { dataSetSpec, generateDataSet, type SizeName } from './data-set.js';
import { writeOpenMetricsFile } from './openmetrics-file.js';
import { backfill, startPeer, tspromUsesDist, writeEmptyConfig } from './peers.js';
import { cpuMs, dirBytes, rssBytes } from './proc-stats.js';
import { BENCH_QUERIES, measureQuery } from './query-latency.js';
import { buildWriteLoad, sendWriteLoad, WRITE_SHARDS } from './remote-write-load.js';
import { startScrapeTarget } from './scrape-target.js';
import { flushVictoria, importToVictoria, startVictoria } from './victoria.js';

type Peer = 'tsprom' | 'prometheus' | 'victoria';
type PerPeer = Partial<Record<Peer, number>>;

export interface BenchOutcome {
  readonly meta: Record<string, unknown>;
  readonly figures: Figure[];
}

/** Samples per scrape of the large target. */
function targetSeries(size: SizeName): number {
  return size === 'small' ? 10_000 : 50_000;
}

const RUNS: Record<SizeName, { warmup: number; runs: number }> = {
  small: { warmup: 2, runs: 10 },
  medium: { warmup: 2, runs: 7 },
  large: { warmup: 1, runs: 5 },
};

/** Runs the whole comparison for `size`; `log` gets progress lines. */
export async function runBench(size: SizeName, log: (line: string) => void): Promise<BenchOutcome> {
  const spec = dataSetSpec(size);
  const haveProm = existsSync(PEERS.prometheus) && existsSync(PEERS.promtool);
  const haveVM = existsSync(PEERS.victoriaMetrics);
  if (!haveProm) log(`skipping Prometheus: ${PEERS.prometheus} or ${PEERS.promtool} is not installed`);
  if (!haveVM) log(`skipping VictoriaMetrics: ${PEERS.victoriaMetrics} is not installed`);
  const dir = await mkdtemp(join(tmpdir(), 'tsprom-bench-compare-'));
  const running: ServerPeer[] = [];
  const figures: Figure[] = [];
  const stopAll = async () => {
    for (const p of running.splice(0)) await p.stop();
  };
  try {
    let t0 = performance.now();
    const data = generateDataSet(spec);
    const om = join(dir, 'data.om');
    const file = await writeOpenMetricsFile(data, om);
    const tail = buildWriteLoad(data, spec.splitMs);
    const tailSamples = tail.floatSamples + tail.histogramSamples;
    const measuredSamples = tailSamples - tail.warmupSamples;
    log(
      `data set ${size}: ${tail.series} series, ${file.samples} samples backfilled (${(file.bytes / 1e6).toFixed(0)} MB ` +
        `of OpenMetrics), ${tail.floatSamples} float and ${tail.histogramSamples} native histogram samples by remote write ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const config = await writeEmptyConfig(dir);
    const loaded = new Map<Peer, { name: string; server: ServerPeer; dataDir: string }>();
    const backfillS: PerPeer = {};
    const bytesPerSample: PerPeer = {};
    const ingestRate: PerPeer = {};
    const ingestCpu: PerPeer = {};
    const rss: PerPeer = {};
    // Both backfills at once (two cores), then each peer started and the tail written into it.
    const names = haveProm ? (['prometheus', 'tsprom'] as const) : (['tsprom'] as const);
    const backfills = await Promise.all(
      names.map(async (name) => {
        const dataDir = join(dir, name);
        await mkdir(dataDir);
        return { name, dataDir, run: await backfill(name, om, dataDir) };
      }),
    );
    for (const { name, dataDir, run } of backfills) {
      backfillS[name] = run.wallMs / 1000;
      bytesPerSample[name] = (await blocksBytes(dataDir)) / file.samples;
      const server = await startPeer(name, { dataDir, configFile: config, preferDist: true });
      running.push(server);
      await sendWriteLoad(server.url, tail, 'warmup');
      const cpu0 = await cpuMs(server.pid);
      t0 = performance.now();
      await sendWriteLoad(server.url, tail, 'measured');
      const wallMs = performance.now() - t0;
      ingestRate[name] = measuredSamples / (wallMs / 1000);
      ingestCpu[name] = (((await cpuMs(server.pid)) - cpu0) * 1000) / measuredSamples;
      rss[name] = (await rssBytes(server.pid)) / 2 ** 20;
      loaded.set(name, { name, server, dataDir });
      log(`${name}: backfilled in ${backfillS[name]!.toFixed(1)} s, tail written in ${(wallMs / 1000).toFixed(1)} s`);
    }
    let vm: ServerPeer | undefined;
    if (haveVM) {
      const vmDir = join(dir, 'victoria');
      vm = await startVictoria(vmDir);
      running.push(vm);
      // No backfill tool: the same samples by its JSON line import, then the same tail by remote
      // write as the others (floats only: 1.79 has no native histograms).
      t0 = performance.now();
      const imported = await importToVictoria(vm.url, data, spec.splitMs);
      log(`victoria-metrics: ${imported} samples imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const vmTail = buildWriteLoad(data, spec.splitMs, Number.POSITIVE_INFINITY, false);
      await sendWriteLoad(vm.url, vmTail, 'warmup');
      const vmMeasured = vmTail.floatSamples - vmTail.warmupSamples;
      const cpu0 = await cpuMs(vm.pid);
      t0 = performance.now();
      await sendWriteLoad(vm.url, vmTail, 'measured');
      const wallMs = performance.now() - t0;
      ingestRate.victoria = vmMeasured / (wallMs / 1000);
      ingestCpu.victoria = (((await cpuMs(vm.pid)) - cpu0) * 1000) / vmMeasured;
      await flushVictoria(vm.url);
      await sleep(2000); // Its merges settle before the size is read.
      bytesPerSample.victoria = (await dirBytes(vmDir)) / (imported + vmTail.floatSamples);
      rss.victoria = (await rssBytes(vm.pid)) / 2 ** 20;
      log(`victoria-metrics: tail written in ${(wallMs / 1000).toFixed(1)} s`);
    }
    figures.push(
      {
        name: 'remote write ingestion',
        unit: 'samples/s',
        better: 'higher',
        ...ingestRate,
        note: `the tail, ${tailSamples} samples in ${tail.requests} requests of at most 2000, into the running peer, ${WRITE_SHARDS} requests in flight (one per sender shard); measured over the last ${measuredSamples}, after each shard's first quarter as warm-up; VictoriaMetrics: its floats alike`,
      },
      {
        name: 'CPU per ingested sample',
        unit: 'µs',
        better: 'lower',
        ...ingestCpu,
        note: "each peer process's CPU over the measured part of the tail (after the warm-up quarter)",
      },
      {
        name: 'bytes per sample on disk',
        unit: 'B',
        better: 'lower',
        ...bytesPerSample,
        note: 'backfilled blocks; VictoriaMetrics: its data dir after a flush, all samples',
      },
      { name: 'RSS after load', unit: 'MiB', better: 'lower', ...rss },
      { name: 'backfill (create-blocks-from openmetrics)', unit: 's', better: 'lower', ...backfillS },
    );

    // Query latency, the peers interleaved.
    const { warmup, runs } = RUNS[size];
    const urls = [...loaded.entries()].map(([name, p]) => ({ name, url: p.server.url }));
    for (const q of BENCH_QUERIES) {
      const peers = q.native === true || vm === undefined ? urls : [...urls, { name: 'victoria', url: vm.url }];
      const m = await measureQuery(q, spec, peers, warmup, runs);
      const median: PerPeer = {};
      const p90: PerPeer = {};
      const notes: string[] = [];
      for (const [name, r] of m) {
        if ('error' in r) notes.push(`${name} failed: ${r.error}`);
        else {
          median[name as Peer] = r.median;
          p90[name as Peer] = r.p90;
        }
      }
      if (q.native === true && vm !== undefined) notes.push('VictoriaMetrics 1.79 has no native histograms');
      const note = notes.length > 0 ? notes.join('; ') : undefined;
      figures.push({ name: `${q.kind} ${q.name}: median`, unit: 'ms', better: 'lower', query: true, ...median, note });
      figures.push({ name: `${q.kind} ${q.name}: p90`, unit: 'ms', better: 'lower', ...p90 });
      log(
        `${q.name}: ${[...m].map(([n, r]) => `${n} ${'error' in r ? 'error' : `${r.median.toFixed(1)} ms`}`).join(', ')}`,
      );
    }

    // Startup with WAL replay: each restarted on its data (the tail is in its WAL).
    await stopAll();
    const startup: PerPeer = {};
    for (const [name, p] of loaded) {
      t0 = performance.now();
      const s = await startPeer(name as 'tsprom' | 'prometheus', {
        dataDir: p.dataDir,
        configFile: config,
        preferDist: true,
      });
      startup[name] = (performance.now() - t0) / 1000;
      await s.stop();
    }
    if (vm !== undefined) {
      t0 = performance.now();
      const s = await startVictoria(join(dir, 'victoria'));
      startup.victoria = (performance.now() - t0) / 1000;
      await s.stop();
    }
    figures.push({
      name: 'startup to ready with WAL replay',
      unit: 's',
      better: 'lower',
      ...startup,
      note: `WAL: the ${tailSamples} remote-written samples`,
    });
    log('startup measured');

    figures.push(await measureScrape(size, dir, haveProm, haveVM, log));
    return {
      meta: {
        size,
        spec,
        series: tail.series,
        backfilledSamples: file.samples,
        remoteWrittenSamples: tailSamples,
        tspromFrom: tspromUsesDist(true) ? 'apps/server/dist' : 'apps/server/src (tsx)',
        queries: BENCH_QUERIES,
      },
      figures,
    };
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU per sample scraping a large target: each peer fresh, scraping it every second. */
async function measureScrape(
  size: SizeName,
  dir: string,
  haveProm: boolean,
  haveVM: boolean,
  log: (line: string) => void,
): Promise<Figure> {
  const series = targetSeries(size);
  const perSample: PerPeer = {};
  const peers: Peer[] = [
    ...(haveProm ? (['prometheus'] as const) : []),
    'tsprom',
    ...(haveVM ? (['victoria'] as const) : []),
  ];
  for (const name of peers) {
    const target = await startScrapeTarget(series);
    const dataDir = join(dir, `scrape-${name}`);
    await mkdir(dataDir);
    const configFile = join(dir, `scrape-${name}.yml`);
    await writeFile(
      configFile,
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: large\n    static_configs:\n      - targets: ['${target.address}']\n`,
    );
    const server =
      name === 'victoria'
        ? await startVictoria(dataDir, configFile)
        : await startPeer(name, { dataDir, configFile, preferDist: true });
    try {
      await waitScrapes(target.scrapes, 3, 60_000);
      const first = target.scrapes();
      const cpu0 = await cpuMs(server.pid);
      await waitScrapes(target.scrapes, first + 8, 60_000);
      // The last scrape counted was answered; its appending is done a moment later.
      await sleep(500);
      const cpu1 = await cpuMs(server.pid);
      perSample[name] = ((cpu1 - cpu0) * 1000) / ((target.scrapes() - first) * series);
      log(`scrape ${name}: ${(perSample[name] ?? 0).toFixed(2)} µs CPU per sample`);
    } finally {
      await server.stop();
      await target.close();
    }
  }
  return {
    name: `scrape of a ${series}-series target every 1 s: CPU per sample`,
    unit: 'µs',
    better: 'lower',
    ...perSample,
  };
}

/** Bytes of the blocks (directories named by a ULID) in `dataDir`. */
async function blocksBytes(dataDir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dataDir, { withFileTypes: true })) {
    if (e.isDirectory() && /^[0-9A-Z]{26}$/.test(e.name)) total += await dirBytes(join(dataDir, e.name));
  }
  return total;
}

async function waitScrapes(scrapes: () => number, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (scrapes() < n) {
    if (Date.now() > deadline)
      throw new Error(`the scrape target was scraped ${scrapes()} times, not ${n}, in ${timeoutMs} ms`);
    await sleep(50);
  }
}
