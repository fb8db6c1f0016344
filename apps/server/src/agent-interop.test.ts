// End to end: `tsprom --agent` scrapes a local exporter and remote-writes into real Prometheus
// 2.42 (--web.enable-remote-write-receiver) through a forwarding proxy the test can take down.
// While the receiver is down the agent keeps scraping into its WAL and is restarted; once the
// receiver is back every sample the agent wrote arrives, once. The agent's WAL is truncated as
// remote write sends (a checkpoint, the first segments deleted) and reads back with the tsdb's
// WAL reader. Skipped with a reason when Prometheus is missing (fails under CI).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastCheckpoint, RecordDecoder, RecordType, readAllRecords } from '@tsprom/tsdb/wal';
import { describe, expect, it } from 'vitest';
import { getJSON, type ServerProcess, startHTTPProcess, startTsprom, waitFor } from './testing/tsprom-process.js';

const prometheusBin = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
const havePeer = existsSync(prometheusBin);
const runIt = havePeer || process.env.CI ? it : it.skip;
const reason = havePeer ? '' : ` (skipped: ${prometheusBin} is not installed)`;

interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An exporter whose `agent_test_scrape` is the number of the scrape (1, 2, …). */
async function exporter(): Promise<Listening & { scrapes(): number }> {
  let n = 0;
  const l = await listen(
    createServer((_req, res) => {
      n++;
      const lines = ['# TYPE agent_test_scrape gauge', `agent_test_scrape ${n}`, '# TYPE agent_test_value gauge'];
      for (let i = 0; i < 20; i++) lines.push(`agent_test_value{i="${i}"} ${n * i}`);
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(`${lines.join('\n')}\n`);
    }),
  );
  return { ...l, scrapes: () => n };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Forwards POSTs to `target`, or answers 503 while `down`: a receiver outage the test controls. */
async function proxy(target: () => string): Promise<Listening & { down: boolean }> {
  const state = { down: false };
  const l = await listen(
    createServer((req, res) => {
      body(req)
        .then(async (b) => {
          if (state.down) {
            res.writeHead(503).end('down for the test\n');
            return;
          }
          const headers: Record<string, string> = {};
          for (const h of ['content-type', 'content-encoding', 'x-prometheus-remote-write-version', 'user-agent']) {
            const v = req.headers[h];
            if (typeof v === 'string') headers[h] = v;
          }
          const r = await fetch(`${target()}${req.url}`, { method: 'POST', headers, body: b });
          res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    }),
  );
  return Object.assign(state, l);
}

/** The values of `agent_test_scrape` Prometheus holds, in time order. */
async function received(url: string): Promise<number[]> {
  const r = await getJSON(`${url}/api/v1/query?${new URLSearchParams({ query: 'agent_test_scrape[1h]' })}`);
  const res = (r.body as { data: { result: { values: [number, string][] }[] } }).data.result;
  return res.flatMap((s) => s.values.map(([, v]) => Number(v)));
}

/** The `agent_test_scrape` values in the agent's WAL (checkpoint and segments) and its dir listing. */
async function walValues(walDir: string): Promise<Set<number>> {
  const dec = new RecordDecoder();
  const refs = new Set<number>();
  const out = new Set<number>();
  const read = (rec: Uint8Array): void => {
    switch (dec.type(rec)) {
      case RecordType.Series:
        for (const s of dec.series(rec)) if (s.labels.get('__name__') === 'agent_test_scrape') refs.add(s.ref);
        break;
      case RecordType.Samples:
        for (const s of dec.samples(rec)) if (refs.has(s.ref)) out.add(s.v);
        break;
    }
  };
  const cp = await lastCheckpoint(walDir);
  if (cp !== undefined) expect((await readAllRecords(cp.dir, read)).corruption).toBeUndefined();
  const r = await readAllRecords(walDir, read, { from: cp === undefined ? 0 : cp.index + 1 });
  expect(r.corruption).toBeUndefined();
  return out;
}

async function truncated(walDir: string): Promise<boolean> {
  const names = await readdir(walDir);
  return names.some((n) => n.startsWith('checkpoint.')) && !names.includes('00000000');
}

describe('tsprom --agent with Prometheus 2.42 as the remote-write receiver', () => {
  runIt(
    `every scraped sample arrives, across a receiver outage and an agent restart; the WAL is truncated${reason}`,
    { timeout: 300_000 },
    async () => {
      if (!havePeer) throw new Error(`${prometheusBin} is needed for the agent interop test`);
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-agent-'));
      const exp = await exporter();
      let prom: ServerProcess | undefined;
      let agent: ServerProcess | undefined;
      const px = await proxy(() => prom!.url);
      try {
        await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
        prom = await startHTTPProcess(
          prometheusBin,
          ['--config.file=prometheus.yml', '--storage.tsdb.path=prom-data', '--web.enable-remote-write-receiver'],
          dir,
        );
        await writeFile(
          join(dir, 'agent.yml'),
          [
            'global:',
            '  scrape_interval: 1s',
            'scrape_configs:',
            '  - job_name: exp',
            '    static_configs:',
            `      - targets: ['${exp.url.slice('http://'.length)}']`,
            'remote_write:',
            `  - url: ${px.url}/api/v1/write`,
            '    queue_config:',
            // One shard: the position kept is exactly what the receiver acknowledged.
            '      min_shards: 1',
            '      max_shards: 1',
            '      batch_send_deadline: 500ms',
            '      min_backoff: 100ms',
            '      max_backoff: 500ms',
            '',
          ].join('\n'),
        );
        const agentArgs = [
          '--agent',
          '--config.file=agent.yml',
          '--storage.agent.path=agent-data',
          '--storage.agent.wal-truncate-frequency=2s',
          '--storage.agent.retention.min-time=1s',
          '--storage.remote.flush-deadline=2s',
        ];
        const walDir = join(dir, 'agent-data', 'wal');
        agent = await startTsprom(agentArgs, dir);

        // Agent mode as Prometheus's: no queries, status and metrics served.
        const q = await getJSON(`${agent.url}/api/v1/query?query=up`);
        expect(q).toEqual({
          status: 422,
          body: { status: 'error', errorType: 'execution', error: 'unavailable with Prometheus Agent' },
        });
        expect((await getJSON(`${agent.url}/api/v1/status/flags`)).body).toMatchObject({ data: { agent: 'true' } });

        // Samples flow, and remote write's progress lets the WAL be checkpointed and truncated.
        await waitFor('10 scrapes in Prometheus', async () => (await received(prom!.url)).length >= 10, 60_000);
        await waitFor('a truncated agent WAL', () => truncated(walDir), 60_000);
        const metrics = await (await fetch(`${agent.url}/metrics`)).text();
        expect(metrics).toMatch(/^prometheus_agent_active_series [1-9]\d*$/m);
        expect(metrics).toMatch(/^prometheus_agent_checkpoint_creations_total [1-9]/m);
        expect(metrics).toMatch(/^prometheus_remote_storage_samples_total\{[^}]*\} [1-9]/m);

        // The receiver goes down; the agent scrapes on into its WAL, then restarts.
        px.down = true;
        const downAt = exp.scrapes();
        await waitFor('5 scrapes during the outage', async () => exp.scrapes() >= downAt + 5, 60_000);
        expect(await agent.stop()).toBe(0);
        const stop1 = exp.scrapes();
        const inWAL = await walValues(walDir);
        // The WAL holds what was scraped during the outage.
        for (let v = downAt + 1; v < stop1; v++) expect(inWAL.has(v), `scrape ${v} in the WAL`).toBe(true);
        agent = await startTsprom(agentArgs, dir);
        await waitFor('3 scrapes after the restart', async () => exp.scrapes() >= stop1 + 3, 60_000);
        px.down = false;
        await waitFor(
          'the outage and the scrapes after it in Prometheus',
          async () => (await received(prom!.url)).includes(stop1 + 3),
          60_000,
        );
        expect(await agent.stop()).toBe(0);
        const stop2 = exp.scrapes();
        await waitFor('the last scrape in Prometheus', async () => {
          const got = await received(prom!.url);
          return got.includes(stop2) || got.includes(stop2 - 1);
        });

        // Every scrape arrived once and in order; only a scrape in flight when the agent stopped
        // (the last one the exporter counted) may be missing, never one the agent wrote.
        const got = await received(prom.url);
        expect(new Set(got).size).toBe(got.length);
        expect([...got].sort((a, b) => a - b)).toEqual(got);
        const missing = [];
        for (let v = 1; v <= stop2; v++) if (!got.includes(v)) missing.push(v);
        for (const v of missing) expect([stop1, stop2]).toContain(v);
        for (const v of inWAL) expect(got).toContain(v);
        expect(await truncated(walDir)).toBe(true);
      } finally {
        await agent?.stop();
        await prom?.stop();
        await px.close();
        await exp.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
