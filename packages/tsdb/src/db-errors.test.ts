// The states a caller (an HTTP API, a scrape loop) must branch on are typed errors of
// storage-interfaces, reachable without importing tsdb internals.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import {
  AppenderClosedError,
  QuerierClosedError,
  ReadOnlyStorageError,
  StorageClosedError,
  StorageStateError,
} from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from './db.js';

const up = Labels.fromStrings('__name__', 'up');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-db-errors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DB typed errors', () => {
  it('refuses every call on a closed DB with StorageClosedError', async () => {
    const db = await DB.open();
    await db.close();
    const calls: [string, () => unknown][] = [
      ['appender', () => db.appender()],
      ['appenderV2', () => db.appenderV2()],
      ['querier', () => db.querier(0, 1)],
      ['chunkQuerier', () => db.chunkQuerier(0, 1)],
      ['exemplars', () => db.exemplars(0, 1)],
    ];
    for (const [what, call] of calls) expect(call, what).toThrow(StorageClosedError);
    await expect(db.delete(0, 1)).rejects.toBeInstanceOf(StorageClosedError);
    await expect(db.truncateHead(1)).rejects.toBeInstanceOf(StorageClosedError);
    // One base class catches them all.
    expect(() => db.appender()).toThrow(StorageStateError);
  });

  it('refuses writes on a read-only DB with ReadOnlyStorageError, and still reads', async () => {
    const rw = await DB.open(dir);
    const app = rw.appender();
    app.append(0, up, 1000, 1);
    await app.commit();
    await rw.close();

    const ro = await DB.open(dir, { readOnly: true });
    expect(() => ro.appender()).toThrow(ReadOnlyStorageError);
    expect(() => ro.appenderV2()).toThrow(ReadOnlyStorageError);
    await expect(ro.delete(0, 1)).rejects.toBeInstanceOf(ReadOnlyStorageError);
    await expect(ro.truncateHead(1)).rejects.toBeInstanceOf(ReadOnlyStorageError);
    const q = ro.querier(0, 2000);
    const set = await q.select(true, undefined, []);
    expect(set.next()).toBe(true);
    await q.close();
    await ro.close();
  });

  it('refuses a closed querier with QuerierClosedError; closing twice is harmless', async () => {
    const db = await DB.open();
    for (const q of [db.querier(0, 1), db.chunkQuerier(0, 1)]) {
      await q.close();
      await q.close();
      await expect(q.select(true, undefined, [])).rejects.toBeInstanceOf(QuerierClosedError);
      await expect(q.labelNames(undefined, [])).rejects.toBeInstanceOf(QuerierClosedError);
      await expect(q.labelValues('job', undefined, [])).rejects.toBeInstanceOf(QuerierClosedError);
    }
    await db.close();
  });

  it('refuses an appender reused after commit or rollback with AppenderClosedError', async () => {
    const db = await DB.open();
    const committed = db.appender();
    committed.append(0, up, 1000, 1);
    await committed.commit();
    expect(() => committed.append(0, up, 2000, 1)).toThrow(AppenderClosedError);
    await expect(committed.commit()).rejects.toBeInstanceOf(AppenderClosedError);
    await expect(committed.rollback()).rejects.toBeInstanceOf(AppenderClosedError);

    const rolledBack = db.appenderV2();
    await rolledBack.rollback();
    expect(() => rolledBack.append(0, up, 0, 3000, 1, undefined, undefined)).toThrow(AppenderClosedError);
    await expect(rolledBack.commit()).rejects.toBeInstanceOf(AppenderClosedError);
    await db.close();
  });

  it('rejects a select whose signal already fired with the signal reason', async () => {
    const db = await DB.open();
    const q = db.querier(0, 1);
    const ac = new AbortController();
    const reason = new Error('gave up');
    ac.abort(reason);
    await expect(q.select(true, undefined, [], ac.signal)).rejects.toBe(reason);
    await expect(q.labelNames(undefined, [], ac.signal)).rejects.toBe(reason);
    await q.close();
    await db.close();
  });
});
