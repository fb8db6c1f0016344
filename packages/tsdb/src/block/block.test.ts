import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import { HistogramChunk, UnknownEncodingError, XORChunk } from '@tsprom/chunkenc';
import { type ChunkSeries, ListChunkSeries, seriesSetFromList, StaleNaN } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpaqueChunk } from '../chunks/opaque-chunk.js';
import { chunkSeriesSetOf, dumpLines, readAll, type TestSeries } from '../testing/block-data.js';
import { Block } from './block.js';
import { readBlockMeta } from './block-meta.js';
import { BlockWriteError, TMP_FOR_CREATION_SUFFIX, writeBlock } from './block-writer.js';
import { CorruptBlockError } from './errors.js';
import { isULID } from './ulid.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-block-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function gen(n: number, samples: number, step = 15_000, t0 = 0): TestSeries[] {
  const out: TestSeries[] = [];
  for (let i = 0; i < n; i++) {
    const s: TestSeries = {
      labels: Labels.fromStrings(
        '__name__',
        i % 3 === 0 ? 'up' : 'http_requests_total',
        'instance',
        `host-${i}`,
        'job',
        `j${i % 4}`,
      ),
      samples: [],
    };
    for (let k = 0; k < samples; k++)
      s.samples.push({ t: t0 + k * step + (i % 7), v: i % 5 === 0 ? k * 0.5 : i * 100 + k });
    out.push(s);
  }
  return out;
}

const eq = (name: string, value: string): Matcher => new Matcher(MatchType.Equal, name, value);
const re = (name: string, value: string): Matcher => new Matcher(MatchType.Regexp, name, value);

async function writeAndOpen(series: TestSeries[], mint: number, maxt: number): Promise<Block> {
  const meta = await writeBlock(dir, chunkSeriesSetOf(series), { mint, maxt });
  expect(meta).toBeDefined();
  return Block.open(join(dir, meta!.ulid));
}

describe('writeBlock / Block', () => {
  it('writes a block directory that reads back: meta, every series and sample, matchers, label look-ups', async () => {
    const series = gen(50, 500);
    const b = await writeAndOpen(series, 0, 500 * 15_000);
    try {
      expect(isULID(b.ulid)).toBe(true);
      expect((await readdir(dir)).sort()).toEqual([b.ulid]);
      expect((await readdir(b.dir)).sort()).toEqual(['chunks', 'index', 'meta.json', 'tombstones']);
      const { meta } = await readBlockMeta(b.dir);
      expect(meta.stats).toEqual({ numSamples: 50 * 500, numSeries: 50, numChunks: 50 * 5 });
      expect(meta.compaction).toEqual({ level: 1, sources: [b.ulid] });
      const raw = await readFile(join(b.dir, 'meta.json'), 'utf8');
      expect(raw.startsWith('{\n\t"ulid": ')).toBe(true);

      const q = b.querier(0, Number.MAX_SAFE_INTEGER);
      const all = await readAll(q);
      const sorted = [...series].sort((x, y) => Labels.compare(x.labels, y.labels));
      expect(dumpLines(all)).toEqual(dumpLines(sorted));
      expect((await readAll(q, [eq('job', 'j1')])).map((s) => s.labels.get('instance'))).toEqual(
        sorted.filter((s) => s.labels.get('job') === 'j1').map((s) => s.labels.get('instance')),
      );
      expect((await readAll(q, [eq('__name__', 'up'), re('instance', 'host-(3|6)')])).length).toBe(2);
      expect((await q.labelValues('job', undefined, [])).values).toEqual(['j0', 'j1', 'j2', 'j3']);
      expect((await q.labelValues('job', undefined, [eq('instance', 'host-5')])).values).toEqual(['j1']);
      expect((await q.labelNames(undefined, [])).values).toEqual(['__name__', 'instance', 'job']);
      // Trimmed to the hints' range, seeking across chunks.
      const part = await readAll(q, [eq('instance', 'host-0')], 3_000_000, 4_000_000);
      expect(part[0]!.samples[0]!.t).toBe(3_000_000);
      expect(part[0]!.samples[part[0]!.samples.length - 1]!.t).toBe(3_990_000);
      const set = await q.select(true, undefined, [eq('instance', 'host-1')]);
      expect(set.next()).toBe(true);
      const it = set.at().iterator();
      expect(it.seek(7_000_001)).toBe(1);
      expect(it.atT()).toBe(7_005_001);
      expect(it.seek(5)).toBe(1); // Stays on the current sample.
      expect(it.atT()).toBe(7_005_001);
      await q.close();
    } finally {
      await b.close();
    }
  });

  it('round-trips random series, including stale markers, through the block writer and reader', async () => {
    const sample = fc.record({
      dt: fc.integer({ min: 1, max: 100_000 }),
      v: fc.oneof(fc.double(), fc.constant(StaleNaN)),
    });
    const arb = fc.uniqueArray(
      fc.record({
        labels: fc
          .dictionary(fc.constantFrom('__name__', 'a', 'job', 'ü'), fc.string({ minLength: 1, maxLength: 6 }), {
            minKeys: 1,
          })
          .map((d) => Labels.fromMap(d)),
        samples: fc.array(sample, { minLength: 1, maxLength: 300 }),
      }),
      { selector: (s) => s.labels.key(), maxLength: 20, minLength: 1 },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (raw) => {
        const series: TestSeries[] = raw.map((r) => {
          let t = -1_000_000;
          const samples = r.samples.map((s) => {
            t += s.dt;
            return { t, v: s.v };
          });
          return { labels: r.labels, samples };
        });
        const sub = join(dir, String(run++));
        const meta = await writeBlock(sub, chunkSeriesSetOf(series), { mint: -1_000_000, maxt: 100_000_000 });
        const b = await Block.open(join(sub, meta!.ulid));
        try {
          const q = b.querier(-Infinity, Infinity);
          const got = await readAll(q);
          await q.close();
          const want = [...series].sort((x, y) => Labels.compare(x.labels, y.labels));
          expect(dumpLines(got)).toEqual(dumpLines(want));
        } finally {
          await b.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('hides deleted samples (tombstones on disk survive a reopen) and chunk queriers re-encode what they cut', async () => {
    const series = gen(6, 300);
    let b = await writeAndOpen(series, 0, 300 * 15_000);
    await b.delete(1_000_000, 2_000_000, [eq('job', 'j1')]);
    const ulid = b.ulid;
    await b.close();
    b = await Block.open(join(dir, ulid));
    try {
      expect(b.meta.stats.numTombstones).toBe(2);
      const q = b.querier(0, Infinity);
      for (const s of await readAll(q)) {
        const hidden = s.samples.filter((p) => p.t >= 1_000_000 && p.t <= 2_000_000).length;
        expect(hidden, s.labels.toString()).toBe(s.labels.get('job') === 'j1' ? 0 : 67);
      }
      await q.close();
      const cq = b.chunkQuerier(0, Infinity);
      const set = await cq.select(true, undefined, [eq('instance', 'host-1')]);
      expect(set.next()).toBe(true);
      const it = set.at().chunkIterator();
      let n = 0;
      while (it.next()) {
        const m = it.at();
        expect(m.mint > 2_000_000 || m.maxt < 1_000_000).toBe(true);
        n += m.chunk.numSamples();
      }
      expect(n).toBe(300 - 67);
      await cq.close();
    } finally {
      await b.close();
    }
  });

  it('writes nothing for a set without samples, and refuses chunks outside the range, leaving no temporary dir', async () => {
    expect(await writeBlock(dir, chunkSeriesSetOf([]), { mint: 0, maxt: 1000 })).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
    await expect(writeBlock(dir, chunkSeriesSetOf(gen(2, 10)), { mint: 0, maxt: 1000 })).rejects.toThrow(
      BlockWriteError,
    );
    expect((await readdir(dir)).filter((n) => n.endsWith(TMP_FOR_CREATION_SUFFIX))).toEqual([]);
  });

  it.each([
    ['meta.json', (b: Buffer) => b.subarray(0, 10), /meta\.json: invalid JSON/],
    ['index', (b: Buffer) => b.subarray(0, b.length - 3), /index/],
    [
      'chunks/000001',
      (b: Buffer) => Buffer.concat([Buffer.from([1, 2, 3, 4]), b.subarray(4)]),
      /chunks\/000001 at offset 0: invalid magic/,
    ],
    ['tombstones', (b: Buffer) => Buffer.concat([b, Buffer.from([1])]), /tombstones/],
  ])('reports a damaged %s with the block ULID and the file', async (file, damage, re) => {
    const meta = await writeBlock(dir, chunkSeriesSetOf(gen(3, 10)), { mint: 0, maxt: 1_000_000 });
    const p = join(dir, meta!.ulid, file);
    await writeFile(p, damage(await readFile(p)));
    const err = await Block.open(join(dir, meta!.ulid)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptBlockError);
    expect((err as CorruptBlockError).ulid).toBe(meta!.ulid);
    expect((err as CorruptBlockError).file).toBe(file);
    expect((err as Error).message).toContain(meta!.ulid);
    expect((err as Error).message).toMatch(re);
  });

  it('passes chunks of encodings it cannot decode (ST histograms) through, failing only their samples', async () => {
    const bytes = new Uint8Array([0, 3, 0xde, 0xad, 0xbe, 0xef]);
    const set = seriesSetFromList<ChunkSeries>([
      new ListChunkSeries(Labels.fromStrings('__name__', 'h'), [
        { ref: 0, mint: 10, maxt: 30, chunk: new OpaqueChunk(5, bytes) },
      ]),
    ]);
    const meta = await writeBlock(dir, set, { mint: 0, maxt: 100 });
    expect(meta!.stats.numSamples).toBe(3);
    expect(meta!.stats.numHistogramSamples).toBe(3);
    const blk = await Block.open(join(dir, meta!.ulid));
    const cq = blk.chunkQuerier(0, 100);
    const cs = await cq.select(true, undefined, []);
    expect(cs.next()).toBe(true);
    const it = cs.at().chunkIterator();
    expect(it.next()).toBe(true);
    expect(it.at().chunk.encoding()).toBe(5);
    expect(Array.from(it.at().chunk.bytes())).toEqual(Array.from(bytes));
    await cq.close();
    const q = blk.querier(0, 100);
    await expect(readAll(q)).rejects.toThrow(UnknownEncodingError);
    await q.close();
    await blk.close();
  });

  it('counts histogram samples in numHistogramSamples of meta.json, as Prometheus 3 does', async () => {
    const hc = new HistogramChunk();
    for (let i = 0; i < 4; i++) {
      hc.appendHistogram(i * 10, {
        counterResetHint: 0,
        schema: 0,
        zeroThreshold: 0.001,
        zeroCount: 0,
        count: i,
        sum: i,
        positiveSpans: [{ offset: 0, length: 1 }],
        positiveBuckets: [i],
        negativeSpans: [],
        negativeBuckets: [],
      });
    }
    const xc = new XORChunk();
    const app = xc.appender();
    for (let i = 0; i < 6; i++) app.append(i * 10, i);
    const set = seriesSetFromList<ChunkSeries>([
      new ListChunkSeries(Labels.fromStrings('__name__', 'f'), [{ ref: 0, mint: 0, maxt: 50, chunk: xc }]),
      new ListChunkSeries(Labels.fromStrings('__name__', 'h'), [{ ref: 0, mint: 0, maxt: 30, chunk: hc }]),
    ]);
    const meta = await writeBlock(dir, set, { mint: 0, maxt: 100 });
    const { meta: read } = await readBlockMeta(join(dir, meta!.ulid));
    expect(read.stats).toEqual({ numSamples: 10, numHistogramSamples: 4, numSeries: 2, numChunks: 2 });
    const raw = await readFile(join(dir, meta!.ulid, 'meta.json'), 'utf8');
    expect(raw).toContain('\t\t"numSamples": 10,\n\t\t"numHistogramSamples": 4,\n\t\t"numSeries": 2,');
  });

  it('reports a chunk whose bytes were damaged when it is read, through the series iterator', async () => {
    const meta = await writeBlock(dir, chunkSeriesSetOf(gen(2, 10)), { mint: 0, maxt: 1_000_000 });
    const p = join(dir, meta!.ulid, 'chunks', '000001');
    const b = await readFile(p);
    b[20]! ^= 0xff;
    await writeFile(p, b);
    const blk = await Block.open(join(dir, meta!.ulid));
    const q = blk.querier(0, Infinity);
    await expect(readAll(q)).rejects.toThrow(/chunks\/000001 at offset 8: checksum mismatch/);
    await q.close();
    await blk.close();
  });
});
