// The API endpoints the web UI reads besides queries, against a running tsprom: scrape pools and
// their (redacted) configuration, a target's relabel steps, the TSDB's blocks, the features, the
// self-metrics, the search API (behind its feature flag), and notifications (listed, and live over
// server-sent events while a reload fails and while the server shuts down).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getJSON, startTsprom, waitFor } from './testing/tsprom-process.js';

// biome-ignore lint/suspicious/noExplicitAny: loose JSON bodies; each check names its fields.
type Body = any;

const CONFIG = `global:
  scrape_interval: 1h
scrape_configs:
  - job_name: relabeled
    basic_auth:
      username: u
      password: hunter2
    static_configs:
      - targets: ["127.0.0.1:1"]
        labels: { team: a }
    relabel_configs:
      - target_label: env
        replacement: dev
      - source_labels: [team]
        regex: b
        action: drop
  - job_name: dropped
    static_configs:
      - targets: ["127.0.0.1:2"]
    relabel_configs:
      - source_labels: [__address__]
        regex: "127.0.0.1:2"
        action: drop
`;

/** A data dir holding one block (written as a snapshot of a head) with 3 series of 10 samples. */
async function dataDirWithBlock(dir: string): Promise<string[]> {
  const src = await DB.open(join(dir, 'src'));
  const app = src.appender();
  for (let s = 0; s < 3; s++) {
    let ref = 0;
    for (let i = 0; i < 10; i++)
      ref = app.append(ref, Labels.fromStrings('__name__', 'm', 's', String(s)), i * 1000, i);
  }
  await app.commit();
  await mkdir(join(dir, 'data'));
  const ulids = await src.snapshot(join(dir, 'data'), true);
  await src.close();
  return ulids;
}

/** Reads server-sent events from `url` until `stop` aborts; each `data:` payload parsed. */
function liveEvents(
  url: string,
  stop: AbortController,
): { events: Body[]; ended: Promise<void>; status: Promise<number> } {
  const events: Body[] = [];
  let resolveStatus!: (n: number) => void;
  const status = new Promise<number>((r) => {
    resolveStatus = r;
  });
  const ended = (async () => {
    const res = await fetch(url, { signal: stop.signal });
    resolveStatus(res.status);
    if (res.body === null) return;
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (ev.startsWith('data: ')) events.push(JSON.parse(ev.slice('data: '.length)));
        }
      }
    } catch (err) {
      if (!stop.signal.aborted) throw err;
    }
  })();
  return { events, ended, status };
}

describe('tsprom API endpoints of the UI', () => {
  it(
    'serves scrape pools, relabel steps, blocks, features, self-metrics and notifications',
    { timeout: 300_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tsprom-apiep-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const ulids = await dataDirWithBlock(dir);
      const cfgFile = join(dir, 'prometheus.yml');
      await writeFile(cfgFile, CONFIG);
      const srv = await startTsprom(
        [
          `--config.file=${cfgFile}`,
          '--storage.tsdb.path=data',
          '--web.enable-lifecycle',
          '--web.max-notifications-subscribers=1',
          '--enable-feature=search-api',
        ],
        dir,
      );
      const api = `${srv.url}/api/v1`;
      const stream = new AbortController();
      try {
        // Pools exist once discovery handed them their targets.
        await waitFor('both scrape pools', async () => {
          const r = (await getJSON(`${api}/scrape_pools`)).body as Body;
          return r.data.scrapePools.length === 2;
        });
        expect((await getJSON(`${api}/scrape_pools`)).body).toEqual({
          status: 'success',
          data: { scrapePools: ['dropped', 'relabeled'] },
        });

        const cfg = (await getJSON(`${api}/scrape_pools/config?scrapePool=relabeled`)).body as Body;
        expect(cfg.data.yaml).toMatch(/^job_name: relabeled\n/);
        expect(cfg.data.yaml).toContain('password: <secret>');
        expect(cfg.data.yaml).not.toContain('hunter2');
        const missing = await getJSON(`${api}/scrape_pools/config?scrapePool=nope`);
        expect(missing.status).toBe(400);

        // The active target's discovered labels, relabeled step by step.
        const targets = (await getJSON(`${api}/targets`)).body as Body;
        const active = targets.data.activeTargets[0];
        const q = new URLSearchParams({ scrapePool: 'relabeled', labels: JSON.stringify(active.discoveredLabels) });
        const steps = ((await getJSON(`${api}/targets/relabel_steps?${q}`)).body as Body).data.steps;
        expect(steps.map((s: Body) => [s.rule.action, s.keep])).toEqual([
          ['replace', true],
          ['drop', true],
        ]);
        expect(steps[1].output).toMatchObject({ __address__: '127.0.0.1:1', env: 'dev', team: 'a', job: 'relabeled' });
        // The dropped target's steps end with the drop.
        const dropped = targets.data.droppedTargets[0];
        const dq = new URLSearchParams({ scrapePool: 'dropped', labels: JSON.stringify(dropped.discoveredLabels) });
        const dsteps = ((await getJSON(`${api}/targets/relabel_steps?${dq}`)).body as Body).data.steps;
        expect(dsteps).toEqual([
          {
            rule: {
              source_labels: ['__address__'],
              separator: ';',
              regex: '127.0.0.1:2',
              replacement: '$1',
              action: 'drop',
            },
            output: {},
            keep: false,
          },
        ]);

        const blocks = ((await getJSON(`${api}/status/tsdb/blocks`)).body as Body).data.blocks;
        expect(blocks).toEqual([
          {
            ulid: ulids[0],
            minTime: 0,
            maxTime: 9001,
            stats: { numSamples: 30, numSeries: 3, numChunks: 3 },
            compaction: { level: 1, sources: [ulids[0]] },
            version: 1,
          },
        ]);

        const features = ((await getJSON(`${api}/features`)).body as Body).data;
        expect(features.api).toEqual({ admin: false, lifecycle: true });
        expect(features.promql_functions.rate).toBe(true);
        expect(features.service_discovery.file).toBe(true);

        // Notifications: none; then a failed reload shows one, live too, until a good reload.
        expect((await getJSON(`${api}/notifications`)).body).toEqual({ status: 'success', data: [] });
        const live = liveEvents(`${api}/notifications/live`, stream);
        expect(await live.status).toBe(200);
        // The limit is 1 subscriber: a second stream is refused with 204.
        await waitFor('one live subscriber', async () => {
          const r = (
            await getJSON(
              `${api}/status/self_metrics?metric_name_pattern=prometheus_api_notification_active_subscribers`,
            )
          ).body as Body;
          return r.data[0]?.metric[0]?.gauge.value === 1;
        });
        expect((await fetch(`${api}/notifications/live`)).status).toBe(204);

        await writeFile(cfgFile, 'scrape_configs: [\n');
        expect((await fetch(`${srv.url}/-/reload`, { method: 'POST' })).status).toBe(500);
        const listed = ((await getJSON(`${api}/notifications`)).body as Body).data;
        expect(listed).toEqual([{ text: 'Configuration reload has failed.', date: expect.any(String), active: true }]);
        await waitFor('the failure sent live', async () => live.events.length === 1);
        expect(live.events[0]).toEqual(listed[0]);

        await writeFile(cfgFile, CONFIG);
        expect((await fetch(`${srv.url}/-/reload`, { method: 'POST' })).status).toBe(200);
        await waitFor('the end of the failure sent live', async () => live.events.length === 2);
        expect(live.events[1]).toMatchObject({ text: 'Configuration reload has failed.', active: false });
        expect((await getJSON(`${api}/notifications`)).body).toEqual({ status: 'success', data: [] });

        const self = (
          await getJSON(`${api}/status/self_metrics?metric_name_pattern=prometheus_http_request_duration_seconds`)
        ).body as Body;
        expect(self.data).toHaveLength(1);
        expect(self.data[0]).toMatchObject({ name: 'prometheus_http_request_duration_seconds', type: 'HISTOGRAM' });
        expect(self.data[0].metric[0].histogram.bucket[0]).toEqual({
          cumulativeCount: expect.any(String),
          upperBound: 0.1,
        });

        // The search API (enabled by the feature): label values, as NDJSON.
        const found = await fetch(`${api}/search/label_values?label=s&search[]=1`);
        expect(found.headers.get('content-type')).toBe('application/x-ndjson');
        expect(await found.text()).toBe('{"results":[{"value":"1"}]}\n{"status":"success","has_more":false}\n');

        // Shutting down: the live stream gets the notification, then ends, and the process exits.
        srv.proc.kill('SIGTERM');
        await live.ended;
        expect(live.events[2]).toMatchObject({
          text: 'Prometheus is shutting down and gracefully stopping all operations.',
          active: true,
        });
        expect(await srv.exited).toBe(0);
      } finally {
        stream.abort();
        await srv.stop();
      }
    },
  );
});
