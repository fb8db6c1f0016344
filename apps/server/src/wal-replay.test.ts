// status/walreplay during the start's WAL replay (Prometheus: the segments after the checkpoint,
// the last one loaded), read while the replay is held at a segment by the server's hook, so the
// test does not depend on how fast the replay runs; /-/ready says 503 meanwhile.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WALReplayStatus } from '@tsprom/api';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { describe, expect, it } from 'vitest';
import { buildInfo } from './build-info.js';
import { parseFlags } from './flags.js';
import { newLogger } from './logger.js';
import { Server } from './server.js';
import { readSettings } from './server-options.js';

/** A data dir whose WAL has several segments (small ones), with 20 series. */
async function writeWAL(dataDir: string): Promise<number[]> {
  const db = await DB.open(dataDir, { walSegmentSizeBytes: 32 * 1024, walCompression: 'none' });
  const refs = new Array<number>(20).fill(0);
  const t0 = Date.now() - 3600_000;
  for (let j = 0; j < 600; j++) {
    const app = db.appender();
    for (let i = 0; i < 20; i++) {
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), t0 + j * 1000, j);
    }
    await app.commit();
  }
  await db.close();
  return (await readdir(join(dataDir, 'wal'))).filter((n) => /^\d{8}$/.test(n)).map(Number);
}

async function getJSON(url: string): Promise<unknown> {
  return (await (await fetch(url, { signal: AbortSignal.timeout(30_000) })).json()) as unknown;
}

describe('status/walreplay', () => {
  it('shows the replay in progress, then current == max', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsprom-walreplay-'));
    try {
      const dataDir = join(dir, 'data');
      const segs = await writeWAL(dataDir);
      expect(segs.length).toBeGreaterThan(3);
      const [min, max] = [segs[0]!, segs.at(-1)!];
      const cfg = join(dir, 'prometheus.yml');
      await writeFile(cfg, 'scrape_configs: []\n');
      const flags = parseFlags([
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${dataDir}`,
        '--web.listen-address=127.0.0.1:0',
      ]);
      let out = '';
      const logger = newLogger('info', 'logfmt', (line) => {
        out += line;
      });

      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reached!: (s: WALReplayStatus) => void;
      const atSegment = new Promise<WALReplayStatus>((resolve) => {
        reached = resolve;
      });
      const seen: WALReplayStatus[] = [];
      const starting = Server.start({
        settings: readSettings(flags).settings,
        flags,
        logger,
        build: buildInfo(),
        onQuit: () => undefined,
        onWALReplayStatus: (s) => {
          seen.push(s);
          // Held once a segment in the middle is loaded.
          if (s.current > s.min && s.current < s.max && seen.filter((x) => x.current > x.min).length === 1) {
            reached(s);
            return held;
          }
          return undefined;
        },
      });
      const mid = await atSegment;
      const port = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      expect(port).toBeDefined();
      const url = `http://127.0.0.1:${port}`;
      expect(await getJSON(`${url}/api/v1/status/walreplay`)).toEqual({
        status: 'success',
        data: { min, max, current: mid.current },
      });
      expect((await fetch(`${url}/-/ready`)).status).toBe(503);

      release();
      const srv = await starting;
      try {
        expect(await getJSON(`${url}/api/v1/status/walreplay`)).toEqual({
          status: 'success',
          data: { min, max, current: max },
        });
        expect((await fetch(`${url}/-/ready`)).status).toBe(200);
        expect(seen[0]).toEqual({ min, max, current: min });
        expect(out).toContain(`msg="WAL segment loaded" component=tsdb segment=${max} maxSegment=${max}`);
      } finally {
        await srv.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
