// A tsdb with a WAL in a temporary directory, for feeding queues in tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RemoteWriteConfig } from '@tsprom/config';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';

/** A DB writing a WAL under a temporary directory. */
export class WalFixture {
  readonly dir: string;
  readonly walDir: string;
  db!: DB;
  readonly #refs = new Map<string, number>();

  private constructor(dir: string) {
    this.dir = dir;
    this.walDir = join(dir, 'wal');
  }

  static async open(segmentBytes = 128 * 1024): Promise<WalFixture> {
    const f = new WalFixture(mkdtempSync(join(tmpdir(), 'tsprom-remote-')));
    f.db = await DB.open(f.dir, { walSegmentSizeBytes: segmentBytes });
    return f;
  }

  /** Appends sample (t, v) to each of `names` (`__name__` plus `job="test"`) and commits. */
  async append(names: readonly string[], t: number, v: number): Promise<void> {
    const app = this.db.appender();
    for (const n of names) {
      const ref = app.append(this.#refs.get(n) ?? 0, Labels.fromStrings('__name__', n, 'job', 'test'), t, v);
      this.#refs.set(n, ref);
    }
    await app.commit();
  }

  async close(): Promise<void> {
    await this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The first remote_write entry of a prometheus.yml with `remote_write: - url: ...` + `extra` lines. */
export function remoteWriteConfig(url: string, extra = ''): RemoteWriteConfig {
  const indented = extra
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `    ${l}`)
    .join('\n');
  const cfg = loadConfig(`remote_write:\n  - url: ${url}\n${indented}\n`);
  return cfg.remoteWrite[0]!;
}
