// DB-level corruption: a flipped byte in a middle segment, a truncated middle segment, a torn
// last page. Open succeeds, the loss is reported, and nothing before the damage is lost.
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB } from './db.js';
import { RecordDecoder, RecordType, readAllRecords } from './wal-api.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-corrupt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const numSeries = 20;
const commits = 800;

async function write(): Promise<string[]> {
  // Uncompressed, so that these samples fill the several segments the cases damage.
  const db = await DB.open(dir, { walSegmentSizeBytes: 32 * 1024, walCompression: 'none' });
  const refs = new Array<number>(numSeries).fill(0);
  for (let j = 0; j < commits; j++) {
    const app = db.appender();
    for (let i = 0; i < numSeries; i++) refs[i] = app.append(refs[i]!, Labels.fromStrings('i', String(i)), j, j);
    await app.commit();
  }
  await db.close();
  // chunks_head/ would restore the chunks cut before the damage; test the WAL alone.
  await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
  return (await readdir(join(dir, 'wal'))).filter((n) => /^\d+$/.test(n)).sort();
}

/** Per series, the number of samples, checking they are exactly 0, 1, 2, … (a prefix). */
async function prefixes(db: DB): Promise<number[]> {
  const q = db.querier(-Infinity, Infinity);
  const set = await q.select(false, undefined, []);
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    let n = 0;
    while (it.next() !== ValueType.None) {
      if (it.atT() !== n || it.atV() !== n) throw new Error(`gap in series at ${n}: got ${it.atT()}`);
      n++;
    }
    out.push(n);
  }
  await q.close();
  return out;
}

describe('DB.open on a damaged WAL', () => {
  it.each([
    ['a flipped byte in a middle segment', 'flip'],
    ['a truncated middle segment', 'truncate'],
    ['a torn last page', 'torn'],
  ])('survives %s, reports it and keeps everything before it', async (_name, kind) => {
    const segs = await write();
    expect(segs.length).toBeGreaterThanOrEqual(4);
    // The last file is the empty segment the closing DB had started; damage real data.
    const dataSegs = segs.slice(0, -1);
    const target = join(dir, 'wal', kind === 'torn' ? dataSegs[dataSegs.length - 1]! : dataSegs[1]!);
    // Samples in the segments before the damaged one: none of them may be lost.
    const damagedIndex = Number(target.slice(-8));
    const dec = new RecordDecoder();
    let samplesBefore = 0;
    await readAllRecords(
      join(dir, 'wal'),
      (rec) => {
        if (dec.type(rec) === RecordType.Samples) samplesBefore += dec.samples(rec).length;
      },
      { to: damagedIndex - 1 },
    );
    expect(samplesBefore).toBeGreaterThan(0);
    const bytes = await readFile(target);
    if (kind === 'flip') {
      bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
      await writeFile(target, bytes);
    } else if (kind === 'truncate') {
      await truncate(target, Math.floor(bytes.length / 3));
    } else {
      let end = bytes.length;
      while (end > 0 && bytes[end - 1] === 0) end--;
      await truncate(target, end - 11);
    }
    const logs: string[] = [];
    const db = await DB.open(dir, { logger: (m) => logs.push(m) });
    const c = db.openReport!.wal.corruption;
    expect(c).toBeDefined();
    expect(c!.repair!.droppedBytes).toBeGreaterThan(0);
    expect(logs.join('\n')).toMatch(/corruption in segment .* at \d+: .*; repaired: /);
    const ns = await prefixes(db);
    expect(ns).toHaveLength(numSeries);
    const total = ns.reduce((a, b) => a + b, 0);
    expect(total).toBe(db.openReport!.wal.samples);
    expect(total).toBeLessThan(numSeries * commits);
    expect(total).toBeGreaterThanOrEqual(samplesBefore);
    await db.close();
    // The repaired WAL opens cleanly and holds the same.
    const db2 = await DB.open(dir);
    expect(db2.openReport!.wal.corruption).toBeUndefined();
    expect(await prefixes(db2)).toEqual(ns);
    await db2.close();
  });
});
